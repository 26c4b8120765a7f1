"""Reading for the weighing: similar comments, the planners' table, the public figures, the notice job."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from participation.charts import buckets
from participation.comments.models import Channel, Comment, Visibility
from participation.comments.subjects import Subject, is_statute, of_subject, subject_key
from participation.extensions import db
from participation.jobs.models import Job
from participation.loaders import get_by_id
from participation.projects.models import Project
from participation.statutes.models import Statute
from participation.statutes.text import paragraph_label

#: How many other comments the answer page offers to answer together.
SIMILAR_LIMIT = 50
#: The job that sends the result notices.
RESULT_JOB = "weighing.result_notices"
#: The ways the planners' table can be grouped (GET `gruppe`); the first is the default.
GROUPINGS = ("thema", "datum")


def _top_level(subject: Subject):
    return select(Comment).where(of_subject(subject), Comment.parent_id.is_(None), Comment.deleted_at.is_(None))


def similar_comments(comment: Comment, limit: int = SIMILAR_LIMIT) -> list[Comment]:
    """Other top-level comments of the same subject to answer together with `comment`: those on the same
    paragraph (statute) or in the same category (project) first, then the rest, oldest first; at most
    `limit`, and always those that already share its answer."""
    if is_statute(comment.subject):
        same = Comment.paragraph_anchor == comment.paragraph_anchor if comment.paragraph_anchor else None
    else:
        same = Comment.category_id == comment.category_id if comment.category_id else None
    order = [case((same, 0), else_=1)] if same is not None else []
    query = _top_level(comment.subject).where(Comment.id != comment.id).options(selectinload(Comment.author))
    found = list(db.session.scalars(query.order_by(*order, Comment.created_at, Comment.id).limit(limit)))
    if comment.answer_id is not None:
        shown = {c.id for c in found}
        found += [c for c in db.session.scalars(query.where(Comment.answer_id == comment.answer_id)
                                                .order_by(Comment.id)) if c.id not in shown]
    return found


def topic_of(comment: Comment, labels: dict[str, str]) -> str:
    """What a comment is about, for grouping: the paragraph of a statute, the category of a project."""
    if comment.statute_id is not None:
        return labels.get(comment.paragraph_anchor or "", comment.paragraph_anchor or "")
    return comment.category.name if comment.category else ""


def paragraph_labels(subject: Subject) -> dict[str, str]:
    """Anchor → "§ 1 para. 2" for a statute's paragraphs; {} for a project."""
    if not is_statute(subject):
        return {}
    return {p.anchor: paragraph_label(section, p) for section in subject.sections for p in section.paragraphs}


def _topic_order(subject: Subject) -> dict:
    """The order of the topics as the subject has them: its categories, or its paragraphs in the text."""
    if is_statute(subject):
        return {p.anchor: i for i, p in enumerate(p for s in subject.sections for p in s.paragraphs)}
    return {c.id: i for i, c in enumerate(subject.categories)}


def weighing_table(subject: Subject, grouping: str) -> list[Comment]:
    """Every top-level comment of `subject` (any visibility, any channel), ordered by topic (paragraph or
    category, as the subject orders them; none last) then date, or by date alone."""
    comments = list(db.session.scalars(
        _top_level(subject)
        .options(selectinload(Comment.author), selectinload(Comment.category), selectinload(Comment.answer))
        .order_by(Comment.created_at, Comment.id)))
    if grouping == "datum":
        return comments
    order = _topic_order(subject)
    key = (lambda c: c.paragraph_anchor) if is_statute(subject) else (lambda c: c.category_id)
    return sorted(comments, key=lambda c: order.get(key(c), len(order)))


@dataclass
class Progress:
    formal: int
    weighed: int
    #: Formal comments without a decision, in the order of the table (for the refusal's message).
    missing: list[str] = field(default_factory=list)


def weighing_progress(subject: Subject) -> Progress:
    """How many formal comments there are and how many have a decision."""
    formal = _top_level(subject).where(Comment.reference.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(formal.subquery())) or 0
    missing = list(db.session.scalars(
        formal.where(Comment.decision.is_(None)).with_only_columns(Comment.reference).order_by(Comment.reference)))
    return Progress(formal=total, weighed=total - len(missing), missing=missing)


