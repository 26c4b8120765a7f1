"""Columns shared by all content models."""
from __future__ import annotations

from datetime import datetime, timezone

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Float
from sqlalchemy.orm import Mapped, mapped_column

from participation.database.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TimestampMixin:
    #: Always stored in UTC; shown in the municipality's time zone.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )


class BBoxMixin:
    """Bounding-box columns kept in step with a geometry.

    They feed the SQLite R*Tree index (filled by triggers, see
    `participation.database.spatial`) and make the exact bbox test cheap on both
    databases. Always assign geometries through `set_geometry`.
    """

    min_x: Mapped[float | None] = mapped_column(Float)
    min_y: Mapped[float | None] = mapped_column(Float)
    max_x: Mapped[float | None] = mapped_column(Float)
    max_y: Mapped[float | None] = mapped_column(Float)

    def _set_bbox(self, geometry: BaseGeometry | None) -> None:
        if geometry is None or geometry.is_empty:
            self.min_x = self.min_y = self.max_x = self.max_y = None
        else:
            self.min_x, self.min_y, self.max_x, self.max_y = geometry.bounds


class ModeratedMixin:
    """What a project and a statute share about their comments' moderation and weighing."""

    #: New comments are shown only after a moderator approved them (else at once, moderated afterwards).
    pre_moderation: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: When the planner published the weighing's outcome (Abwägungsergebnis); until then decisions are internal.
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
