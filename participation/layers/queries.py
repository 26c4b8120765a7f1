"""Reading published layers for the maps."""
from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import mapping
from sqlalchemy import select

from participation.extensions import db
from participation.layers.models import Layer, LayerFeature

#: Highest zoom level a client may ask for.
MAX_ZOOM = 22


def tolerance_for_zoom(zoom: int) -> float:
    """Half a screen pixel at `zoom`, in degrees: detail below it cannot be seen."""
    return 360.0 / (256 * 2**zoom) / 2


def published_features(layer: Layer, zoom: int | None) -> dict:
    """The published version of `layer` as a GeoJSON FeatureCollection, simplified for `zoom`.

    Attributes are left out: which ones residents may see is the layer's popup
    configuration, and by default none are shown.
    """
    version = layer.current_version
    rows = db.session.execute(
        select(LayerFeature.id, LayerFeature.geometry).where(LayerFeature.version_id == version.id)
        .order_by(LayerFeature.id)
    ).all()
    ids = [row.id for row in rows]
    geometries = np.array([row.geometry for row in rows], dtype=object)
    if zoom is not None and len(geometries):
        geometries = shapely.simplify(geometries, tolerance_for_zoom(zoom), preserve_topology=True)
    features = [
        {"type": "Feature", "id": ident, "geometry": mapping(geometry), "properties": {}}
        for ident, geometry in zip(ids, geometries)
        if geometry is not None and not geometry.is_empty
    ]
    return {
        "type": "FeatureCollection",
        "layer": {"id": layer.id, "name": layer.name, "attribution": layer.attribution, "version": version.number},
        "features": features,
    }
