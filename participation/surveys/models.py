"""Surveys: pages of questions on a project or statute, and the responses residents send.

A sent response carries no account. While it is a draft it points at the account or access code that
started it, so that progress survives a reload or another device. Sending moves its answers to a new row
that holds only the day it was sent, and deletes the draft; the account goes into `Participation` (one
row per account and survey, no time, no link to the response), the code is marked used. The answers,
demographic ones included, are thus not joined back to a person in the database.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import TimestampMixin
from participation.database.types import Geometry, UTCDateTime, text_enum
from participation.extensions import db
from participation.maps.models import HasMap


class SurveyState(enum.StrEnum):
    """DRAFT: only planners see it and may change its questions. OPEN: residents answer. CLOSED: no more."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Access(enum.StrEnum):
    """Who may answer, and how often."""

    #: Once per account (logged in).
    ACCOUNT = "account"
    #: Once per one-time access code (sent by letter to households).
    CODE = "code"
    #: Anyone, without an account; nothing stops a second response.
    OPEN = "open"


class Survey(HasMap, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    #: What it is about: a project or a statute (exactly one).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    statute_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Plain text shown above the first page (paragraphs by blank lines).
    intro: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[SurveyState] = mapped_column(text_enum(SurveyState), default=SurveyState.DRAFT)
    access: Mapped[Access] = mapped_column(text_enum(Access), default=Access.ACCOUNT)
    #: Results shown to everyone once the survey is closed.
    results_public: Mapped[bool] = mapped_column(default=False)
    #: 1 for a new survey; a new version copies the questions of the one before (`previous_id`).
    version: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    #: The first version's id for later versions (None for the first): access codes and "once per account"
    #: belong to the series, so that a letter's code and an answered account stay so in every version.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: Sent responses, kept up to date on sending, so that pages need not count them.
    responses_count: Mapped[int] = mapped_column(default=0)

    municipality: Mapped["Municipality"] = relationship()  # noqa: F821
    project: Mapped["Project | None"] = relationship()  # noqa: F821
    statute: Mapped["Statute | None"] = relationship()  # noqa: F821
    pages: Mapped[list["SurveyPage"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyPage.position")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="[Question.page_position, Question.position]")

    @property
    def subject(self):
        return self.project or self.statute

    @property
    def series(self) -> int:
        """The id that access codes and participations are kept under: the first version's."""
        return self.series_id or self.id

    @property
    def is_published(self) -> bool:
        return self.state is not SurveyState.DRAFT

    def __repr__(self) -> str:
        return f"<Survey {self.id} v{self.version} {self.title!r}>"


class SurveyPage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200), default="")

    survey: Mapped[Survey] = relationship(back_populates="pages")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="page", order_by="Question.position")


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("survey_page.id", ondelete="CASCADE"), index=True)
    #: The page's position, copied here so that the survey's questions sort in one ORDER BY.
    page_position: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    #: A key of the question type registry (`participation.surveys.questions`), e.g. "single" or "map_point".
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(String(1000), default="")
    required: Mapped[bool] = mapped_column(default=False)
    #: Offers a free comment field beside the answer.
    with_comment: Mapped[bool] = mapped_column(default=False)
    #: A demographic question (age group, district, …): always optional, used to filter results.
    demographic: Mapped[bool] = mapped_column(default=False)
    #: The type's settings (options, limits, unit, scale labels, rows …), checked by the type.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Shown only when the answer to this earlier question includes `condition_value`.
    condition_question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="SET NULL"))
    condition_value: Mapped[str] = mapped_column(String(200), default="")

    survey: Mapped[Survey] = relationship(back_populates="questions")
    page: Mapped[SurveyPage] = relationship(back_populates="questions")
    condition_question: Mapped["Question | None"] = relationship(remote_side="Question.id")

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind} {self.text[:30]!r}>"


class ResponseState(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"


class SurveyResponse(db.Model):
    __table_args__ = (Index("ix_survey_response_survey_state", "survey_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    state: Mapped[ResponseState] = mapped_column(text_enum(ResponseState), default=ResponseState.DRAFT)
    #: How it was given: "account", "code" or "open" (the survey's access when it began).
    channel: Mapped[Access] = mapped_column(text_enum(Access))
    #: sha256 of the draft's secret, which only the browser holds (in its session); empty once sent.
    token_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    #: While a draft: who started it, to find it again. Cleared on sending.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("access_code.id", ondelete="SET NULL"))
    #: The index of the page the person is on (0 is the first).
    page_index: Mapped[int] = mapped_column(default=0)
    #: When a draft began (to remove stale drafts); None once sent, so that it cannot be matched to a login.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The day it was sent (in the town's time zone); no time of day, so that it cannot be matched to a login.
    sent_on: Mapped[date | None] = mapped_column(Date, index=True)

    survey: Mapped[Survey] = relationship()
    answers: Mapped[list["Answer"]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(db.Model):
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    #: The type's value: a string, number, list of option keys, {row: column} …; None for no answer.
    value: Mapped[object] = mapped_column(JSON, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    #: Map questions: the places (MultiPoint), the way (LineString) or the area (Polygon), in EPSG:4326.
    geometry: Mapped[BaseGeometry | None] = mapped_column(Geometry("GEOMETRY"))

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class Participation(db.Model):
    """That an account has answered a survey (any version of it) — and nothing else: no time, no link to
    the response. The primary key is what makes "once per account" hold also when two submits race."""

    #: The survey's series (`Survey.series`, its first version's id).
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)


class AccessCode(db.Model):
    """A one-time code for a letter to a household. Stored readable so that sheets can be printed again."""

    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The survey's series (`Survey.series`, its first version's id): a letter's code opens every version.
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    #: Codes made together (for one mailing) share a batch number, 1, 2, …
    batch: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set when a response with this code is sent; the code then opens nothing any more.
    used: Mapped[bool] = mapped_column(default=False)
