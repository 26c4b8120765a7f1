"""Spatial queries, one implementation per database.

SQLite: an R*Tree virtual table per spatial table, kept in step by triggers
on the bbox columns of `BBoxMixin`; candidates from the R*Tree are refined
with the exact bbox columns (the R*Tree stores 32-bit floats).
PostgreSQL: PostGIS `&&` on the geometry column, served by a GiST index.
"""
from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import Point
from sqlalchemy import ColumnElement, and_, column, func, select, table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from geo.bbox import BBox
from geo.points import point_in_area


@dataclass(frozen=True)
class SpatialTable:
    """A table with a geometry column, its id column and its bbox columns."""

    name: str
    geometry_column: str

    @property
    def rtree(self) -> str:
        return f"{self.name}_rtree"


def sqlite_index_ddl(spatial: SpatialTable) -> list[str]:
    """DDL for the R*Tree index and the triggers that maintain it (SQLite)."""
    t, r = spatial.name, spatial.rtree
    insert = (
        f"INSERT INTO {r} (id, min_x, max_x, min_y, max_y) "
        "SELECT NEW.id, NEW.min_x, NEW.max_x, NEW.min_y, NEW.max_y WHERE NEW.min_x IS NOT NULL;"
    )
    return [
        f"CREATE VIRTUAL TABLE {r} USING rtree(id, min_x, max_x, min_y, max_y)",
        f"CREATE TRIGGER {r}_insert AFTER INSERT ON {t} BEGIN {insert} END",
        f"CREATE TRIGGER {r}_update AFTER UPDATE OF min_x, min_y, max_x, max_y ON {t} "  # noqa: S608 - table names from the models, never from input
        f"BEGIN DELETE FROM {r} WHERE id = OLD.id; {insert} END",
        f"CREATE TRIGGER {r}_delete AFTER DELETE ON {t} BEGIN DELETE FROM {r} WHERE id = OLD.id; END",  # noqa: S608 - as above
    ]


def sqlite_drop_ddl(spatial: SpatialTable) -> list[str]:
    r = spatial.rtree
    return [f"DROP TRIGGER IF EXISTS {r}_{op}" for op in ("insert", "update", "delete")] + [
        f"DROP TABLE IF EXISTS {r}"
    ]


def postgis_index_ddl(spatial: SpatialTable) -> list[str]:
    t, g = spatial.name, spatial.geometry_column
    return [f"CREATE INDEX ix_{t}_{g}_gist ON {t} USING GIST ({g})"]


def postgis_drop_ddl(spatial: SpatialTable) -> list[str]:
    return [f"DROP INDEX IF EXISTS ix_{spatial.name}_{spatial.geometry_column}_gist"]


def index_ddl(dialect_name: str, spatial: SpatialTable) -> list[str]:
    return postgis_index_ddl(spatial) if dialect_name == "postgresql" else sqlite_index_ddl(spatial)


def drop_ddl(dialect_name: str, spatial: SpatialTable) -> list[str]:
    return postgis_drop_ddl(spatial) if dialect_name == "postgresql" else sqlite_drop_ddl(spatial)


def intersects_bbox(dialect: Dialect, model, spatial: SpatialTable, bbox: BBox) -> ColumnElement[bool]:
    """A WHERE clause: rows of `model` whose geometry's bbox meets `bbox`."""
    exact = and_(
        model.max_x >= bbox.west,
        model.min_x <= bbox.east,
        model.max_y >= bbox.south,
        model.min_y <= bbox.north,
    )
    if dialect.name == "postgresql":
        envelope = func.ST_MakeEnvelope(bbox.west, bbox.south, bbox.east, bbox.north, 4326)
        return and_(getattr(model, spatial.geometry_column).op("&&")(envelope), exact)
    rtree = table(spatial.rtree, column("id"), column("min_x"), column("max_x"), column("min_y"), column("max_y"))
    candidates = select(rtree.c.id).where(
        rtree.c.max_x >= bbox.west,
        rtree.c.min_x <= bbox.east,
        rtree.c.max_y >= bbox.south,
        rtree.c.min_y <= bbox.north,
    )
    return and_(model.id.in_(candidates), exact)


def area_covers(session: Session, model, spatial: SpatialTable, row_id: int, point: Point) -> bool:
    """Whether the geometry of row `row_id` covers `point` (no geometry: anywhere).

    PostGIS decides with ST_Covers; SQLite has no spatial functions without
    SpatiaLite, so shapely decides on the stored geometry there.
    """
    column = getattr(model, spatial.geometry_column)
    if session.get_bind().dialect.name == "postgresql":
        covers, has_area = session.execute(
            select(func.ST_Covers(column, func.ST_GeomFromText(point.wkt, 4326)), column.is_not(None))
            .where(model.id == row_id)
        ).one()
        return bool(covers) or not has_area
    return point_in_area(point, session.scalar(select(column).where(model.id == row_id)))


def covering_rows(session: Session, model, spatial: SpatialTable, point: Point, where=None) -> list:
    """The rows of `model` whose geometry covers `point` (its boundary counts as inside).

    Candidates come from the index (SQLite R*Tree, PostGIS GiST through ``&&``);
    PostGIS decides exactly with ST_Covers, shapely on SQLite. `where` narrows
    the candidates further (a clause or a list of clauses), e.g. to one town's rows.
    """
    box = BBox(point.x, point.y, point.x, point.y)
    dialect = session.get_bind().dialect
    clauses = [intersects_bbox(dialect, model, spatial, box)]
    if where is not None:
        clauses += list(where) if isinstance(where, (list, tuple)) else [where]
    query = select(model).where(*clauses).order_by(model.id)
    if dialect.name == "postgresql":
        column = getattr(model, spatial.geometry_column)
        return list(session.scalars(query.where(func.ST_Covers(column, func.ST_GeomFromText(point.wkt, 4326)))))
    return [row for row in session.scalars(query)
            if (geometry := getattr(row, spatial.geometry_column)) is not None and geometry.covers(point)]
