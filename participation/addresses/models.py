"""A town's address list (e.g. the state's Hauskoordinaten), imported by the GIS team.

Residents find a place by typing an address; nothing is sent to an external geocoder.
"""
from __future__ import annotations

from datetime import datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import BBoxMixin
from participation.database.spatial import SpatialTable
from participation.database.types import Geometry, UTCDateTime
from participation.extensions import db


class AddressList(db.Model):
    """The address list of a town; an import replaces it as a whole."""

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(String(300), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    address_count: Mapped[int] = mapped_column(default=0)
    #: What the import read, skipped (with reasons) and merged (geo.addresses report as a dict).
    report: Mapped[dict] = mapped_column(JSON, default=dict)

    municipality: Mapped["Municipality"] = relationship()  # noqa: F821


class Address(BBoxMixin, db.Model):
    spatial = SpatialTable("address", "location")
    #: Prefix search on the street ("Hauptstr" …): PostgreSQL needs the pattern operators to use the index
    #: for LIKE 'x%' under a language collation.
    __table_args__ = (Index("ix_address_town_street_key", "municipality_id", "street_key",
                            postgresql_ops={"street_key": "text_pattern_ops"}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("address_list.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    street: Mapped[str] = mapped_column(String(200))
    #: With its addition, e.g. "5a".
    house_number: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(10), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    #: The street as searched (geo.addresses.normalise): "Hauptstr." finds "Hauptstraße".
    street_key: Mapped[str] = mapped_column(String(200))
    #: A Point in EPSG:4326.
    location: Mapped[BaseGeometry] = mapped_column(Geometry("POINT"))

    def set_location(self, point: BaseGeometry) -> None:
        self.location = point
        self._set_bbox(point)

    @property
    def label(self) -> str:
        """"Hauptstraße 5a, 17099 Musterstadt"."""
        town = " ".join(part for part in (self.postcode, self.place) if part)
        return f"{self.street} {self.house_number}" + (f", {town}" if town else "")
