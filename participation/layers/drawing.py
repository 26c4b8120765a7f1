"""What the map script needs to draw layers, and which image hosts the page must allow.

The configurations go into a ``data-`` attribute (escaped by Jinja's
``tojson``), never into an inline script. Colours and symbols are cleaned by
`styles.rules`; names, labels and attribution are plain text that the script
sets with ``textContent``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for

from participation.layers.models import Layer, LayerVersion
from participation.layers.serving.tiles import geojson_too_large
from participation.layers.sources.registry import source_of
from participation.layers.styles.legend import display_style, legend_rows
from participation.layers.styles.rules import clean_popup, clean_style
from participation.web.security import allow_images_from


@dataclass
class LayerDrawing:
    """Layers ready for a page: script configurations (bottom first), switcher rows, image origins."""

    configs: list[dict] = field(default_factory=list)
    #: The layer switcher's rows: the map's list alternative, with descriptions and legends.
    switcher: list[dict] = field(default_factory=list)
    #: Origins of external services the page loads images from (CSP img-src).
    image_origins: set[str] = field(default_factory=set)

    @property
    def needs_vector_tiles(self) -> bool:
        return any(config["source"]["type"] == "vectortiles" for config in self.configs)

    def allow_images(self) -> None:
        """Let the page being answered load the external services' images."""
        for origin in sorted(self.image_origins):
            allow_images_from(origin)


def layer_config(layer: Layer, *, visible: bool = True, version: LayerVersion | None = None,
                 style: dict | None = None, popup: list[dict] | None = None) -> dict | None:
    """The map configuration of `layer`, or None when there is nothing to draw.

    `version` previews an unpublished version (for the GIS team only); the
    default is the published one. `style` and `popup` (cleaned) replace the
    stored ones, for the style page's preview.
    """
    drawn = source_of(layer).map_source(layer, version)
    if drawn is None:
        return None
    return {
        "id": layer.id, "name": layer.name, "kind": layer.kind.value, "visible": visible,
        "attribution": layer.attribution,
        "style": display_style(clean_style(layer.style) if style is None else style),
        "popup": clean_popup(layer.popup) if popup is None else popup,
        **drawn,
    }


def switcher_entry(layer: Layer, visible: bool, style: dict | None = None) -> dict:
    """A layer's row in the layer switcher, with its legend (from `style` when given, for the preview)."""
    source = source_of(layer)
    legend = legend_rows(style) if style is not None and source.stylable else source.legend(layer)
    return {"id": layer.id, "name": layer.name, "description": layer.description, "visible": visible,
            "attribution": layer.attribution, "legend": legend}


def draw_style_preview(layer: Layer, style: dict, popup: list[dict]) -> LayerDrawing:
    """`layer` drawn with a style and popup not saved yet (cleaned), for the GIS team's style page.

    The features come from the GIS team's own address for the newest version
    with all attributes, as the public ones carry only those of the saved style.
    """
    drawing = LayerDrawing()
    version = layer.current_version or (layer.versions[-1] if layer.versions else None)
    if version is None or not source_of(layer).stylable:
        return drawing
    config = layer_config(layer, version=version, style=style, popup=popup)
    if config is None:
        return drawing
    if not geojson_too_large(version):
        config["source"] = {"type": "geojson", "url": url_for(
            "layers.preview_features", slug=layer.municipality.slug, layer_id=layer.id, number=version.number)}
    elif version.id != layer.current_version_id:
        return drawing  # too large for one document and not published: no tiles to draw it from either
    # else: the published version's tiles, which carry the saved style's attributes only
    drawing.configs.append(config)
    drawing.switcher.append(switcher_entry(layer, True, style))
    return drawing


def draw_layers(entries: list[tuple[Layer, bool]], *, preview: LayerVersion | None = None) -> LayerDrawing:
    """The drawable layers among ``[(layer, visible), …]`` (bottom first) for a page.

    Layers without anything to show (not published yet, an unusable service
    address) are left out. `preview` draws that unpublished version of its
    layer instead of the published one.
    """
    drawing = LayerDrawing()
    for layer, visible in entries:
        version = preview if preview is not None and preview.layer_id == layer.id else None
        config = layer_config(layer, visible=visible, version=version)
        if config is None:
            continue
        drawing.configs.append(config)
        drawing.switcher.append(switcher_entry(layer, visible))
        if origin := source_of(layer).image_origin(layer):
            drawing.image_origins.add(origin)
    return drawing
