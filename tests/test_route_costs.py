"""No route's cost grows with the number of comments beyond what it shows.

The same routes are asked at 100 and at 5 000 comments on one project: they must take the same
number of SQL statements (no query per comment, no page of queries that grows), and on SQLite no
statement may scan the comments or sort them in a temporary B-tree — the list walks an index and
stops after a page, the counts are kept (participation/comments/tallies.py).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from shapely.geometry import Point
from sqlalchemy import event, func, insert, select

from participation.accounts.models import User
from participation.comments import tallies
from participation.comments.models import Comment, Support
from participation.comments.queries import PAGE_SIZE
from participation.extensions import db
from tests.conftest import AREA, INSIDE

START = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
#: A street in the project area (tests.conftest.AREA) around INSIDE, where every 50th comment lies,
#: and the whole area, as "w,s,e,n".
STREET = "13.2545,53.5515,13.2555,53.5525"
WHOLE = ",".join(f"{v:.4f}" for v in AREA.bounds)
#: In SQLite's plan: a statement that reads a whole table of comments or supports ...
FULL_SCAN = re.compile(r"\bSCAN (comment|support|comment_tally)\b")
#: ... or all of a project's or statute's comments: to sort them, or to count them.
ALL_OF_SUBJECT = re.compile(r"SEARCH comment USING (COVERING )?INDEX \w+ \((project_id|statute_id)=\?\)")


def _reads_too_much(statement: str, plan: str) -> bool:
    if FULL_SCAN.search(plan):
        return True
    if ALL_OF_SUBJECT.search(plan):
        return "TEMP B-TREE FOR ORDER BY" in plan or "count(" in statement.lower()
    return False


def _add_comments(project, statute, authors, start: int, stop: int) -> None:
    """Comments `start`…`stop - 1` spread over the area, a second apart; every tenth with a reply, the
    first 200 with supports; then the kept counts made again, as after any load around the ORM."""
    west, south, east, north = AREA.bounds
    rows, replies = [], []
    for n in range(start, stop):
        x = west + (east - west) * ((n * 7919) % 1000) / 1000
        y = south + (north - south) * ((n * 104729) % 1000) / 1000
        if n % 50 == 0:
            x, y = INSIDE.x + (n % 7) * 1e-5, INSIDE.y
        at = START + timedelta(seconds=n)
        subject = {"statute_id": statute.id} if n % 10 == 3 else {"project_id": project.id}
        rows.append({**subject, "author_id": authors[n % len(authors)].id, "text": f"Comment {n}",
                     "category_id": project.categories[n % 2].id if "project_id" in subject else None,
                     "location": Point(x, y), "min_x": x, "max_x": x, "min_y": y, "max_y": y,
                     "created_at": at, "updated_at": at})
    for chunk in range(0, len(rows), 2000):
        db.session.execute(insert(Comment), rows[chunk:chunk + 2000])
    parents = db.session.scalars(select(Comment.id).where(Comment.project_id == project.id,
                                                          Comment.text.in_([f"Comment {n}" for n in range(start, stop, 10)])))
    for parent_id in parents:
        replies.append({"project_id": project.id, "parent_id": parent_id, "author_id": authors[0].id,
                        "text": "Reply", "created_at": START, "updated_at": START})
    if replies:
        db.session.execute(insert(Comment), replies)
    if start == 0:
        top = db.session.scalars(select(Comment.id).where(Comment.parent_id.is_(None)).limit(200))
        db.session.execute(insert(Support), [{"comment_id": c, "user_id": u.id, "created_at": START, "updated_at": START}
                                             for c in top for u in authors[:2]])
    tallies.recount(db.session)
    db.session.commit()


def _routes(town, project, statute, comment_id: int, key: int) -> list[str]:
    page = f"/{town.slug}/projekte/{project.id}"
    return [
        "/", f"/{town.slug}/", page,
        f"{page}?teil=liste", f"{page}?teil=liste&sortierung=alt", f"{page}?teil=liste&sortierung=unterstuetzt",
        f"{page}?teil=liste&kategorie={project.categories[0].id}",
        f"{page}?teil=liste&seite=2&nach={key}", f"{page}?teil=liste&seite=2&nach={key}&sortierung=unterstuetzt",
        f"{page}?teil=liste&ausschnitt={STREET}", f"{page}?teil=liste&ausschnitt={WHOLE}",
        f"/{town.slug}/satzungen/{statute.id}", f"/{town.slug}/satzungen/{statute.id}?teil=liste",
        f"/api/v1/projects/{project.id}/comments?bbox={STREET}", f"/api/v1/projects/{project.id}/comments?bbox={WHOLE}&limit=50",
        f"/api/v1/comments/{comment_id}",
    ]


def _measure(app, client, routes: list[str]) -> tuple[dict[str, int], list[str]]:
    """The number of statements each route takes, and the plans of those that read too much."""
    counts, unbounded = {}, []
    with app.app_context():
        engine = db.engine
    for route in routes:
        statements: list[tuple[str, object]] = []

        def seen(_conn, _cursor, statement, parameters, _context, _many):
            statements.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", seen)
        try:
            response = client.get(route)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert response.status_code == 200, route
        counts[route] = len(statements)
        if engine.dialect.name == "sqlite":
            with app.app_context():
                for statement, parameters in statements:
                    if statement.lstrip().upper().startswith("SELECT"):
                        plan = db.session.connection().exec_driver_sql(
                            "EXPLAIN QUERY PLAN " + statement, parameters).all()
                        lines = " | ".join(row[-1] for row in plan)
                        if _reads_too_much(statement, lines):
                            unbounded.append(f"{route}: {lines}\n    {statement[:300]}")
    return counts, unbounded


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "resident"])
def test_routes_take_the_same_statements_at_100_and_5000_comments(app, client, login, create_project, create_statute,
                                                                    create_user, signed_in):
    project = create_project()
    statute = create_statute(town=project.municipality)
    people = [create_user() for _ in range(3)]
    if signed_in:
        login(people[0])
    measured = {}
    for start, size in ((0, 100), (100, 5000)):
        with app.app_context():  # left before the requests, which must not share its session
            _add_comments(project, statute, [db.session.get(User, p.id) for p in people], start, size)
            newest = select(Comment.id).where(Comment.project_id == project.id, Comment.parent_id.is_(None)) \
                .order_by(Comment.created_at.desc(), Comment.id.desc())
            key = db.session.scalars(newest.offset(PAGE_SIZE - 1).limit(1)).one()
            comment_id = db.session.scalars(newest.limit(1)).one()
            assert tallies.listed_count(f"project:{project.id}") == db.session.scalar(
                select(func.count()).where(Comment.project_id == project.id, tallies.listed_clause()))
        measured[size] = _measure(app, client, _routes(project.municipality, project, statute, comment_id, key))
    (few, _), (many, unbounded) = measured[100], measured[5000]
    # The routes differ between the sizes only in the ids they name.
    grew = {route: (few[route], many[other]) for route, other in zip(few, many) if few[route] != many[other]}
    assert grew == {}, f"statements at 100 vs 5 000 comments differ: {grew}"
    assert unbounded == [], "statements that read or sort all comments:\n" + "\n".join(unbounded)
