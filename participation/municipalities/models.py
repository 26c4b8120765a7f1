from __future__ import annotations

from shapely.geometry.base import BaseGeometry
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import TimestampMixin, utcnow
from participation.database.types import Geometry, UTCDateTime
from participation.extensions import db

#: Which municipalities a planner or GIS-team account works for.
memberships = Table(
    "membership",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
)


class Municipality(TimestampMixin, db.Model):
    """A member town of the pool; everything published belongs to one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The town's path segment, e.g. ``/musterstadt/``; lower-case letters, digits, hyphens.
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: File name of the logo below ``instance/uploads/logos/``, if any.
    logo_filename: Mapped[str | None] = mapped_column(String(200))
    #: The town's boundary, a MultiPolygon in EPSG:4326, set in the town settings (drawn or taken
    #: from a layer); project areas must lie inside it, layers far from it are warned about.
    #: Deferred: every page loads its town, few draw or check the boundary (up to 10 000 vertices).
    boundary: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTIPOLYGON"), deferred=True)

    members: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary=memberships, back_populates="municipalities"
    )
    projects: Mapped[list["Project"]] = relationship(back_populates="municipality")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


class TownBlock(db.Model):
    """An account a moderator blocked from writing in one town (comments, replies, supports, reports)."""

    __table_args__ = (UniqueConstraint("municipality_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
