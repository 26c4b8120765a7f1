"""The bbox query behind the map: right rows, kept in step, served by the spatial index."""
from __future__ import annotations

import pytest
from shapely.geometry import Point, box
from sqlalchemy import select, text

from geo.bbox import BBox
from participation.comments.models import Comment, Visibility
from participation.comments.queries import pins_in_bbox
from participation.database.spatial import area_covers, intersects_bbox
from participation.extensions import db
from participation.projects.models import Project

#: 10 × 5 pins inside the conftest AREA (13.25–13.26 E, 53.55–53.554 N).
GRID = [Point(13.2505 + i * 0.001, 53.5505 + j * 0.0007) for i in range(10) for j in range(5)]


def insert_comments(project_id: int, points, author_id=None, parent_id=None, removed=False) -> list[int]:
    """Insert pinned comments directly (fast); needs an app context."""
    comments = []
    for n, point in enumerate(points):
        comment = Comment(project_id=project_id, author_id=author_id, text=f"Pin {n}", parent_id=parent_id,
                          visibility=Visibility.HIDDEN if removed else Visibility.PUBLISHED)
        comment.set_location(point)
        comments.append(comment)
    db.session.add_all(comments)
    db.session.commit()
    return [c.id for c in comments]


def dialect() -> str:
    return db.engine.dialect.name


@pytest.fixture
def project(create_project):
    return create_project()


def test_exactly_the_pins_inside_the_bbox(app, project):
    with app.app_context():
        ids = insert_comments(project.id, GRID)
        bbox = BBox(13.2522, 53.5509, 13.2571, 53.5530)
        expected = {i for i, p in zip(ids, GRID) if box(bbox.west, bbox.south, bbox.east, bbox.north).covers(p)}
        assert 0 < len(expected) < len(GRID)
        items, matched = pins_in_bbox(db.session.get(Project, project.id), bbox, 5000)
        assert {c.id for c in items} == expected
        assert matched == len(expected)
        assert [c.id for c in items] == sorted(expected, reverse=True)  # newest first


def test_pins_on_the_edge_count_and_a_hair_outside_do_not(app, project):
    # The R*Tree holds 32-bit floats and rounds outwards; the exact columns decide.
    pin = Point(13.2555, 53.5521)
    with app.app_context():
        [pin_id] = insert_comments(project.id, [pin])
        current = db.session.get(Project, project.id)
        on_edge = BBox(pin.x, pin.y, 13.259, 53.553)
        assert [c.id for c in pins_in_bbox(current, on_edge, 10)[0]] == [pin_id]
        hair = 1e-9
        beside = BBox(pin.x + hair, pin.y, 13.259, 53.553)
        below = BBox(13.251, 53.551, 13.259, pin.y - hair)
        assert pins_in_bbox(current, beside, 10) == ([], 0)
        assert pins_in_bbox(current, below, 10) == ([], 0)


def test_removed_replies_and_other_projects_are_left_out(app, project, create_project):
    other = create_project(town=project.municipality)
    with app.app_context():
        [visible] = insert_comments(project.id, [GRID[0]])
        insert_comments(project.id, [GRID[1]], removed=True)
        insert_comments(project.id, [GRID[2]], parent_id=visible)  # a reply that somehow has a pin
        insert_comments(other.id, GRID[:10])
        everything = BBox(13.0, 53.0, 14.0, 54.0)
        items, matched = pins_in_bbox(db.session.get(Project, project.id), everything, 100)
        assert [c.id for c in items] == [visible]
        assert matched == 1


def test_comments_without_a_pin_are_left_out(app, project):
    with app.app_context():
        comment = Comment(project_id=project.id, text="No place")
        comment.set_location(None)
        db.session.add(comment)
        db.session.commit()
        assert pins_in_bbox(db.session.get(Project, project.id), BBox(-180, -90, 180, 90), 10) == ([], 0)


