"""What is kept up to date as comments change, so that reading it costs the same at 50 comments as at 50 000.

- `CommentTally`: how many comments the public list of a project or statute shows, per category
  (the list's heading, "page 3 of 2 500", the count of a category);
- `CommentCell`: the cluster index of the published pins per zoom and category (geo/clusters.py),
  from which the map's tiles are read at low zooms;
- `CommentVersion`: a number that changes with anything the map shows of a subject's comments
  (the map data's addresses carry it, so that caches may keep them);
- `Comment.support_count`: the supports of a comment (the order "most supported first").

Every change made through the ORM is counted at the flush: the rows that may change the list or the
map are read before and after it, and the difference is added with an UPSERT (``n = n + d``), which
concurrent requests may do at once. Rows written around the ORM (bulk loads, a migration) call
`recount` afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, event, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from geo.clusters import cells_of_point
from participation.comments.models import Comment, CommentCell, CommentTally, CommentVersion, Support, Visibility
from participation.extensions import db
from participation.projects.models import Category

#: What the public list shows: published comments, and hidden ones as "removed by moderation".
LISTED = (Visibility.PUBLISHED, Visibility.HIDDEN)
_BEFORE = "tallies_before"


def listed_clause():
    """A WHERE clause: a comment the public list shows. A comment its author deleted is listed only
    while a published reply stands under it (as the placeholder of the conversation)."""
    reply = aliased(Comment)
    answered = exists().where(reply.parent_id == Comment.id, reply.visibility == Visibility.PUBLISHED)
    return and_(Comment.parent_id.is_(None), Comment.visibility.in_(LISTED),
                or_(Comment.deleted_at.is_(None), answered))


def pinned_clause():
    """A WHERE clause: a comment the map shows as a pin (published, top-level, with a place)."""
    return and_(Comment.parent_id.is_(None), Comment.visibility == Visibility.PUBLISHED,
                Comment.min_x.is_not(None))


@dataclass(frozen=True)
class _Place:
    """Where a comment counts: its subject, its category, whether listed, and its pin (or None)."""

    subject: str
    project_id: int | None
    statute_id: int | None
    category_id: int
    listed: bool
    pin: tuple[float, float] | None


def _key(project_id: int | None, statute_id: int | None) -> str:
    return f"project:{project_id}" if project_id is not None else f"statute:{statute_id}"


def _places(session: Session, ids: set[int]) -> dict[int, _Place]:
    if not ids:
        return {}
    rows = session.execute(
        select(Comment.id, Comment.project_id, Comment.statute_id, Comment.category_id, Comment.min_x, Comment.min_y,
               listed_clause().label("listed"), pinned_clause().label("pinned"))
        .where(Comment.id.in_(ids))
    )
    return {row.id: _Place(_key(row.project_id, row.statute_id), row.project_id, row.statute_id,
                           row.category_id or 0, bool(row.listed),
                           (row.min_x, row.min_y) if row.pinned else None)
            for row in rows}


def _touched(session: Session) -> set[int]:
    """Ids of persistent comments this flush changes, and the parents of changed replies (a deleted
    comment is listed only while it has a reply; the map shows a comment's count of replies)."""
    ids: set[int] = set()
    for obj in (*session.dirty, *session.deleted, *session.new):
        if not isinstance(obj, Comment) or (obj in session.dirty and not session.is_modified(obj)):
            continue
        if obj.id is not None:
            ids.add(obj.id)
        parent_id = obj.parent_id if obj.parent_id is not None else getattr(obj.parent, "id", None)
        if parent_id is not None:
            ids.add(parent_id)
    return ids


@event.listens_for(Session, "before_flush")
def _read_before(session: Session, _context, _instances) -> None:
    with session.no_autoflush:
        ids = _touched(session)
        session.info[_BEFORE] = (ids, _places(session, ids))


@event.listens_for(Session, "after_flush")
def _count_after(session: Session, _context) -> None:
    ids, before = session.info.pop(_BEFORE, (set(), {}))
    ids = ids | {obj.id for obj in session.new if isinstance(obj, Comment)}
    if not ids:
        return
    after = _places(session, ids)
    connection = session.connection()
    listed: dict[tuple, int] = {}
    pins: dict[tuple, int] = {}
    for places, sign in ((before, -1), (after, 1)):
        for place in places.values():
            subject = (place.subject, place.project_id, place.statute_id)
            if place.listed:
                listed[(*subject, place.category_id)] = listed.get((*subject, place.category_id), 0) + sign
            if place.pin is not None:
                pins[(*subject, place.category_id, place.pin)] = pins.get((*subject, place.category_id, place.pin), 0) + sign
    for (subject, project_id, statute_id, category_id), delta in listed.items():
        if delta:
            _add_listed(connection, subject, project_id, statute_id, category_id, delta)
    _add_pins(connection, [(key, delta) for key, delta in pins.items() if delta])
    for subject, project_id, statute_id in {(p.subject, p.project_id, p.statute_id)
                                            for p in (*before.values(), *after.values())}:
        _bump(connection, subject, project_id, statute_id)


@event.listens_for(Support, "after_insert")
def _supported(_mapper, connection, target: Support) -> None:
    _add_support(connection, target.comment_id, 1)


@event.listens_for(Support, "after_delete")
def _unsupported(_mapper, connection, target: Support) -> None:
    """Also for supports removed with their comment's list (a comment deleted as a placeholder)."""
    _add_support(connection, target.comment_id, -1)


def _add_support(connection, comment_id: int, delta: int) -> None:
    connection.execute(update(Comment).where(Comment.id == comment_id)
                       .values(support_count=Comment.support_count + delta))
    row = connection.execute(select(Comment.project_id, Comment.statute_id).where(Comment.id == comment_id)).first()
    if row is not None:  # the map's popups show the count
        _bump(connection, _key(*row), *row)


@event.listens_for(Category, "after_delete")
def _category_removed(_mapper, connection, target: Category) -> None:
    """Its comments lose the category (ON DELETE SET NULL): their counts and cells move to "no category"."""
    subject = _key(target.project_id, None)
    moved = connection.scalar(select(CommentTally.listed).where(
        CommentTally.subject == subject, CommentTally.category_id == target.id))
    if moved:
        connection.execute(CommentTally.__table__.delete().where(
            CommentTally.subject == subject, CommentTally.category_id == target.id))
        _add_listed(connection, subject, target.project_id, None, 0, moved)
    of_category = (CommentCell.subject == subject, CommentCell.category_id == target.id)
    cells = connection.execute(select(CommentCell.zoom, CommentCell.cx, CommentCell.cy, CommentCell.n,
                                      CommentCell.sum_x, CommentCell.sum_y).where(*of_category)).all()
    if cells:
        connection.execute(CommentCell.__table__.delete().where(*of_category))
        _upsert_cells(connection, [dict(subject=subject, project_id=target.project_id, statute_id=None, category_id=0,
                                        zoom=c.zoom, cx=c.cx, cy=c.cy, n=c.n, sum_x=c.sum_x, sum_y=c.sum_y)
                                   for c in cells])


def _insert(connection):
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def _add_listed(connection, subject: str, project_id: int | None, statute_id: int | None,
                category_id: int, delta: int) -> None:
    statement = _insert(connection)(CommentTally).values(subject=subject, project_id=project_id, statute_id=statute_id,
                                                         category_id=category_id, listed=delta)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["subject", "category_id"],
        set_={"listed": CommentTally.listed + delta},
    ))


