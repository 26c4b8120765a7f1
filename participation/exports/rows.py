"""Reading what an export writes, in chunks, so that memory stays flat whatever the number of comments.

The queries select columns, not ORM objects (nothing piles up in the session), and are read
`CHUNK` rows at a time. Each row becomes a plain dict keyed by the columns of `exports.columns`,
already pseudonymised: residents appear under a keyed hash of their account ("P-3f9a1c2b", the same
in every export of the town, so a planner sees that ten comments came from one person, but not who),
the town's staff under their name; e-mail addresses, senders' names and IP addresses are never read.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from pyproj import Transformer
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from participation.accounts.models import Role, User
from participation.comments.labels import channel_label, comment_state_label, decision_label
from participation.comments.models import Comment, OfficialAnswer, Support
from participation.comments.subjects import Subject, of_subject, of_town, subject_title
from participation.extensions import db
from participation.layers.models import Layer
from participation.moderation.labels import visibility_label
from participation.municipalities.models import Municipality
from participation.projects.models import Category, Project
from participation.statutes.models import Statute, StatuteParagraph, StatuteSection
from participation.weighing.queries import paragraph_labels

#: Rows read from the database at a time.
CHUNK = 1000
#: The roles whose members' names an export may show: the town's staff.
STAFF = (Role.PLANNER, Role.GIS, Role.ADMIN)


@dataclass
class Scope:
    """What an export covers: one project or statute, or all of a town's between two days (both included,
    in the town's time zone; None is open-ended)."""

    town: Municipality
    subject: Subject | None = None
    since: date | None = None
    until: date | None = None

    def where(self) -> list[ColumnElement[bool]]:
        """The comments in scope; the days count by arrival: a letter's day of receipt, else the day it
        was written online."""
        clauses = [of_subject(self.subject) if self.subject is not None else of_town(self.town.id),
                   Comment.deleted_at.is_(None)]
        zone = ZoneInfo(current_app.config["TIME_ZONE"])
        online = Comment.received_on.is_(None)
        if self.since is not None:
            clauses.append(or_(Comment.received_on >= self.since,
                               and_(online, Comment.created_at >= datetime.combine(self.since, time(), zone))))
        if self.until is not None:
            end = datetime.combine(self.until + timedelta(days=1), time(), zone)
            clauses.append(or_(Comment.received_on <= self.until, and_(online, Comment.created_at < end)))
        return clauses


def reference_of(comment_id: int, formal_reference: str | None) -> str:
    """The number a comment has in every export: its receipt's reference if it is a formal statement,
    else "K-<id>" (the same id as in its address on the page)."""
    return formal_reference or f"K-{comment_id}"


def answer_number(answer_id: int | None) -> str:
    return f"A-{answer_id}" if answer_id is not None else ""


@dataclass
class Words:
    """Names that many rows share, looked up once per export."""

    town_id: int
    #: Exports in a projected CRS add its coordinates; None for EPSG:4326 alone.
    transformer: Transformer | None = None
    _subjects: dict[tuple[str, int], str] = field(default_factory=dict)
    _paragraphs: dict[int, dict[str, str]] = field(default_factory=dict)
    #: Words for states, channels, decisions…, each translated once per export (not once per row).
    _labels: dict[tuple, str] = field(default_factory=dict)
    _people: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(current_app.config["TIME_ZONE"])
        self._key = current_app.config["SECRET_KEY"].encode()

    def label(self, words, value) -> str:
        """`words(value)` (a label function such as `channel_label`), remembered; "" for None."""
        if value is None:
            return ""
        key = (words, value)
        if key not in self._labels:
            self._labels[key] = str(words(value))
        return self._labels[key]

    def local(self, moment: datetime | None) -> datetime | None:
        """A stored UTC time in the town's time zone."""
        return moment.astimezone(self.zone) if moment is not None else None

    def subject(self, project_id: int | None, statute_id: int | None) -> str:
        key = ("statute", statute_id) if statute_id is not None else ("project", project_id)
        if key not in self._subjects:
            model = Statute if key[0] == "statute" else Project
            found = db.session.get(model, key[1])
            self._subjects[key] = subject_title(found) if found is not None else ""
        return self._subjects[key]

    def paragraph(self, statute_id: int | None, anchor: str | None) -> str:
        if statute_id is None or not anchor:
            return ""
        if statute_id not in self._paragraphs:
            statute = db.session.get(Statute, statute_id)
            self._paragraphs[statute_id] = paragraph_labels(statute) if statute is not None else {}
        return self._paragraphs[statute_id].get(anchor, "")

    def person(self, user_id: int | None, role: Role | None, name: str | None) -> str:
        """Staff by name; anyone else by a keyed hash of their account, stable within the town."""
        if user_id is None:
            return ""
        if role in STAFF:
            return name or ""
        if user_id not in self._people:
            digest = hmac.new(self._key, f"export-person:{self.town_id}:{user_id}".encode(), hashlib.sha256)
            self._people[user_id] = f"P-{digest.hexdigest()[:8]}"
        return self._people[user_id]


