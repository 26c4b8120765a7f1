"""What residents follow, whom not to write to again, and which notices went out."""
from __future__ import annotations

from datetime import datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import utcnow
from participation.database.types import Geometry, UTCDateTime
from participation.extensions import db


class Follow(db.Model):
    """A resident follows a project, a statute, or the area around a place (their address) in a town,
    and is told when a project or statute touching it opens for participation."""

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN project_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN statute_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN location IS NULL THEN 0 ELSE 1 END) = 1", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    statute_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    #: The centre of a followed area (EPSG:4326) and its radius in metres; `label` is the address typed.
    location: Mapped[BaseGeometry | None] = mapped_column(Geometry("POINT"))
    radius_m: Mapped[int | None] = mapped_column()
    label: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped["User"] = relationship()  # noqa: F821
    project: Mapped["Project | None"] = relationship()  # noqa: F821
    statute: Mapped["Statute | None"] = relationship()  # noqa: F821


class MailOptOut(db.Model):
    """An address that asked for no more mail of one kind (one-click unsubscribe, RFC 8058).
    By address, not account: people who wrote by letter or e-mail have none. The address itself is not
    kept here, nor in the unsubscribe link: only its keyed hash (`mailing.address_key`)."""

    __table_args__ = (UniqueConstraint("address_key", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64), index=True)
    #: "answer", "digest", "result" or "opening".
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SentNotice(db.Model):
    """A notice that went out, by a key such as "digest:7:2026-12-01", so that it goes out once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
