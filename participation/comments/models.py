from __future__ import annotations

from datetime import datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import BBoxMixin, TimestampMixin
from participation.database.spatial import SpatialTable
from participation.database.types import Geometry, UTCDateTime
from participation.extensions import db


class Comment(TimestampMixin, BBoxMixin, db.Model):
    """A resident's comment.

    One model for every kind of content: today it points at a project and,
    optionally, a place; statute paragraphs and plan features will be further
    optional targets.
    """

    spatial = SpatialTable("comment", "location")

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: Replies point at their top-level comment; only one level deep.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"))
    #: Plain text; escaped on output.
    text: Mapped[str] = mapped_column(Text)
    #: The pin, a Point in EPSG:4326; None for comments without a place.
    location: Mapped[BaseGeometry | None] = mapped_column(Geometry("POINT"))
    #: Set by a moderator; the comment stays for the record but is not shown.
    is_removed: Mapped[bool] = mapped_column(default=False)
    #: When the author last changed the text (only possible before the first reply or answer).
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the author deleted it; kept (text emptied, no place) only as a placeholder for its replies.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    project: Mapped["Project"] = relationship()  # noqa: F821
    author: Mapped["User | None"] = relationship()  # noqa: F821
    category: Mapped["Category | None"] = relationship()  # noqa: F821
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list["Comment"]] = relationship(
        back_populates="parent", order_by="Comment.created_at", cascade="all, delete-orphan"
    )
    supports: Mapped[list["Support"]] = relationship(cascade="all, delete-orphan", back_populates="comment")

    def set_location(self, point: BaseGeometry | None) -> None:
        self.location = point
        self._set_bbox(point)

    def __repr__(self) -> str:
        return f"<Comment {self.id}>"


class Support(TimestampMixin, db.Model):
    """A resident's support of a comment, at most once per user."""

    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))

    comment: Mapped[Comment] = relationship(back_populates="supports")


class Report(TimestampMixin, db.Model):
    """A report of a comment to the moderators, at most once per user and comment."""

    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    #: Set when a moderator has dealt with the report (removed or kept the comment).
    is_resolved: Mapped[bool] = mapped_column(default=False)

    comment: Mapped[Comment] = relationship()
    reporter: Mapped["User"] = relationship()  # noqa: F821