def count_comments(scope: Scope) -> tuple[int, int]:
    """(top-level comments, replies) the export will write: for its progress bar."""
    total, replies = db.session.execute(
        select(func.count(), func.count(Comment.parent_id)).select_from(Comment).where(*scope.where())).one()
    return int(total) - int(replies), int(replies)


def _person(alias, name: str) -> tuple:
    return (alias.id.label(f"{name}_id"), alias.role.label(f"{name}_role"),
            alias.pseudonym.label(f"{name}_name"))


def comment_rows(scope: Scope, words: Words, by_topic: bool = False) -> Iterator[list[dict]]:
    """The top-level comments of `scope`, `CHUNK` at a time, in order of arrival; `by_topic` puts them in the
    order of the statute's paragraphs or the project's categories first (those without one last)."""
    author, entered, answerer = (aliased(User) for _ in range(3))
    duplicate = aliased(Comment)
    supports = select(func.count()).where(Support.comment_id == Comment.id).scalar_subquery()
    reply = aliased(Comment)
    replies = (select(func.count()).where(reply.parent_id == Comment.id, reply.deleted_at.is_(None))
               .scalar_subquery())
    query = (
        select(Comment.id, Comment.reference, Comment.project_id, Comment.statute_id, Comment.created_at,
               Comment.received_on, Comment.channel, Comment.visibility, Comment.state, Comment.text,
               Comment.paragraph_anchor, Comment.plan_object_layer_id, Comment.plan_object_id,
               Comment.hidden_reason, Comment.decision, Comment.decision_reasoning, Comment.decided_at,
               Comment.answer_id, Comment.min_x, Comment.min_y,
               Category.name.label("category"), Layer.name.label("layer"),
               OfficialAnswer.text.label("answer"), OfficialAnswer.created_at.label("answered_at"),
               duplicate.id.label("duplicate_id"), duplicate.reference.label("duplicate_reference"),
               *_person(author, "author"), *_person(entered, "entered"), *_person(answerer, "answerer"),
               supports.label("supports"), replies.label("replies"))
        .select_from(Comment)
        .outerjoin(Category, Category.id == Comment.category_id)
        .outerjoin(Layer, Layer.id == Comment.plan_object_layer_id)
        .outerjoin(OfficialAnswer, OfficialAnswer.id == Comment.answer_id)
        .outerjoin(duplicate, duplicate.id == Comment.duplicate_of_id)
        .outerjoin(author, author.id == Comment.author_id)
        .outerjoin(entered, entered.id == Comment.entered_by_id)
        .outerjoin(answerer, answerer.id == OfficialAnswer.author_id)
        .where(*scope.where(), Comment.parent_id.is_(None))
    )
    # By arrival: a letter on its day of receipt (before that day's online comments), else when written.
    ordering = [func.coalesce(Comment.received_on, Comment.created_at), Comment.id]
    if by_topic:
        # By anchor, not paragraph_id: a comment keeps its anchor when its paragraph is edited away.
        query = (query.outerjoin(StatuteParagraph, and_(StatuteParagraph.statute_id == Comment.statute_id,
                                                        StatuteParagraph.anchor == Comment.paragraph_anchor))
                 .outerjoin(StatuteSection, StatuteSection.id == StatuteParagraph.section_id))
        ordering = [StatuteSection.position.is_(None), StatuteSection.position, StatuteParagraph.position,
                    Category.position.is_(None), Category.position, *ordering]
    result = db.session.execute(query.order_by(*ordering), execution_options={"yield_per": CHUNK})
    for chunk in result.partitions():
        yield _comment_dicts(chunk, words)


