from __future__ import annotations

import enum
from datetime import date, datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import BBoxMixin, TimestampMixin, utcnow
from participation.database.spatial import SpatialTable
from participation.database.types import Geometry, UTCDateTime, text_enum
from participation.extensions import db


class Visibility(enum.StrEnum):
    """Whether the public sees a comment: a pre-moderated one waits for approval; a hidden one was
    published and stays for the record, showing only "removed by moderation" with the reason; a rejected
    one was refused before it was ever published and is not shown at all."""

    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    REJECTED = "rejected"


class CommentState(enum.StrEnum):
    """How far the town has dealt with a comment; residents see it."""

    RECEIVED = "received"
    IN_REVIEW = "in_review"
    ANSWERED = "answered"


class Decision(enum.StrEnum):
    """The weighing (Abwägung) of a comment: public only once the planner publishes the result."""

    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    NOT_ACCEPTED = "not_accepted"
    NOTED = "noted"


class Channel(enum.StrEnum):
    """How a comment reached the town: online by its author, or entered by a planner on someone's behalf."""

    ONLINE = "online"
    LETTER = "letter"
    EMAIL = "email"
    WORKSHOP = "workshop"


class Comment(TimestampMixin, BBoxMixin, db.Model):
    """A resident's comment.

    One model for every kind of content: it belongs to a project or a statute
    (its `subject`) and may point at a place, a paragraph of the statute's text
    and a plan object of the statute's map.
    """

    spatial = SpatialTable("comment", "location")
    __table_args__ = (
        CheckConstraint("(project_id IS NULL) <> (statute_id IS NULL)", name="one_subject"),
        # The list's orders walk these (newest/oldest, most supported) and stop after a page:
        # no sort of all of a subject's comments (participation/comments/queries.py).
        Index("ix_comment_project_list", "project_id", "created_at", "id"),
        Index("ix_comment_statute_list", "statute_id", "created_at", "id"),
        Index("ix_comment_project_supported", "project_id", "support_count", "created_at", "id"),
        Index("ix_comment_statute_supported", "statute_id", "support_count", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    statute_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"))
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
    visibility: Mapped[Visibility] = mapped_column(
        text_enum(Visibility), default=Visibility.PUBLISHED, server_default=Visibility.PUBLISHED.value)
    #: Why a moderator hid it; shown publicly in its place.
    hidden_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: A moderator found it says the same as another comment.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    state: Mapped[CommentState] = mapped_column(
        text_enum(CommentState), default=CommentState.RECEIVED, server_default=CommentState.RECEIVED.value)
    #: The town's public answer, which may answer several similar comments at once.
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("official_answer.id", ondelete="SET NULL"), index=True)
    #: The weighing of a formal comment; public with the subject's published result.
    decision: Mapped[Decision | None] = mapped_column(text_enum(Decision))
    decision_reasoning: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: The author asked to be told by e-mail when the town answers.
    notify_on_answer: Mapped[bool] = mapped_column(default=False, server_default="0")
    channel: Mapped[Channel] = mapped_column(
        text_enum(Channel), default=Channel.ONLINE, server_default=Channel.ONLINE.value)
    #: For input a planner entered on someone's behalf: the day it reached the town, who entered it,
    #: and the sender's name and e-mail address (for the result notice; never public, never exported).
    received_on: Mapped[date | None] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sender_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    sender_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    #: When the author last changed the text (only possible before the first reply or answer).
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the author deleted it; kept (text emptied, no place) only as a placeholder for its replies.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: How many supports it has; kept up to date with the Support rows (participation/comments/tallies.py).
    support_count: Mapped[int] = mapped_column(default=0, server_default="0")

    project: Mapped["Project | None"] = relationship()  # noqa: F821
    statute: Mapped["Statute | None"] = relationship()  # noqa: F821
    paragraph: Mapped["StatuteParagraph | None"] = relationship()  # noqa: F821
    author: Mapped["User | None"] = relationship(foreign_keys=[author_id])  # noqa: F821
    entered_by: Mapped["User | None"] = relationship(foreign_keys=[entered_by_id])  # noqa: F821
    answer: Mapped["OfficialAnswer | None"] = relationship(back_populates="comments")
    duplicate_of: Mapped["Comment | None"] = relationship(remote_side=[id], foreign_keys=[duplicate_of_id])
    photos: Mapped[list["CommentPhoto"]] = relationship(
        order_by="CommentPhoto.position", cascade="all, delete-orphan", back_populates="comment")
    attachments: Mapped[list["CommentAttachment"]] = relationship(
        order_by="CommentAttachment.id", cascade="all, delete-orphan", back_populates="comment")
    category: Mapped["Category | None"] = relationship()  # noqa: F821
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], back_populates="replies",
                                                    foreign_keys=[parent_id])
    replies: Mapped[list["Comment"]] = relationship(
        back_populates="parent", order_by="Comment.created_at", cascade="all, delete-orphan",
        foreign_keys=[parent_id],
    )
    supports: Mapped[list["Support"]] = relationship(cascade="all, delete-orphan", back_populates="comment")

    @property
    def subject(self):
        """The project or statute the comment belongs to."""
        return self.project if self.project_id is not None else self.statute

    @property
    def is_removed(self) -> bool:
        """Hidden or rejected by a moderator (the record stays)."""
        return self.visibility in (Visibility.HIDDEN, Visibility.REJECTED)

    @property
    def is_published(self) -> bool:
        return self.visibility is Visibility.PUBLISHED

    @property
    def on_behalf(self) -> bool:
        """Entered by a planner for someone who wrote by letter, e-mail or at a workshop."""
        return self.channel is not Channel.ONLINE

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
    #: What the moderator did, for the reporter to see: "hidden", "kept" or "duplicate".
    outcome: Mapped[str] = mapped_column(String(20), default="", server_default="")
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    comment: Mapped[Comment] = relationship()
    reporter: Mapped["User"] = relationship()  # noqa: F821