def formal_comments(subject: Subject) -> list[Comment]:
    """The formal comments of `subject` (a result notice goes to each author), by reference."""
    return list(db.session.scalars(
        _top_level(subject).where(Comment.reference.is_not(None))
        .options(selectinload(Comment.author)).order_by(Comment.reference)))


SUBJECT_MODELS = {"project": Project, "statute": Statute}


def subject_from_key(key: object) -> Subject | None:
    """The project or statute named by `subject_key` ("statute:5"), or None."""
    kind, _sep, ident = str(key or "").partition(":")
    model = SUBJECT_MODELS.get(kind)
    if model is None or not (ident.isascii() and ident.isdigit() and len(ident) <= 10):
        return None
    return get_by_id(model, int(ident))


def latest_notice_job(subject: Subject, scan: int = 200) -> Job | None:
    """The newest result-notice job of `subject` among the last `scan` such jobs (the payload is JSON,
    which the two databases query differently, so it is compared here)."""
    key = subject_key(subject)
    for job in db.session.scalars(select(Job).where(Job.kind == RESULT_JOB).order_by(Job.id.desc()).limit(scan)):
        if (job.payload or {}).get("subject") == key:
            return job
    return None


@dataclass
class Share:
    label: str
    count: int
    percent: float


@dataclass
class Figures:
    total: int
    by_topic: list[Share]
    by_week: list[tuple[date, int]]
    by_channel: list[Share]


def _shares(counts: list[tuple[str, int]], total: int) -> list[Share]:
    return [Share(label, n, round(100 * n / total, 1) if total else 0.0) for label, n in counts]


def _public(subject: Subject):
    return _top_level(subject).where(Comment.visibility == Visibility.PUBLISHED)


def figures(subject: Subject, no_topic: str, channel_labels: dict[Channel, str]) -> Figures:
    """The public figures: published top-level comments per topic, per week (Monday, local time; weeks
    without comments included) and per channel. Pending and hidden comments do not count."""
    rows = db.session.execute(_public(subject).with_only_columns(
        Comment.created_at, Comment.category_id, Comment.paragraph_anchor, Comment.channel)).all()
    total = len(rows)
    if is_statute(subject):
        names = paragraph_labels(subject)
        topics = Counter(names.get(r.paragraph_anchor or "", r.paragraph_anchor) if r.paragraph_anchor else None
                         for r in rows)
        ordered = list(dict.fromkeys(names.values()))
    else:
        names = {c.id: c.name for c in subject.categories}
        topics = Counter(names.get(r.category_id) for r in rows)
        ordered = [c.name for c in subject.categories]
    by_topic = [(name, topics[name]) for name in ordered if topics[name]]
    if topics[None]:
        by_topic.append((no_topic, topics[None]))
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    weeks, _size = buckets((r.created_at.astimezone(zone).date() for r in rows), "week")
    by_week = [(week.start, week.count) for week in weeks]
    channels = Counter(r.channel for r in rows)
    by_channel = [(str(label), channels[channel]) for channel, label in channel_labels.items() if channels[channel]]
    return Figures(total, _shares(by_topic, total), by_week, _shares(by_channel, total))


def answered_comments(subject: Subject) -> list[Comment]:
    """Published top-level comments with the town's answer, by answer then comment (a joint answer once)."""
    return list(db.session.scalars(
        _public(subject).where(Comment.answer_id.is_not(None))
        .options(selectinload(Comment.answer)).order_by(Comment.answer_id, Comment.id)))


def decided_comments(subject: Subject) -> list[Comment]:
    """Published top-level comments with a decision, by reference (formal ones) then id."""
    return list(db.session.scalars(
        _public(subject).where(Comment.decision.is_not(None))
        .order_by(Comment.reference.is_(None), Comment.reference, Comment.id)))


def decision_published(comment: Comment) -> bool:
    """The comment's decision went out with a published result, so it can no longer change; one made
    after the last publication (a statement that came later) stays open until the next."""
    published = comment.subject.results_published_at
    return published is not None and comment.decided_at is not None and comment.decided_at <= published
