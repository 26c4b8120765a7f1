"""The kept counts (comment_tally, Comment.support_count) always equal a count of the rows,
through every change the app makes: new, waiting, approved, hidden, restored, deleted by the author
(with and without replies), recategorised, a category removed, supports, a project deleted."""
from __future__ import annotations

from shapely.geometry import Point
from sqlalchemy import func, select

from geo.clusters import cells_of_point

from participation.accounts.models import Role, User
from participation.comments import services, tallies
from participation.comments.models import Comment, CommentCell, CommentTally, Support, Visibility
from participation.comments.tallies import listed_count
from participation.extensions import db
from participation.moderation import services as moderation
from participation.projects.models import Project
from participation.statutes.models import Statute
from tests.conftest import INSIDE


def _counted_from_rows() -> dict[tuple[str, int], int]:
    rows = db.session.execute(
        select(Comment.project_id, Comment.statute_id, Comment.category_id, func.count())
        .where(tallies.listed_clause())
        .group_by(Comment.project_id, Comment.statute_id, Comment.category_id))
    counted: dict[tuple[str, int], int] = {}
    for p, s, c, n in rows:
        key = (f"project:{p}" if p is not None else f"statute:{s}", c or 0)
        counted[key] = counted.get(key, 0) + n
    return counted


def _kept() -> dict[tuple[str, int], int]:
    return {(t.subject, t.category_id): t.listed for t in db.session.scalars(select(CommentTally)) if t.listed}


def _cells_from_rows() -> dict[tuple, tuple[int, float, float]]:
    cells: dict[tuple, list] = {}
    for comment in db.session.scalars(select(Comment).where(tallies.pinned_clause())):
        subject = f"project:{comment.project_id}" if comment.project_id else f"statute:{comment.statute_id}"
        for zoom, cx, cy in cells_of_point(comment.location.x, comment.location.y):
            cell = cells.setdefault((subject, comment.category_id or 0, zoom, cx, cy), [0, 0.0, 0.0])
            cell[0] += 1
            cell[1] += comment.location.x
            cell[2] += comment.location.y
    return {key: (n, round(x, 9), round(y, 9)) for key, (n, x, y) in cells.items()}


def _kept_cells() -> dict[tuple, tuple[int, float, float]]:
    return {(c.subject, c.category_id, c.zoom, c.cx, c.cy): (c.n, round(c.sum_x, 9), round(c.sum_y, 9))
            for c in db.session.scalars(select(CommentCell)) if c.n}


def _supports_agree() -> bool:
    counted = select(func.count()).where(Support.comment_id == Comment.id).scalar_subquery()
    return db.session.scalar(select(func.count()).where(Comment.support_count != counted)) == 0


_versions: dict[str, int] = {}


def _check(*changed: str) -> None:
    """The kept counts equal the rows; the map version of each `changed` subject has moved on."""
    db.session.commit()
    assert _kept() == _counted_from_rows()
    assert _kept_cells() == _cells_from_rows()
    assert _supports_agree()
    for subject in changed:
        assert tallies.map_version(subject) > _versions.get(subject, 0), subject
        _versions[subject] = tallies.map_version(subject)


def _comment(subject, author, parent=None, visibility=Visibility.PUBLISHED, category_id=None) -> Comment:
    comment = Comment(author_id=author.id, text="Text", parent_id=parent.id if parent else None,
                      visibility=visibility, category_id=category_id,
                      **({"statute_id": subject.id} if isinstance(subject, Statute) else {"project_id": subject.id}))
    comment.set_location(None if parent else INSIDE)
    db.session.add(comment)
    db.session.flush()
    return comment