class OfficialAnswer(TimestampMixin, db.Model):
    """The town's public answer to one comment or to several similar ones, written by a planner."""

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped["User | None"] = relationship()  # noqa: F821
    comments: Mapped[list[Comment]] = relationship(back_populates="answer", order_by="Comment.id")


class CommentPhoto(TimestampMixin, db.Model):
    """A photo a resident attached, decoded and re-encoded (no EXIF or GPS left), with a thumbnail."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: File names under the instance's photo folder (random, never the uploaded name).
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    thumbnail_name: Mapped[str] = mapped_column(String(100), unique=True)
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    size: Mapped[int] = mapped_column(default=0)

    comment: Mapped[Comment] = relationship(back_populates="photos")


class CommentAttachment(TimestampMixin, db.Model):
    """A scan of a letter or the notes of a workshop, entered with a comment on someone's behalf.
    It holds personal data: only the town's planners can open it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")

    comment: Mapped[Comment] = relationship(back_populates="attachments")


class ModerationAction(enum.StrEnum):
    APPROVED = "approved"
    HIDDEN = "hidden"
    RESTORED = "restored"
    DUPLICATE = "duplicate"
    REPORTS_DISMISSED = "reports_dismissed"
    ACCOUNT_BLOCKED = "account_blocked"
    ACCOUNT_UNBLOCKED = "account_unblocked"


class ModerationEvent(db.Model):
    """One line of the moderation log: who did what to which comment, when and why.

    Written once, never changed or deleted through the app (`participation.moderation.audit` refuses
    it in the session). The comment id is a plain number, so that the line outlives the comment; the
    moderator's name is copied for the same reason.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(index=True)
    #: For an account block: the account.
    user_id: Mapped[int | None] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column()
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[ModerationAction] = mapped_column(text_enum(ModerationAction))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommentTally(db.Model):
    """How many comments the public list of a project or statute shows, per category (0: none);
    kept up to date as comments change (participation/comments/tallies.py), so that the list's
    heading and pages need no count of all the comments."""

    __table_args__ = (UniqueConstraint("subject", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "project:3" or "statute:5" (comments.subjects.subject_key).
    subject: Mapped[str] = mapped_column(String(40))
    #: The subject again, so that its tallies go with it.
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    statute_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    #: Not a foreign key: 0 stands for "no category", and a removed category's count moves there.
    category_id: Mapped[int] = mapped_column(default=0)
    listed: Mapped[int] = mapped_column(default=0)


class CommentCell(db.Model):
    """The cluster index of a project's or statute's pins: at each zoom, how many published pins of a
    category (0: none) lie in a 64-pixel cell, and the sums of their coordinates (geo/clusters.py);
    kept up to date as comments change (participation/comments/tallies.py)."""

    __table_args__ = (UniqueConstraint("subject", "zoom", "cx", "cy", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    statute_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(default=0)
    zoom: Mapped[int]
    cx: Mapped[int]
    cy: Mapped[int]
    n: Mapped[int] = mapped_column(default=0)
    sum_x: Mapped[float] = mapped_column(default=0.0)
    sum_y: Mapped[float] = mapped_column(default=0.0)


class CommentVersion(db.Model):
    """A number that changes with anything a project's or statute's map shows of its comments: the
    map data's addresses carry it, so that caches may keep them (participation/comments/map_data.py)."""

    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    statute_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=0)
