"""Layers as GeoJSON for the maps, simplified per zoom and cached per layer."""
from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import mapping
from sqlalchemy import select

from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.layers.styles.rules import public_attributes

#: Highest zoom level a client may ask for.
MAX_ZOOM = 22


def features_scope(layer_id: int) -> str:
    """The cache scope of a layer's GeoJSON (see participation.cache): changes to its look or data
    invalidate it."""
    return f"layer:{layer_id}"


def geojson_size(version: LayerVersion) -> int:
    """What one GeoJSON document of `version` costs, as vertices plus features (about 40–50 bytes each).

    The vertex count is recorded at import (``report["vertex_count"]``; migration
    8b41c7e2d9a6 recorded it for older versions).
    """
    return int((version.report or {}).get("vertex_count") or 0) + version.feature_count


def tolerance_for_zoom(zoom: int) -> float:
    """Half a screen pixel at `zoom`, in degrees: detail below it cannot be seen."""
    return 360.0 / (256 * 2**zoom) / 2


def published_features(layer: Layer, zoom: int | None) -> dict:
    """The published version of `layer` as a GeoJSON FeatureCollection, simplified for `zoom`.

    Only the attributes residents may see (`public_attributes`) are included:
    by default none.
    """
    collection = version_features(layer.current_version, zoom, public_attributes(layer))
    collection["layer"] = {"id": layer.id, "name": layer.name, "attribution": layer.attribution,
                           "version": layer.current_version.number}
    return collection


def version_features(version: LayerVersion, zoom: int | None, attributes: list[str]) -> dict:
    """Any version's features as GeoJSON with just `attributes`, simplified for `zoom`."""
    rows = db.session.execute(
        select(LayerFeature.id, LayerFeature.geometry, LayerFeature.properties)
        .where(LayerFeature.version_id == version.id).order_by(LayerFeature.id)
    ).all()
    geometries = np.array([row.geometry for row in rows], dtype=object)
    if zoom is not None and len(geometries):
        geometries = shapely.simplify(geometries, tolerance_for_zoom(zoom), preserve_topology=True)
    features = [
        {"type": "Feature", "id": row.id, "geometry": mapping(geometry),
         "properties": {name: (row.properties or {}).get(name) for name in attributes}}
        for row, geometry in zip(rows, geometries)
        if geometry is not None and not geometry.is_empty
    ]
    return {"type": "FeatureCollection", "features": features}
