"""Reading what is on a map."""
from __future__ import annotations

from sqlalchemy import exists, or_, select

from participation.extensions import db
from participation.layers.models import Layer, LayerFeature
from participation.maps.models import Map, MapLayer
from participation.web.input_guard import MAX_URL_INT


def feature_on_map(map_: Map, layer_id: int, feature_id: str) -> bool:
    """Whether a feature of the published version of a layer on `map_` has this id: the gml:id an
    XPlanGML import stores in `properties["gml_id"]`, or, for other layers, the feature's row id."""
    if not 1 <= layer_id <= MAX_URL_INT:  # no row has it, and the database would refuse the number
        return False
    on_map = exists().where(MapLayer.map_id == map_.id, MapLayer.layer_id == layer_id)
    same = LayerFeature.properties["gml_id"].as_string() == feature_id
    if feature_id.isascii() and feature_id.isdigit() and len(feature_id) <= 18 and int(feature_id) <= MAX_URL_INT:
        same = or_(same, LayerFeature.id == int(feature_id))
    query = (
        select(LayerFeature.id)
        .join(Layer, Layer.current_version_id == LayerFeature.version_id)
        .where(Layer.id == layer_id, on_map, same)
        .limit(1)
    )
    return db.session.scalar(query) is not None