def _add_pins(connection, changes: list[tuple[tuple, int]]) -> None:
    """Add (or with a negative count take away) pins to the cells they lie in at every indexed zoom."""
    rows = []
    for (subject, project_id, statute_id, category_id, (lon, lat)), delta in changes:
        rows.extend(dict(subject=subject, project_id=project_id, statute_id=statute_id, category_id=category_id,
                         zoom=zoom, cx=cx, cy=cy, n=delta, sum_x=delta * lon, sum_y=delta * lat)
                    for zoom, cx, cy in cells_of_point(lon, lat))
    _upsert_cells(connection, rows)


def _upsert_cells(connection, rows: list[dict]) -> None:
    if not rows:
        return
    statement = _insert(connection)(CommentCell)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["subject", "zoom", "cx", "cy", "category_id"],
        set_={"n": CommentCell.n + statement.excluded.n, "sum_x": CommentCell.sum_x + statement.excluded.sum_x,
              "sum_y": CommentCell.sum_y + statement.excluded.sum_y},
    ), rows)


def _bump(connection, subject: str, project_id: int | None, statute_id: int | None) -> None:
    statement = _insert(connection)(CommentVersion).values(subject=subject, project_id=project_id,
                                                           statute_id=statute_id, version=1)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["subject"], set_={"version": CommentVersion.version + 1}))


def listed_count(subject_key: str, category_id: int | None = None) -> int:
    """How many comments the public list of the subject shows (of one category if given)."""
    query = select(func.coalesce(func.sum(CommentTally.listed), 0)).where(CommentTally.subject == subject_key)
    if category_id is not None:
        query = query.where(CommentTally.category_id == category_id)
    return db.session.scalar(query) or 0


def map_version(subject_key: str) -> int:
    """The number that changes with anything the subject's map shows of its comments."""
    return db.session.scalar(select(CommentVersion.version).where(CommentVersion.subject == subject_key)) or 0


def recount(session: Session) -> None:
    """Count everything again from the rows: after a bulk load or a migration that wrote around the ORM.
    Every subject's map version changes."""
    connection = session.connection()
    for model in (CommentTally, CommentCell):
        connection.execute(model.__table__.delete())
    supports = select(func.count()).where(Support.comment_id == Comment.id).scalar_subquery()
    connection.execute(update(Comment).values(support_count=supports))
    for row in connection.execute(
            select(Comment.project_id, Comment.statute_id, Comment.category_id, func.count().label("n"))
            .where(listed_clause()).group_by(Comment.project_id, Comment.statute_id, Comment.category_id)):
        _add_listed(connection, _key(row.project_id, row.statute_id), row.project_id, row.statute_id,
                    row.category_id or 0, row.n)
    cells: dict[tuple, list] = {}
    for row in connection.execute(select(Comment.project_id, Comment.statute_id, Comment.category_id,
                                         Comment.min_x, Comment.min_y).where(pinned_clause())):
        for zoom, cx, cy in cells_of_point(row.min_x, row.min_y):
            cell = cells.setdefault((row.project_id, row.statute_id, row.category_id or 0, zoom, cx, cy), [0, 0.0, 0.0])
            cell[0] += 1
            cell[1] += row.min_x
            cell[2] += row.min_y
    _upsert_cells(connection, [dict(subject=_key(p, s), project_id=p, statute_id=s, category_id=c, zoom=z, cx=x, cy=y,
                                    n=n, sum_x=sx, sum_y=sy) for (p, s, c, z, x, y), (n, sx, sy) in cells.items()])
    for row in connection.execute(select(Comment.project_id, Comment.statute_id).distinct()):
        _bump(connection, _key(row.project_id, row.statute_id), row.project_id, row.statute_id)
