"""What the map script needs to draw layers, and which image hosts the page must allow.

The configurations go into a ``data-`` attribute (escaped by Jinja's
``tojson``), never into an inline script. Colours and symbols are cleaned by
`styles.rules`; names, labels and attribution are plain text that the script
sets with ``textContent``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from participation.layers.models import Layer, LayerVersion
from participation.layers.sources.registry import source_of
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


def layer_config(layer: Layer, *, visible: bool = True, version: LayerVersion | None = None) -> dict | None:
    """The map configuration of `layer`, or None when there is nothing to draw.

    `version` previews an unpublished version (for the GIS team only); the
    default is the published one.
    """
    drawn = source_of(layer).map_source(layer, version)
    if drawn is None:
        return None
    return {
        "id": layer.id, "name": layer.name, "kind": layer.kind.value, "visible": visible,
        "attribution": layer.attribution, "style": clean_style(layer.style), "popup": clean_popup(layer.popup),
        **drawn,
    }


def switcher_entry(layer: Layer, visible: bool) -> dict:
    """A layer's row in the layer switcher, with its legend."""
    return {"id": layer.id, "name": layer.name, "description": layer.description, "visible": visible,
            "attribution": layer.attribution, "legend": source_of(layer).legend(layer)}


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