def _comment_dicts(chunk, words: Words) -> list[dict]:
    rows = []
    for r in chunk:
        author, entered, answerer = (
            words.person(r._mapping[f"{name}_id"], r._mapping[f"{name}_role"], r._mapping[f"{name}_name"])
            for name in ("author", "entered", "answerer"))
        rows.append({
            "reference": reference_of(r.id, r.reference),
            "subject": words.subject(r.project_id, r.statute_id),
            "created": words.local(r.created_at),
            "received_on": r.received_on,
            "channel": words.label(channel_label, r.channel),
            "visibility": words.label(visibility_label, r.visibility),
            "category": r.category or "",
            "paragraph": words.paragraph(r.statute_id, r.paragraph_anchor),
            "paragraph_anchor": r.paragraph_anchor or "",
            "plan_object_layer": r.layer or "",
            "plan_object_layer_id": r.plan_object_layer_id,
            "plan_object_id": r.plan_object_id or "",
            "text": r.text,
            "author": author,
            "entered_by": entered,
            "supports": r.supports,
            "replies": r.replies,
            "state": words.label(comment_state_label, r.state),
            "answer_id": answer_number(r.answer_id),
            "answer": r.answer or "",
            "answered_at": words.local(r.answered_at),
            "answered_by": answerer,
            "decision": words.label(decision_label, r.decision),
            "reasoning": r.decision_reasoning or "",
            "decided_at": words.local(r.decided_at),
            "duplicate_of": reference_of(r.duplicate_id, r.duplicate_reference) if r.duplicate_id else "",
            "hidden_reason": r.hidden_reason or "",
            "longitude": round(r.min_x, 7) if r.min_x is not None else None,
            "latitude": round(r.min_y, 7) if r.min_y is not None else None,
        })
    if words.transformer is not None:
        _project(rows, words.transformer)
    return rows


def _project(rows: list[dict], transformer: Transformer) -> None:
    """Add easting and northing (`x`, `y`) in the export's CRS, one call for the whole chunk."""
    placed = [row for row in rows if row["longitude"] is not None]
    for row in rows:
        row["x"] = row["y"] = None
    if placed:
        xs, ys = transformer.transform([r["longitude"] for r in placed], [r["latitude"] for r in placed])
        for row, x, y in zip(placed, xs, ys):
            row["x"], row["y"] = round(float(x), 2), round(float(y), 2)


def reply_rows(scope: Scope, words: Words) -> Iterator[list[dict]]:
    """The replies of `scope`, `CHUNK` at a time, in the order of their comments."""
    author = aliased(User)
    parent = aliased(Comment)
    supports = select(func.count()).where(Support.comment_id == Comment.id).scalar_subquery()
    query = (
        select(Comment.id, Comment.project_id, Comment.statute_id, Comment.created_at, Comment.visibility,
               Comment.text, parent.id.label("parent_id"), parent.reference.label("parent_reference"),
               author.id.label("author_id"), author.role, author.pseudonym, supports.label("supports"))
        .select_from(Comment)
        .join(parent, parent.id == Comment.parent_id)
        .outerjoin(author, author.id == Comment.author_id)
        .where(*scope.where(), Comment.parent_id.is_not(None))
        .order_by(Comment.parent_id, Comment.created_at, Comment.id)
    )
    for chunk in db.session.execute(query, execution_options={"yield_per": CHUNK}).partitions():
        yield [{
            "reference": reference_of(r.id, None),
            "reply_to": reference_of(r.parent_id, r.parent_reference),
            "subject": words.subject(r.project_id, r.statute_id),
            "created": words.local(r.created_at),
            "visibility": words.label(visibility_label, r.visibility),
            "author": words.person(r.author_id, r.role, r.pseudonym),
            "text": r.text,
            "supports": r.supports,
        } for r in chunk]


