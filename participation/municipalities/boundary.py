"""A town's boundary: drawn, uploaded or taken from one of its layers; and the town's extent on maps."""
from __future__ import annotations

import shapely
from flask import current_app
from shapely.geometry import MultiPolygon
from sqlalchemy import select

from geo.areas import boundary_from_geometries, parse_area, simplified_boundary
from geo.errors import GeoInputError, N_
from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerKind
from participation.municipalities.models import Municipality

#: Matching features are read in batches of this many ids (SQLite allows 32 766 parameters).
_BATCH = 5_000


def town_extent(town: Municipality) -> tuple[float, float, float, float] | None:
    """Where a map of `town` opens: its boundary's bounds, else the bounds of all its project
    areas (drafts included: only planners draw), else None (the caller shows Germany)."""
    if town.boundary is not None and not town.boundary.is_empty:
        return town.boundary.bounds
    boxes = [(p.min_x, p.min_y, p.max_x, p.max_y) for p in town.projects if p.min_x is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def boundary_layers(town: Municipality) -> list[Layer]:
    """The town's published vector layers, which a boundary can be taken from."""
    return list(db.session.scalars(
        select(Layer).where(Layer.municipality_id == town.id, Layer.kind == LayerKind.VECTOR,
                            Layer.current_version_id.is_not(None)).order_by(Layer.name)
    ))


def parse_boundary(source: str | bytes, *, timeout: float | None = None) -> MultiPolygon:
    """A boundary from GeoJSON text (drawn or uploaded): read like a project area, then simplified.

    Raises GeoInputError for anything that is not a usable polygon area."""
    return simplified_boundary(parse_area(source, timeout=timeout))


def boundary_from_layer(layer: Layer, attribute: str = "", value: str = "") -> MultiPolygon:
    """The union of the polygons of `layer`'s published version, only of the features whose
    `attribute` equals `value` (compared as text) when an attribute is given; simplified.

    Raises
    ------
    GeoInputError
        When the layer has no such attribute, no feature matches, or the features cannot be
        merged (no polygons, too many vertices, too slow).
    """
    version = layer.current_version
    if version is None:
        raise GeoInputError(N_("The layer has no published version."))
    attribute, value = attribute.strip(), value.strip()
    rows = db.session.execute(
        select(LayerFeature.id, LayerFeature.properties).where(LayerFeature.version_id == version.id)
    ).all()
    if attribute:
        if not any(attribute in (properties or {}) for _id, properties in rows):
            names = [name for name, _kind in version.report.get("attributes", [])]
            raise GeoInputError(N_("The layer has no attribute “{attribute}”. Its attributes are: {names}."),
                                attribute=attribute[:80], names=", ".join(names[:30]) or "–")
        ids = [id_ for id_, properties in rows if _text((properties or {}).get(attribute)) == value]
        if not ids:
            raise GeoInputError(N_("No feature of the layer has {attribute} = “{value}”."),
                                attribute=attribute[:80], value=value[:80])
    else:
        ids = [id_ for id_, _properties in rows]
    geometries = []
    for start in range(0, len(ids), _BATCH):
        geometries += db.session.scalars(
            select(LayerFeature.geometry).where(LayerFeature.id.in_(ids[start:start + _BATCH]))
        ).all()
    return boundary_from_geometries(geometries)


def _text(value: object) -> str:
    """An attribute value as a person types it: 12063357 for an integer, not 12063357.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def set_boundary(town: Municipality, boundary: MultiPolygon, editor, *, source: str) -> Municipality:
    """Replace the town's boundary; `source` says where it came from, for the log."""
    town.boundary = boundary
    current_app.logger.info("User %s set the boundary of %s (%s, %s vertices)", getattr(editor, "id", None),
                            town.slug, source, shapely.get_num_coordinates(boundary))
    return town


def remove_boundary(town: Municipality, editor) -> Municipality:
    """Remove the town's boundary: project areas are no longer checked against it."""
    town.boundary = None
    current_app.logger.info("User %s removed the boundary of %s", getattr(editor, "id", None), town.slug)
    return town
