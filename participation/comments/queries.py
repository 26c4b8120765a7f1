"""Reading comments: the page beside the map, the pins in a bbox, the reports.

Each function issues a fixed number of queries however many comments there are.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import func, literal, select, tuple_
from sqlalchemy.orm import selectinload

from geo.bbox import BBox, parse_bbox
from geo.errors import GeoInputError
from participation.comments import tallies
from participation.comments.models import Comment, Report, Support, Visibility
from participation.comments.subjects import Subject, of_subject, subject_key
from participation.database.spatial import intersects_bbox
from participation.extensions import db

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
    """What the resident chose for the comment list: sort, category, map extent, page.

    A page after the first is found by key (`after`/`before`: the last comment of the page before it,
    the first of the page after it), so that page 2 500 costs what page 1 costs; `page` is its number.
    """

    sort: str = "neu"
    category_id: int | None = None
    #: "Only what the map shows": the map's extent in EPSG:4326.
    bbox: BBox | None = None
    page: int = 1
    after: int | None = None
    before: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListView:
        """Read `sortierung`, `kategorie`, `ausschnitt` ("w,s,e,n"), `seite`, `nach` and `vor`;
        bad values become defaults."""
        sort = args.get("sortierung") or ""
        try:
            bbox = parse_bbox(args.get("ausschnitt")) if args.get("ausschnitt") else None
        except GeoInputError:
            bbox = None
        after = positive_int(args.get("nach"))
        return cls(
            sort=sort if sort in SORTS else SORTS[0],
            category_id=positive_int(args.get("kategorie")),
            bbox=bbox,
            page=positive_int(args.get("seite")) or 1,
            after=after,
            before=None if after else positive_int(args.get("vor")),
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
            if self.after is not None:
                args["nach"] = str(self.after)
            elif self.before is not None:
                args["vor"] = str(self.before)
        return args

    def following(self, page: CommentPage) -> ListView:
        """The page after `page`: the comments after its last one."""
        return replace(self, page=page.number + 1, after=page.items[-1].id, before=None)

    def preceding(self, page: CommentPage) -> ListView:
        """The page before `page`: the comments before its first one (page 1 is the list's start)."""
        if page.number <= 2 or not page.items:
            return replace(self, page=1, after=None, before=None)
        return replace(self, page=page.number - 1, after=None, before=page.items[0].id)


@dataclass
class CommentPage:
    items: list[Comment]
    number: int
    #: How many comments the list holds; with `exact` False (a map extent with very many), at least this many.
    total: int
    exact: bool = True
    has_next: bool = False
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    supports: dict[int, int] = field(default_factory=dict)
    supported_by_me: set[int] = field(default_factory=set)
    #: Ids on this page the current user has reported (so the page can say so instead of offering it again).
    reported_by_me: set[int] = field(default_factory=set)
    #: Of those, the ones the moderators have dealt with: id → Report.outcome ("hidden", "kept", "duplicate").
    report_outcomes: dict[int, str] = field(default_factory=dict)

    @property
    def pages(self) -> int | None:
        """How many pages there are, if the total is exact."""
        return max(1, math.ceil(self.total / PAGE_SIZE)) if self.exact else None


#: A map extent's comments are counted up to this many; beyond it the list says "more than 1 000".
COUNT_CAP = 1000


def _visible_top_level(subject: Subject, by_index: bool = True):
    """Top-level comments published or hidden by a moderator (shown as such); one its author deleted
    only while a published reply stands under it. Comments waiting for approval are not listed."""
    return select(Comment).where(of_subject(subject, by_index=by_index), tallies.listed_clause())


def _listed(subject: Subject, view: ListView, by_index: bool = True):
    query = _visible_top_level(subject, by_index)
    if view.category_id is not None:
        query = query.where(Comment.category_id == view.category_id)
    if view.bbox is not None:
        query = query.where(intersects_bbox(db.session.get_bind().dialect, Comment, Comment.spatial, view.bbox))
    return query


def _order(sort: str) -> tuple[tuple, bool]:
    """The columns the list is ordered by (each an index's, after the subject) and whether descending."""
    if sort == "unterstuetzt":
        return (Comment.support_count, Comment.created_at, Comment.id), True
    return (Comment.created_at, Comment.id), sort != "alt"


def _total(subject: Subject, view: ListView) -> tuple[int, bool]:
    """How many comments the list holds: kept counts, or for a map extent a count of those in it
    (found through the spatial index) that stops at COUNT_CAP."""
    if view.bbox is None:
        return tallies.listed_count(subject_key(subject), view.category_id), True
    in_view = _listed(subject, view, by_index=False)
    capped = in_view.with_only_columns(Comment.id).limit(COUNT_CAP + 1).subquery()
    counted = db.session.scalar(select(func.count()).select_from(capped)) or 0
    return min(counted, COUNT_CAP), counted <= COUNT_CAP


def _items(listed, view: ListView, number: int) -> list[Comment]:
    columns, descending = _order(view.sort)
    query = listed.options(selectinload(Comment.author), selectinload(Comment.category),
                           selectinload(Comment.answer), selectinload(Comment.photos)).limit(PAGE_SIZE)
    key = view.after or view.before
    cursor = db.session.execute(select(*columns).where(Comment.id == key)).first() if key and number > 1 else None
    if cursor is None:  # the first page, a link without a key, or its comment is gone
        order = [c.desc() for c in columns] if descending else list(columns)
        return list(db.session.scalars(query.order_by(*order).offset((number - 1) * PAGE_SIZE)))
    # Walking down the order after the key, or up it (reversed) before it.
    down = descending == (view.after is not None)
    row, at = tuple_(*columns), tuple_(*(literal(v, c.type) for v, c in zip(cursor, columns)))
    query = query.where(row < at if down else row > at).order_by(*(c.desc() if down else c for c in columns))
    items = list(db.session.scalars(query))
    return items if view.after is not None else items[::-1]


def comment_page(subject: Subject, user, view: ListView) -> CommentPage:
    """One page of top-level comments as `view` chose them, with replies and support counts."""
    total, exact = _total(subject, view)
    # A map extent with few comments: found through the spatial index and sorted (at most COUNT_CAP);
    # with more, the subject's comments are walked in order and those in the extent kept, a page's worth.
    listed = _listed(subject, view, by_index=view.bbox is None or not exact)
    number = min(view.page, max(1, math.ceil(total / PAGE_SIZE))) if exact else view.page
    items = _items(listed, view, number)
    page = CommentPage(items, number, total, exact)
    page.has_next = number < page.pages if exact else len(items) == PAGE_SIZE
    ids = [c.id for c in items]
    if not ids:
        return page
    for reply in db.session.scalars(
        select(Comment)
        .options(selectinload(Comment.author))
        .where(Comment.parent_id.in_(ids), Comment.visibility.in_(tallies.LISTED))
        .order_by(Comment.created_at, Comment.id)
    ):
        page.replies.setdefault(reply.parent_id, []).append(reply)
    page.supports = {c.id: c.support_count for c in items}
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
    """Visible pinned top-level comments inside `bbox` (at most `limit`, of one category if given), and how many.

    Found through the spatial index: the cost grows with the pins in the view, not with the subject's comments.
    """
    where = [
        of_subject(subject, by_index=False),
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
