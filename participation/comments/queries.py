"""Reading comments: the page beside the map, the pins in a bbox, the reports.

Each function issues a fixed number of queries however many comments there are.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from geo.bbox import BBox, parse_bbox
from geo.errors import GeoInputError
from participation.comments.models import Comment, Report, Support, Visibility
from participation.database.spatial import intersects_bbox
from participation.extensions import db
from participation.comments.subjects import Subject, of_subject

PAGE_SIZE = 20
#: The orders a resident can choose for the list; the first is the default.
SORTS = ("neu", "alt", "unterstuetzt")
#: Larger ids or page numbers are nonsense from a hand-made URL (and overflow PostgreSQL's integer).
_MAX_INT = 2**31 - 1


def positive_int(text: str | None) -> int | None:
    """A whole number from 1 to 2³¹−1 written in ASCII digits, else None."""
    text = (text or "").strip()
    # isdigit() alone admits "²", which int() refuses; the length check keeps int() cheap.
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    value = int(text)
    return value if 0 < value <= _MAX_INT else None


@dataclass(frozen=True)
class ListView:
    """What the resident chose for the comment list: sort, category, map extent, page."""

    sort: str = "neu"
    category_id: int | None = None
    #: "Only what the map shows": the map's extent in EPSG:4326.
    bbox: BBox | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListView:
        """Read `sortierung`, `kategorie`, `ausschnitt` ("w,s,e,n") and `seite`; bad values become defaults."""
        sort = args.get("sortierung") or ""
        try:
            bbox = parse_bbox(args.get("ausschnitt")) if args.get("ausschnitt") else None
        except GeoInputError:
            bbox = None
        return cls(
            sort=sort if sort in SORTS else SORTS[0],
            category_id=positive_int(args.get("kategorie")),
            bbox=bbox,
            page=positive_int(args.get("seite")) or 1,
        )

    def to_args(self) -> dict[str, str]:
        """The non-default values, with the keys `from_args` reads (for URLs and hidden inputs)."""
        args: dict[str, str] = {}
        if self.sort != SORTS[0]:
            args["sortierung"] = self.sort
        if self.category_id is not None:
            args["kategorie"] = str(self.category_id)
        if self.bbox is not None:
            args["ausschnitt"] = ",".join(f"{v:.6f}" for v in (self.bbox.west, self.bbox.south,
                                                                self.bbox.east, self.bbox.north))
        if self.page != 1:
            args["seite"] = str(self.page)
        return args

    def at_page(self, number: int) -> ListView:
        """The same choice on another page (for the pagination links)."""
        return replace(self, page=number)


@dataclass
class CommentPage:
    items: list[Comment]
    number: int
    pages: int
    total: int
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    supports: dict[int, int] = field(default_factory=dict)
    supported_by_me: set[int] = field(default_factory=set)
    #: Ids on this page the current user has reported (so the page can say so instead of offering it again).
    reported_by_me: set[int] = field(default_factory=set)
    #: Of those, the ones the moderators have dealt with: id → Report.outcome ("hidden", "kept", "duplicate").
    report_outcomes: dict[int, str] = field(default_factory=dict)


#: What the public list shows: published comments, and hidden ones as "removed by moderation: reason".
LISTED = (Visibility.PUBLISHED, Visibility.HIDDEN)


def _visible_top_level(subject: Subject):
    """Top-level comments published or hidden by a moderator (shown as such); one its author deleted
    only while a published reply stands under it. Comments waiting for approval are not listed."""
    reply = aliased(Comment)
    answered = exists().where(reply.parent_id == Comment.id, reply.visibility == Visibility.PUBLISHED)
    return select(Comment).where(
        of_subject(subject), Comment.parent_id.is_(None), Comment.visibility.in_(LISTED),
        or_(Comment.deleted_at.is_(None), answered),
    )


def support_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Support.comment_id, func.count()).where(Support.comment_id.in_(ids)).group_by(Support.comment_id)
    )
    return dict(rows.all())


def _listed(subject: Subject, view: ListView):
    query = _visible_top_level(subject)
    if view.category_id is not None:
        query = query.where(Comment.category_id == view.category_id)
    if view.bbox is not None:
        query = query.where(intersects_bbox(db.session.get_bind().dialect, Comment, Comment.spatial, view.bbox))
    return query


def _ordered(query, sort: str):
    newest = (Comment.created_at.desc(), Comment.id.desc())
    if sort == "alt":
        return query.order_by(Comment.created_at, Comment.id)
    if sort == "unterstuetzt":
        supports = select(func.count(Support.id)).where(Support.comment_id == Comment.id).scalar_subquery()
        return query.order_by(supports.desc(), *newest)
    return query.order_by(*newest)


def comment_page(subject: Subject, user, view: ListView) -> CommentPage:
    """One page of top-level comments as `view` chose them, with replies and support counts."""
    listed = _listed(subject, view)
    total = db.session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(view.page, pages)
    items = db.session.scalars(
        _ordered(listed, view.sort)
        .options(selectinload(Comment.author), selectinload(Comment.category), selectinload(Comment.answer),
                 selectinload(Comment.photos))
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    ).all()
    ids = [c.id for c in items]
    page = CommentPage(list(items), number, pages, total)
    if not ids:
        return page
    for reply in db.session.scalars(
        select(Comment)
        .options(selectinload(Comment.author))
        .where(Comment.parent_id.in_(ids), Comment.visibility.in_(LISTED))
        .order_by(Comment.created_at, Comment.id)
    ):
        page.replies.setdefault(reply.parent_id, []).append(reply)
    page.supports = support_counts(ids)
    if getattr(user, "is_authenticated", False):
        page.supported_by_me = set(
            db.session.scalars(select(Support.comment_id).where(Support.comment_id.in_(ids), Support.user_id == user.id))
        )
        for comment_id, resolved, outcome in db.session.execute(
            select(Report.comment_id, Report.is_resolved, Report.outcome)
            .where(Report.comment_id.in_(ids), Report.user_id == user.id)
        ):
            page.reported_by_me.add(comment_id)
            if resolved and outcome:
                page.report_outcomes[comment_id] = outcome
    return page


def pins_in_bbox(subject: Subject, bbox: BBox, limit: int,
                 category_id: int | None = None) -> tuple[list[Comment], int]:
    """Visible pinned top-level comments inside `bbox` (at most `limit`, of one category if given), and how many."""
    where = [
        of_subject(subject),
        Comment.parent_id.is_(None),
        Comment.visibility == Visibility.PUBLISHED,
        intersects_bbox(db.session.get_bind().dialect, Comment, Comment.spatial, bbox),
    ]
    if category_id is not None:
        where.append(Comment.category_id == category_id)
    matched = db.session.scalar(select(func.count(Comment.id)).where(*where)) or 0
    items = db.session.scalars(
        select(Comment)
        .options(selectinload(Comment.author), selectinload(Comment.category))
        .where(*where)
        .order_by(Comment.id.desc())
        .limit(limit)
    ).all()
    return list(items), matched


def reply_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Comment.parent_id, func.count())
        .where(Comment.parent_id.in_(ids), Comment.visibility == Visibility.PUBLISHED)
        .group_by(Comment.parent_id)
    )
    return dict(rows.all())
