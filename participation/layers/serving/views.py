"""Serving layers to the map: vector tiles at ``/tiles/<layer>/<z>/<x>/<y>.pbf``.

(The GeoJSON of small layers is part of the JSON API: ``/api/v1/layers/<id>/features``.)
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, request

from geo.vector_tiles import is_valid_tile
from participation.cache import cached_bytes
from participation.layers.models import Layer, LayerKind
from participation.layers.serving.tiles import build_tile, layer_stamp, tile_tag
from participation.web.shared_cache import public_cache_headers
from participation.layers.styles.rules import public_attributes
from participation.loaders import get_by_id

bp = Blueprint("tiles", __name__, url_prefix="/tiles")

MIMETYPE = "application/vnd.mapbox-vector-tile"
#: Browsers and proxies reuse a tile this long, then ask again with its ETag:
#: a newly published version or popup reaches residents within five minutes.
MAX_AGE_SECONDS = 300


def published_vector_layer(layer_id: int) -> Layer:
    """The layer if residents may see it as vector data, else 404."""
    layer = get_by_id(Layer, layer_id)
    if layer is None or layer.kind != LayerKind.VECTOR or layer.current_version is None:
        abort(404)
    return layer



@bp.get("/<int:layer_id>/<int:z>/<int:x>/<int:y>.pbf")
def tile(layer_id: int, z: int, x: int, y: int):
    if not is_valid_tile(z, x, y):
        abort(404)
    layer = published_vector_layer(layer_id)
    attributes = public_attributes(layer)
    tag = tile_tag(layer, attributes, z, x, y)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304, mimetype=MIMETYPE)
    else:
        data = cached_bytes(f"tile:{tag}", lambda: build_tile(layer, attributes, z, x, y))
        # An empty tile is no content: Leaflet.VectorGrid reads a 204 as a tile without features.
        response = Response(data or None, status=200 if data else 204, mimetype=MIMETYPE)
    response.set_etag(tag)
    return public_cache_headers(response, versioned=request.args.get("v") == layer_stamp(layer),
                                max_age=MAX_AGE_SECONDS)
