"""What the map script needs to draw layers: one JSON-able dict per layer.

The dicts go into a ``data-`` attribute (escaped by Jinja's ``tojson``), never
into an inline script. Colours and symbols are cleaned by `styles`; names,
labels and attribution are plain text that the script sets with
``textContent``.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from participation.layers.models import Layer, LayerKind, LayerVersion
from participation.layers.styles import clean_popup, clean_style
from participation.web.security import allow_images_from


def layer_config(layer: Layer, *, visible: bool = True, version: LayerVersion | None = None) -> dict | None:
    """The map configuration of `layer`, or None when there is nothing to draw.

    `version` previews an unpublished version (for the GIS team only); the
    default is the published one.
    """
    config = {
        "id": layer.id, "name": layer.name, "kind": layer.kind.value, "visible": visible,
        "attribution": layer.attribution, "style": clean_style(layer.style), "popup": clean_popup(layer.popup),
    }
    if layer.kind is LayerKind.VECTOR:
        version = version or layer.current_version
        if version is None:
            return None
        if version.id != layer.current_version_id:
            config["source"] = {"type": "geojson", "url": url_for(
                "layers.preview_features", slug=layer.municipality.slug, layer_id=layer.id, number=version.number)}
        else:
            config["source"] = _published_source(layer)
        if version.min_x is not None:
            config["bounds"] = [version.min_x, version.min_y, version.max_x, version.max_y]
        return config
    from participation.layers.external import leaflet_tile_options

    options = leaflet_tile_options(layer)
    if options is None:
        return None
    config["source"] = {"type": layer.kind.value, **options}
    return config


def _published_source(layer: Layer) -> dict:
    from participation.layers.tiles import tile_min_zoom, tile_url_template, use_vector_tiles

    if use_vector_tiles(layer):
        return {"type": "vectortiles", "url": tile_url_template(layer), "min_zoom": tile_min_zoom(layer)}
    return {"type": "geojson", "url": url_for("api.layer_features", layer_id=layer.id)}


def allow_images_from_layers(layers: list[Layer]) -> None:
    """Let this page load the images of the external services among `layers` (CSP img-src)."""
    from participation.layers.external import service_origin

    for layer in layers:
        if layer.kind is not LayerKind.VECTOR and (origin := service_origin(layer)):
            allow_images_from(origin)


def switcher_entry(layer: Layer, visible: bool) -> dict:
    """A layer's row in the layer switcher: the map's list alternative, with its legend."""
    return {"id": layer.id, "name": layer.name, "description": layer.description, "visible": visible,
            "attribution": layer.attribution, "legend": legend(layer)}


def legend(layer: Layer) -> list[dict]:
    """Legend entries: one per category, else one for the layer's own look."""
    style = clean_style(layer.style)
    if layer.kind is not LayerKind.VECTOR:
        return []
    entries = [{"label": c["label"] or c["value"], "fill": c["colour"], "stroke": style["stroke"]}
               for c in style["categories"]]
    if entries:  # features with other values keep the plain fill
        return [*entries, {"label": _("Other values"), "fill": style["fill"], "stroke": style["stroke"]}]
    return [{"label": "", "fill": style["fill"], "stroke": style["stroke"]}]


def project_layers(project) -> tuple[list[dict], list[dict]]:
    """The drawable layers of a project's map (bottom first) and their switcher rows.

    Also lets the page load images from the external services among them.
    """
    configs, switcher, shown = [], [], []
    for item in project.map_layers:
        config = layer_config(item.layer, visible=item.visible)
        if config is None:  # not published yet, or a service that cannot be drawn
            continue
        configs.append(config)
        switcher.append(switcher_entry(item.layer, item.visible))
        shown.append(item.layer)
    allow_images_from_layers(shown)
    return configs, switcher
