"""Large published layers as Mapbox Vector Tiles, built from the database (served by `views`).

Small layers go to the map whole as GeoJSON (``/api/v1/layers/<id>/features``);
past ``LAYER_VECTOR_TILE_THRESHOLD`` features or ``LAYER_VECTOR_TILE_MAX_VERTICES``
vertices (and features) the map draws them tile by tile
with Leaflet.VectorGrid, whose MVT layer is called ``features``. A tile holds
only the attributes residents may see (`public_attributes`).
"""
from __future__ import annotations

import hashlib
import json

from flask import current_app, url_for
from sqlalchemy import and_, func, select

from geo.bbox import BBox
from geo.vector_tiles import DEFAULT_BUFFER, DEFAULT_EXTENT, encode_tile, estimated_min_zoom, tile_bounds_lonlat
from participation.database.spatial import intersects_bbox
from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerKind, LayerVersion
from participation.layers.serving.features import geojson_size

#: Part of every ETag and cache key; raise it when the encoding changes.
TILE_FORMAT = 1
#: A tile with more features is not drawn (204): they are then a pixel or two across, and
#: bench/layer_tiles.py measured 90–120 µs per feature for an uncached tile (query, transform,
#: mapbox-vector-tile's pure-Python encoder), so this bounds one request to about a second.
MAX_TILE_FEATURES = 10_000


def use_vector_tiles(layer: Layer) -> bool:
    """Whether the map should draw `layer` from vector tiles instead of one GeoJSON document.

    By the published version's feature count and its size: GeoJSON size and
    the browser's work grow with both (see bench/layer_tiles.py); a few
    features of a million vertices are as large as a million points.
    """
    version = layer.current_version
    if layer.kind != LayerKind.VECTOR or version is None:
        return False
    return (version.feature_count > current_app.config["LAYER_VECTOR_TILE_THRESHOLD"]
            or geojson_size(version) > current_app.config["LAYER_VECTOR_TILE_MAX_VERTICES"])


def geojson_too_large(version: LayerVersion | None) -> bool:
    """Whether a version is too large to send as one GeoJSON document at all
    (``LAYER_GEOJSON_MAX_VERTICES``): the API and the GIS team's preview refuse it, whatever the zoom."""
    return version is not None and geojson_size(version) > current_app.config["LAYER_GEOJSON_MAX_VERTICES"]


def tile_min_zoom(layer: Layer) -> int:
    """The lowest zoom at which the layer's tiles are drawn (Leaflet.VectorGrid's ``minZoom``).

    Below it a tile would carry more than MAX_TILE_FEATURES features on
    average; half the limit leaves room for data denser in some places.
    """
    version = layer.current_version
    if version is None or version.min_x is None:
        return 0
    bbox = BBox(version.min_x, version.min_y, version.max_x, version.max_y)
    return estimated_min_zoom(version.feature_count, bbox, max(1, MAX_TILE_FEATURES // 2))


def tile_url_template(layer: Layer) -> str:
    """The layer's tile address with Leaflet's ``{z}/{x}/{y}`` placeholders, naming what it shows (`v`)."""
    address = url_for("tiles.tile", layer_id=layer.id, z=0, x=0, y=0)
    suffix = "/0/0/0.pbf"
    return address.removesuffix(suffix) + "/{z}/{x}/{y}.pbf?v=" + layer_stamp(layer)


def layer_stamp(layer: Layer) -> str:
    """What a layer's tiles and GeoJSON show, hashed: its published version and its look (a change of
    style or popup attributes changes `updated_at`). Addresses carry it, so that caches may keep them."""
    version = layer.current_version
    basis = json.dumps([TILE_FORMAT, layer.id, version.id, version.created_at.isoformat(), layer.updated_at.isoformat()])
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def tile_tag(layer: Layer, attributes: list[str], z: int, x: int, y: int) -> str:
    """What the tile's bytes depend on, hashed: ETag and cache key at once.

    The version's creation time is in it because SQLite may give a deleted
    version's id to a new one.
    """
    version = layer.current_version
    basis = json.dumps([TILE_FORMAT, layer.id, version.id, version.created_at.isoformat(), attributes, z, x, y])
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def build_tile(layer: Layer, attributes: list[str], z: int, x: int, y: int) -> bytes:
    """The encoded tile of the published version, b"" when no feature meets it or too many do."""
    version = layer.current_version
    if z < tile_min_zoom(layer):
        return b""
    bbox = tile_bounds_lonlat(z, x, y, buffer=DEFAULT_BUFFER, extent=DEFAULT_EXTENT)
    in_tile = and_(LayerFeature.version_id == version.id,
                   intersects_bbox(db.engine.dialect, LayerFeature, LayerFeature.spatial, bbox))
    if version.feature_count > MAX_TILE_FEATURES:
        capped = select(LayerFeature.id).where(in_tile).limit(MAX_TILE_FEATURES + 1).subquery()
        if db.session.scalar(select(func.count()).select_from(capped)) > MAX_TILE_FEATURES:
            return b""
    columns = [LayerFeature.id, LayerFeature.geometry]
    if attributes:
        columns.append(LayerFeature.properties)
    rows = db.session.execute(select(*columns).where(in_tile).order_by(LayerFeature.id)).all()
    if not rows:
        return b""
    properties = None
    if attributes:
        properties = [{name: (row.properties or {})[name] for name in attributes if name in (row.properties or {})}
                      for row in rows]
    return encode_tile([row.geometry for row in rows], properties, z, x, y, ids=[row.id for row in rows])
