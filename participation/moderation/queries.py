"""Reading for the moderators: the town's queue with its filters, and one comment with its reports.

Each function issues a fixed number of queries however many comments there are.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from participation.comments.models import Comment, CommentState, Report, Visibility
from participation.comments.queries import positive_int
from participation.comments.subjects import of_town
from participation.extensions import db
from participation.municipalities.models import Municipality, TownBlock
from participation.projects.models import Category, Project
from participation.statutes.models import Statute

PAGE_SIZE = 50
#: The status filter: URL value → what it selects. "" (every comment) is the default.
STATUSES = ("", "neu", "gemeldet", "verborgen", "beantwortet")
#: A subject in the URL: "projekt-3" or "satzung-5".
SUBJECT_KINDS = {"projekt": Project, "satzung": Statute}


def _day(text: str | None) -> date | None:
    """A day written as YYYY-MM-DD (the date input's value) from 1900 to 2999, else None (the first and last
    days a date type holds cannot be moved into UTC)."""
    try:
        day = date.fromisoformat((text or "").strip()) if len(text or "") <= 10 else None
    except ValueError:
        return None
    return day if day is not None and 1900 <= day.year <= 2999 else None


@dataclass(frozen=True)
class QueueView:
    """What the moderator chose on the queue. URL keys: `status`, `gegenstand`, `kategorie`, `von`, `bis`,
    `seite`; an unknown value is ignored."""

    status: str = ""
    #: ("projekt" | "satzung", id)
    subject: tuple[str, int] | None = None
    category_id: int | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueView:
        status = args.get("status") or ""
        kind, _sep, number = (args.get("gegenstand") or "").partition("-")
        subject_id = positive_int(number)
        return cls(
            status=status if status in STATUSES else "",
            subject=(kind, subject_id) if kind in SUBJECT_KINDS and subject_id else None,
            category_id=positive_int(args.get("kategorie")),
            since=_day(args.get("von")),
            until=_day(args.get("bis")),
            page=positive_int(args.get("seite")) or 1,
        )

    def to_args(self) -> dict[str, str]:
        args: dict[str, str] = {}
        if self.status:
            args["status"] = self.status
        if self.subject:
            args["gegenstand"] = self.subject_value
        if self.category_id is not None:
            args["kategorie"] = str(self.category_id)
        if self.since:
            args["von"] = self.since.isoformat()
        if self.until:
            args["bis"] = self.until.isoformat()
        if self.page != 1:
            args["seite"] = str(self.page)
        return args

    @property
    def subject_value(self) -> str:
        return f"{self.subject[0]}-{self.subject[1]}" if self.subject else ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.status or self.subject or self.category_id or self.since or self.until)

    def at_page(self, number: int) -> QueueView:
        return replace(self, page=number)


@dataclass
class QueuePage:
    items: list[Comment]
    number: int
    pages: int
    total: int
    #: Comment id → number of open reports, and the reasons given (oldest first).
    report_counts: dict[int, int] = field(default_factory=dict)
    report_reasons: dict[int, list[str]] = field(default_factory=dict)



def _open_report():
    return exists().where(Report.comment_id == Comment.id, Report.is_resolved.is_(False))


def _day_start(day: date, zone: str) -> datetime:
    """Midnight at the start of `day` in the town's time zone, in UTC."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(timezone.utc)


def _filtered(town: Municipality, view: QueueView, zone: str):
    # A comment its author deleted is a placeholder with nothing left to judge.
    query = select(Comment).where(of_town(town.id), Comment.deleted_at.is_(None))
    if view.status == "neu":
        query = query.where(Comment.visibility == Visibility.PENDING)
    elif view.status == "gemeldet":
        query = query.where(_open_report())
    elif view.status == "verborgen":
        query = query.where(Comment.visibility.in_((Visibility.HIDDEN, Visibility.REJECTED)))
    elif view.status == "beantwortet":
        query = query.where(or_(Comment.answer_id.is_not(None), Comment.state == CommentState.ANSWERED))
    if view.subject:
        kind, subject_id = view.subject
        column = Comment.project_id if SUBJECT_KINDS[kind] is Project else Comment.statute_id
        query = query.where(column == subject_id)
    if view.category_id is not None:
        query = query.where(Comment.category_id == view.category_id)
    if view.since:
        query = query.where(Comment.created_at >= _day_start(view.since, zone))
    if view.until:
        query = query.where(Comment.created_at < _day_start(view.until + timedelta(days=1), zone))
    return query


def queue_page(town: Municipality, view: QueueView, zone: str) -> QueuePage:
    """One page of the town's comments as `view` filters them, newest first, with their open reports."""
    query = _filtered(town, view, zone)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(view.page, pages)
    items = list(db.session.scalars(
        query.options(selectinload(Comment.author), selectinload(Comment.category),
                      selectinload(Comment.project), selectinload(Comment.statute))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    ))
    page = QueuePage(items, number, pages, total)
    ids = [c.id for c in items]
    if ids:
        page.report_counts = dict(db.session.execute(
            select(Report.comment_id, func.count())
            .where(Report.comment_id.in_(ids), Report.is_resolved.is_(False))
            .group_by(Report.comment_id)
        ).all())
        for comment_id, reason in db.session.execute(
            select(Report.comment_id, Report.reason)
            .where(Report.comment_id.in_(ids), Report.is_resolved.is_(False), Report.reason != "")
            .order_by(Report.created_at, Report.id)
        ):
            page.report_reasons.setdefault(comment_id, []).append(reason)
    return page


def subjects_of(town: Municipality) -> tuple[list[Project], list[Statute]]:
    """The town's projects and statutes for the subject picker, by title."""
    projects = list(db.session.scalars(
        select(Project).where(Project.municipality_id == town.id).order_by(Project.title, Project.id)))
    statutes = list(db.session.scalars(
        select(Statute).where(Statute.municipality_id == town.id).order_by(Statute.title, Statute.id)))
    return projects, statutes


def categories_of(town: Municipality) -> list[Category]:
    """The categories of the town's projects, grouped by project (title, then the project's order)."""
    return list(db.session.scalars(
        select(Category).join(Project, Category.project_id == Project.id)
        .options(selectinload(Category.project))
        .where(Project.municipality_id == town.id)
        .order_by(Project.title, Project.id, Category.position, Category.id)))


def reports_of(comment: Comment) -> list[Report]:
    """Every report of the comment, open ones first, then oldest first."""
    return list(db.session.scalars(
        select(Report).options(selectinload(Report.reporter)).where(Report.comment_id == comment.id)
        .order_by(Report.is_resolved, Report.created_at, Report.id)))


def replies_of(comment: Comment) -> list[Comment]:
    """Every reply, whatever its visibility, oldest first."""
    return list(db.session.scalars(
        select(Comment).options(selectinload(Comment.author)).where(Comment.parent_id == comment.id)
        .order_by(Comment.created_at, Comment.id)))


def block_of(town: Municipality, user_id: int | None) -> TownBlock | None:
    if user_id is None:
        return None
    return db.session.scalar(select(TownBlock).where(
        TownBlock.municipality_id == town.id, TownBlock.user_id == user_id))

