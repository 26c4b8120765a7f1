"""A geometry column type that works on SQLite and PostGIS alike.

Values are shapely geometries in EPSG:4326. On SQLite they are stored as WKB
in a BLOB (no SpatiaLite needed); on PostgreSQL as a PostGIS `geometry`
column, exchanged as hex EWKB, which PostGIS parses and prints natively.
"""
from __future__ import annotations

import enum
from datetime import datetime, timezone

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Enum
from sqlalchemy.types import DateTime, LargeBinary, TypeDecorator, UserDefinedType

SRID = 4326


class _PostGISGeometry(UserDefinedType):
    cache_ok = True

    def __init__(self, geometry_type: str, srid: int) -> None:
        self.geometry_type = geometry_type
        self.srid = srid

    def get_col_spec(self, **kw) -> str:
        return f"geometry({self.geometry_type},{self.srid})"


class Geometry(TypeDecorator):
    """A shapely geometry in EPSG:4326, e.g. ``Geometry("POINT")``."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = SRID) -> None:
        super().__init__()
        self.geometry_type = geometry_type.upper()
        self.srid = srid

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostGISGeometry(self.geometry_type, self.srid))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: BaseGeometry | None, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            return shapely.to_wkb(shapely.set_srid(value, self.srid), hex=True, include_srid=True)
        return shapely.to_wkb(value)

    def process_result_value(self, value, dialect) -> BaseGeometry | None:
        if value is None:
            return None
        return shapely.from_wkb(value)

    def __repr__(self) -> str:
        return f"Geometry({self.geometry_type!r}, srid={self.srid})"


def _register_reflection() -> None:
    # So that Alembic and inspect() recognise PostGIS columns when they reflect a database.
    from sqlalchemy.dialects.postgresql.base import ischema_names

    ischema_names.setdefault("geometry", Geometry)


_register_reflection()


class UTCDateTime(TypeDecorator):
    """A time zone-aware datetime, always UTC in Python.

    SQLite keeps no offset, so values come back naive; they are stored as UTC
    and marked as such on the way out, the same as PostgreSQL's timestamptz.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use participation.database.mixins.utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def text_enum(kind: type[enum.Enum]) -> Enum:
    """A column type storing a StrEnum by its value as plain text (no database enum type to migrate)."""
    return Enum(kind, native_enum=False, length=20, values_callable=lambda members: [m.value for m in members])
