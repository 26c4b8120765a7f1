"""Uploaded data on a map: small layers as one GeoJSON document, large ones as vector tiles."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from participation.layers.models import Layer, LayerKind, LayerVersion
from participation.layers.serving.tiles import layer_stamp, tile_min_zoom, tile_url_template, use_vector_tiles
from participation.layers.sources.base import SourceType
from participation.layers.styles.legend import legend_rows
from participation.layers.styles.rules import clean_style


class VectorSource(SourceType):
    """Features the GIS team uploaded, stored here in versions and styled here."""

    kind = LayerKind.VECTOR
    label = _l("Uploaded data")
    stylable = True
    versioned = True

    def map_source(self, layer: Layer, version: LayerVersion | None = None) -> dict | None:
        version = version or layer.current_version
        if version is None:
            return None
        if version.id != layer.current_version_id:  # a preview for the GIS team
            source = {"type": "geojson", "url": url_for(
                "layers.preview_features", slug=layer.municipality.slug, layer_id=layer.id, number=version.number)}
        elif use_vector_tiles(layer):
            source = {"type": "vectortiles", "url": tile_url_template(layer), "min_zoom": tile_min_zoom(layer)}
        else:
            source = {"type": "geojson", "url": url_for("api.layer_features", layer_id=layer.id, v=layer_stamp(layer))}
        config = {"source": source}
        if version.min_x is not None:
            config["bounds"] = [version.min_x, version.min_y, version.max_x, version.max_y]
        return config

    def legend(self, layer: Layer) -> list[dict]:
        """The rows of the layer's saved style (categories, classes or its own look)."""
        return legend_rows(clean_style(layer.style))

    def is_ready(self, layer: Layer) -> bool:
        return layer.current_version_id is not None