def test_limit_cuts_the_list_but_not_the_count(app, project):
    with app.app_context():
        ids = insert_comments(project.id, GRID)
        items, matched = pins_in_bbox(db.session.get(Project, project.id), BBox(13.0, 53.0, 14.0, 54.0), 7)
        assert matched == len(GRID)
        assert [c.id for c in items] == sorted(ids, reverse=True)[:7]


def rtree_row(comment_id: int):
    return db.session.execute(
        text("SELECT min_x, max_x, min_y, max_y FROM comment_rtree WHERE id = :id"), {"id": comment_id}
    ).one_or_none()


def assert_indexed_at(comment_id: int, point: Point):
    row = rtree_row(comment_id)
    assert row is not None
    min_x, max_x, min_y, max_y = row
    assert min_x <= point.x <= max_x and min_y <= point.y <= max_y
    assert max_x - min_x < 1e-5 and max_y - min_y < 1e-5  # 32-bit floats: close, not exact


def test_rtree_follows_insert_move_unpin_and_delete(app, project):
    with app.app_context():
        if dialect() != "sqlite":
            pytest.skip("the R*Tree is the SQLite index")
        [comment_id] = insert_comments(project.id, [GRID[0]])
        assert_indexed_at(comment_id, GRID[0])

        comment = db.session.get(Comment, comment_id)
        comment.set_location(GRID[-1])  # the pin is moved
        db.session.commit()
        assert_indexed_at(comment_id, GRID[-1])
        assert db.session.scalar(text("SELECT count(*) FROM comment_rtree")) == 1

        comment.set_location(None)
        db.session.commit()
        assert rtree_row(comment_id) is None

        comment.set_location(GRID[5])
        db.session.commit()
        assert_indexed_at(comment_id, GRID[5])

        db.session.delete(comment)
        db.session.commit()
        assert rtree_row(comment_id) is None


def test_text_edits_leave_the_rtree_alone(app, project):
    with app.app_context():
        if dialect() != "sqlite":
            pytest.skip("the R*Tree is the SQLite index")
        [comment_id] = insert_comments(project.id, [GRID[3]])
        db.session.get(Comment, comment_id).text = "Edited"
        db.session.commit()
        assert_indexed_at(comment_id, GRID[3])


def bbox_query(project_id: int):
    bbox = BBox(13.252, 53.551, 13.257, 53.553)
    return select(Comment.id).where(
        Comment.project_id == project_id,
        intersects_bbox(db.engine.dialect, Comment, Comment.spatial, bbox),
    )


def test_sqlite_plan_uses_the_rtree(app, project):
    with app.app_context():
        if dialect() != "sqlite":
            pytest.skip("SQLite only; PostgreSQL has its own test")
        insert_comments(project.id, GRID)
        sql = str(bbox_query(project.id).compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = [row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql))]
        assert any("comment_rtree" in step and "VIRTUAL TABLE" in step for step in plan), plan


def test_postgresql_plan_uses_the_gist_index(app, project):
    with app.app_context():
        if dialect() != "postgresql":
            pytest.skip("PostgreSQL only (set TEST_DATABASE_URL)")
        insert_comments(project.id, GRID)
        # The spatial predicate alone: with 50 rows the planner may prefer any index
        # for the project filter, but the bbox test itself must be one GiST can serve.
        bbox = BBox(13.252, 53.551, 13.257, 53.553)
        query = select(Comment.id).where(intersects_bbox(db.engine.dialect, Comment, Comment.spatial, bbox))
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
        db.session.rollback()
        assert "ix_comment_location_gist" in plan, plan


@pytest.mark.parametrize("point, inside", [
    (Point(13.255, 53.552), True),
    (Point(13.25, 53.552), True),  # on the boundary: a pin on the outline counts
    (Point(13.30, 53.60), False),
])
def test_area_covers_is_decided_by_the_database(app, project, point, inside):
    with app.app_context():
        assert area_covers(db.session, Project, Project.spatial, project.id, point) is inside


def test_a_project_without_area_takes_pins_anywhere(app, create_project):
    bare = create_project(area=None)
    with app.app_context():
        assert area_covers(db.session, Project, Project.spatial, bare.id, Point(0, 0)) is True
