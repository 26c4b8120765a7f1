from __future__ import annotations

from datetime import datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import BBoxMixin, TimestampMixin
from participation.database.spatial import SpatialTable
from participation.database.types import Geometry, UTCDateTime
from participation.extensions import db


class Comment(TimestampMixin, BBoxMixin, db.Model):
    """A resident's comment.

    One model for every kind of content: it belongs to a project or a statute
    (its `subject`) and may point at a place, a paragraph of the statute's text
    and a plan object of the statute's map.
    """

    spatial = SpatialTable("comment", "location")
    __table_args__ = (
        CheckConstraint("(project_id IS NULL) <> (statute_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    statute_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    #: The paragraph commented on; its anchor is copied to `paragraph_anchor` so exports keep it
    #: when the paragraph is removed from the text later.
    paragraph_id: Mapped[int | None] = mapped_column(ForeignKey("statute_paragraph.id", ondelete="SET NULL"))
    paragraph_anchor: Mapped[str | None] = mapped_column(String(40))
    #: The plan object commented on: its layer and its feature id (the gml:id of an XPlanGML object).
    plan_object_layer_id: Mapped[int | None] = mapped_column(ForeignKey("layer.id", ondelete="SET NULL"))
    plan_object_id: Mapped[str | None] = mapped_column(String(200))
    #: Set for a formal comment (Stellungnahme) made in a statute's display period: the number on its receipt.
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
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

    project: Mapped["Project | None"] = relationship()  # noqa: F821
    statute: Mapped["Statute | None"] = relationship()  # noqa: F821
    paragraph: Mapped["StatuteParagraph | None"] = relationship()  # noqa: F821
    author: Mapped["User | None"] = relationship()  # noqa: F821
    category: Mapped["Category | None"] = relationship()  # noqa: F821
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list["Comment"]] = relationship(
        back_populates="parent", order_by="Comment.created_at", cascade="all, delete-orphan"
    )
    supports: Mapped[list["Support"]] = relationship(cascade="all, delete-orphan", back_populates="comment")

    @property
    def subject(self):
        """The project or statute the comment belongs to."""
        return self.project if self.project_id is not None else self.statute

    @property
    def is_formal(self) -> bool:
        """A Stellungnahme made in a display period (it has a receipt number)."""
        return self.reference is not None

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
