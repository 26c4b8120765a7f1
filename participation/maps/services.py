"""Arranging the layers on a page's map."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from participation.extensions import db
from participation.layers.models import Layer
from participation.maps.models import Map, MapLayer
from participation.municipalities.models import Municipality


def arrange_map(map_: Map, town: Municipality, user, rows: list[tuple[int, bool]]) -> Map:
    """Put exactly these layers of `town` on the map, bottom first: ``[(layer_id, visible), …]``.

    Layers of other towns are refused with ValueError; the caller commits.
    """
    allowed = set(db.session.scalars(select(Layer.id).where(Layer.municipality_id == town.id)))
    if any(layer_id not in allowed for layer_id, _visible in rows):
        raise ValueError("a layer of another municipality cannot go on this map")
    existing = {item.layer_id: item for item in map_.layers}
    wanted = dict(rows)
    for layer_id, item in existing.items():
        if layer_id not in wanted:
            map_.layers.remove(item)
    for position, (layer_id, visible) in enumerate(rows):
        item = existing.get(layer_id)
        if item is None:
            item = MapLayer(layer_id=layer_id)
            map_.layers.append(item)
        item.position, item.visible = position, visible
    current_app.logger.info("User %s arranged map %s: %s", getattr(user, "id", None), map_.id, rows)
    return map_