def answer_rows(scope: Scope, words: Words) -> Iterator[list[dict]]:
    """The town's answers to the comments of `scope`, each once (a joint answer lists all it answers)."""
    author = aliased(User)
    query = (select(Comment.answer_id, Comment.id, Comment.reference, OfficialAnswer.text,
                    OfficialAnswer.created_at, author.id.label("author_id"), author.role, author.pseudonym)
             .join(OfficialAnswer, OfficialAnswer.id == Comment.answer_id)
             .outerjoin(author, author.id == OfficialAnswer.author_id)
             .where(*scope.where(), Comment.parent_id.is_(None))
             .order_by(Comment.answer_id, Comment.id))
    current: dict | None = None
    chunk: list[dict] = []
    for r in db.session.execute(query, execution_options={"yield_per": CHUNK}):
        if current is None or current["answer_id"] != answer_number(r.answer_id):
            if current is not None:
                chunk.append(_joined(current))
                if len(chunk) >= CHUNK:
                    yield chunk
                    chunk = []
            current = {"answer_id": answer_number(r.answer_id), "answered_at": words.local(r.created_at),
                       "answered_by": words.person(r.author_id, r.role, r.pseudonym), "answer": r.text,
                       "comments": []}
        current["comments"].append(reference_of(r.id, r.reference))
    if current is not None:
        chunk.append(_joined(current))
    if chunk:
        yield chunk


def _joined(answer: dict) -> dict:
    answer["comments"] = ", ".join(answer["comments"])
    return answer


def weighing_rows(scope: Scope, words: Words, by_topic: bool, no_topic: str) -> Iterator[list[dict]]:
    """The rows of the weighing table: every top-level comment of the scope with what it refers to in
    words, its answer and decision; `by_topic` groups them by paragraph or category (`no_topic` names
    the group of those without)."""
    for chunk in comment_rows(scope, words, by_topic=by_topic):
        for row in chunk:
            row["date"] = row["received_on"] or row["created"].date()
            row["refers_to"] = refers_to(row)
            if by_topic:
                row["group"] = row["paragraph"] or row["category"] or no_topic
        yield chunk


def refers_to(row: dict) -> str:
    """"§ 2 para. 1 · WA 1 (BP_BaugebietsTeilFlaeche) · 51.23456, 7.12345": paragraph, plan object, place."""
    parts = [row["paragraph"]]
    if row["plan_object_id"]:
        parts.append(_("{object} ({layer})").format(object=row["plan_object_id"], layer=row["plan_object_layer"])
                     if row["plan_object_layer"] else row["plan_object_id"])
    if row["latitude"] is not None:
        parts.append(f"{row['latitude']:.5f}, {row['longitude']:.5f}")
    return " · ".join(part for part in parts if part)


def figure_rows(scope: Scope, words: Words) -> Iterator[list[dict]]:
    """The figures of `scope` for the workbook's last sheet: top-level comments (any visibility) counted
    by channel, visibility, state, decision, category and paragraph."""
    top = [*scope.where(), Comment.parent_id.is_(None)]
    total = db.session.scalar(select(func.count()).select_from(Comment).where(*top)) or 0
    found = [{"figure": _("Comments"), "value": _("All"), "count": total}]
    for name, column, label in (
        (_("Channel"), Comment.channel, channel_label),
        (_("Visibility"), Comment.visibility, visibility_label),
        (_("State"), Comment.state, comment_state_label),
        (_("Decision"), Comment.decision, decision_label),
        (_("Category"), Category.name, str),
    ):
        query = (select(column, func.count()).select_from(Comment)
                 .outerjoin(Category, Category.id == Comment.category_id)
                 .where(*top, column.is_not(None)).group_by(column).order_by(func.count().desc(), column))
        found += [{"figure": name, "value": label(value), "count": count}
                  for value, count in db.session.execute(query)]
    paragraphs = (select(Comment.statute_id, Comment.paragraph_anchor, func.count()).where(
        *top, Comment.paragraph_anchor.is_not(None)).group_by(Comment.statute_id, Comment.paragraph_anchor)
        .order_by(func.count().desc()))
    found += [{"figure": _("Paragraph"), "value": words.paragraph(statute_id, anchor) or anchor, "count": count}
              for statute_id, anchor, count in db.session.execute(paragraphs)]
    yield found