def test_the_kept_counts_follow_every_change(app, ctx, create_project, create_statute, create_user):
    project = db.session.get(Project, create_project().id)
    statute = db.session.get(Statute, create_statute().id)
    traffic, green = project.categories
    author, fan, other = (db.session.get(User, create_user().id) for _ in range(3))
    moderator = db.session.get(User, create_user(Role.PLANNER, towns=[project.municipality]).id)

    first = _comment(project, author, category_id=traffic.id)
    second = _comment(project, author, category_id=green.id)
    waiting = _comment(project, author, visibility=Visibility.PENDING)
    on_statute = _comment(statute, author)
    _versions.clear()
    _check(f"project:{project.id}", f"statute:{statute.id}")
    assert listed_count(f"project:{project.id}") == 2 and listed_count(f"statute:{statute.id}") == 1
    assert listed_count(f"project:{project.id}", traffic.id) == 1

    assert moderation.approve(waiting, moderator)
    _check(f"project:{project.id}")
    assert moderation.hide(first, moderator, "Beleidigung")  # hidden ones stay listed, as "removed"
    _check()
    assert listed_count(f"project:{project.id}") == 3
    pending = _comment(project, author, visibility=Visibility.PENDING)
    assert moderation.hide(pending, moderator, "Spam")  # rejected before it was ever listed
    _check()
    assert moderation.restore(first, moderator)
    _check()

    assert services.support(second, fan) and services.support(second, other) and services.support(first, fan)
    _check(f"project:{project.id}")
    assert db.session.get(Comment, second.id).support_count == 2

    second.category_id = traffic.id  # recategorised by its author
    _check(f"project:{project.id}")
    second.text = "Other words"  # the popup shows them
    _check(f"project:{project.id}")
    assert listed_count(f"project:{project.id}", traffic.id) == 2

    reply = _comment(project, other, parent=second)
    _check()
    assert services.delete_comment(second, author) is False  # a placeholder for its reply
    _check()
    assert db.session.get(Comment, second.id).support_count == 0
    assert listed_count(f"project:{project.id}") == 3
    assert moderation.hide(reply, moderator, "Off topic")  # its last reply hidden: the placeholder leaves
    _check()
    assert listed_count(f"project:{project.id}") == 2
    assert moderation.restore(reply, moderator)
    _check()
    assert listed_count(f"project:{project.id}") == 3

    assert services.delete_comment(first, author) is True
    _check()
    assert services.delete_comment(on_statute, author) is True
    _check(f"statute:{statute.id}")
    assert listed_count(f"statute:{statute.id}") == 0

    third = _comment(project, author, category_id=green.id)
    project.categories.remove(green)  # as editing the project does: its comments keep no category
    _check()
    assert db.session.get(Comment, third.id).category_id is None
    assert listed_count(f"project:{project.id}", 0) == 3  # the placeholder, the approved one, this one

    db.session.delete(project)
    _check()
    assert db.session.scalar(select(func.count(CommentTally.id)).where(CommentTally.project_id.is_not(None))) == 0


def test_recount_rebuilds_the_counts_after_rows_written_around_the_orm(app, ctx, create_project, create_user):
    project = db.session.get(Project, create_project().id)
    author, fan = (db.session.get(User, create_user().id) for _ in range(2))
    rows = [{"project_id": project.id, "author_id": author.id, "text": f"Bulk {n}", "visibility": "published",
             "location": Point(INSIDE.x + n * 1e-4, INSIDE.y), "min_x": INSIDE.x + n * 1e-4, "max_x": INSIDE.x + n * 1e-4,
             "min_y": INSIDE.y, "max_y": INSIDE.y} for n in range(30)]
    db.session.execute(Comment.__table__.insert(), rows)
    first = db.session.scalar(select(Comment.id).order_by(Comment.id))
    db.session.execute(Support.__table__.insert(), [{"comment_id": first, "user_id": fan.id}])
    tallies.recount(db.session)
    _check()
    assert listed_count(f"project:{project.id}") == 30
    assert db.session.get(Comment, first).support_count == 1
    assert sum(c.n for c in db.session.scalars(select(CommentCell).where(CommentCell.zoom == 0))) == 30
