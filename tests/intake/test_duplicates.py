"""Likely duplicates: close in place and similar in text, found without comparing every pair."""
from __future__ import annotations

import random
from itertools import combinations

import pytest
from shapely.geometry import Point
from sqlalchemy import select

from participation.accounts.models import Role
from participation.comments.models import Comment, Visibility
from participation.extensions import db
from participation.intake import duplicates
from tests.conftest import INSIDE

#: Metres → degrees at the test area (53.55° N), near enough for placing pins.
LAT_M = 1 / 111_200
LON_M = 1 / 66_150

SAME = "Bitte mehr Bäume am Marktplatz pflanzen, der Platz ist im Sommer viel zu heiß."
REWORDED = "Mehr Bäume auf dem Marktplatz pflanzen bitte! Der Platz ist im Sommer viel zu heiß."
OTHER = "Der Radweg in der Bahnhofstraße ist zu schmal und endet plötzlich vor der Ampel."


def east(metres: float, north: float = 0.0) -> Point:
    return Point(INSIDE.x + metres * LON_M, INSIDE.y + north * LAT_M)


def _ids(pairs) -> set[tuple[int, int]]:
    return {(p.first.id, p.second.id) for p in pairs}


def test_near_and_similar_comments_are_likely_duplicates(app, create_project, create_user, create_comment):
    project = create_project()
    author = create_user()
    first = create_comment(project, author, SAME, location=INSIDE)
    near = create_comment(project, author, REWORDED, location=east(40))
    far = create_comment(project, author, REWORDED, location=east(300))
    different = create_comment(project, author, OTHER, location=east(10))
    unplaced_a = create_comment(project, author, SAME, location=None)
    unplaced_b = create_comment(project, author, REWORDED, location=None)
    with app.app_context():
        report = duplicates.likely_duplicates(db.session.merge(project))
        assert _ids(report.pairs) == {(first.id, near.id), (unplaced_a.id, unplaced_b.id)}
        pair = next(p for p in report.pairs if p.first.id == first.id)
        assert 38 < pair.distance_m < 42 and pair.score >= duplicates.THRESHOLD
        assert report.compared == report.total == 6

        likely = duplicates.likely_duplicates_of(db.session.get(Comment, near.id))
        assert [item.comment.id for item in likely] == [first.id]  # not `far`, not `different`
        assert [item.comment.id for item in duplicates.likely_duplicates_of(db.session.get(Comment, far.id))] == []
        assert [item.comment.id for item in duplicates.likely_duplicates_of(
            db.session.get(Comment, unplaced_b.id))] == [unplaced_a.id]
        assert far.id not in {c for pair in _ids(report.pairs) for c in pair}
        assert different.id not in {c for pair in _ids(report.pairs) for c in pair}


def test_hidden_deleted_and_replies_are_left_out_but_pending_counts(app, create_project, create_user, create_comment):
    project = create_project()
    author = create_user()
    first = create_comment(project, author, SAME)
    pending = create_comment(project, author, REWORDED, location=east(5))
    hidden = create_comment(project, author, SAME, location=east(6))
    create_comment(project, author, SAME, parent=first)
    with app.app_context():
        db.session.get(Comment, pending.id).visibility = Visibility.PENDING
        db.session.get(Comment, hidden.id).visibility = Visibility.HIDDEN
        db.session.commit()
        assert _ids(duplicates.likely_duplicates(db.session.merge(project)).pairs) == {(first.id, pending.id)}


def test_a_short_text_must_be_similar_as_a_whole():
    """token_set_ratio gives 100 when one text's words are all in the other; for a word or two that is chance."""
    short, long = duplicates.normalised("Ja!"), duplicates.normalised("Ja, der Platz braucht dringend mehr Schatten.")
    assert duplicates.text_score(short, long) < duplicates.THRESHOLD
    assert duplicates.text_score(duplicates.normalised(SAME), duplicates.normalised(REWORDED)) >= duplicates.THRESHOLD
    assert duplicates.text_score(duplicates.normalised(SAME), duplicates.normalised(OTHER)) < duplicates.THRESHOLD


def test_the_grid_finds_what_comparing_every_pair_finds(app, create_project, create_user):
    """Pins scattered over cell borders: the grid's pairs are exactly those of the brute-force comparison."""
    project = create_project()
    author = create_user()
    texts = [SAME, REWORDED, OTHER, "Mehr Parkplätze am Markt bitte", "Weniger Parkplätze am Markt bitte"]
    rng = random.Random(12)
    with app.app_context():
        for n in range(80):
            comment = Comment(project_id=project.id, author_id=author.id, text=rng.choice(texts),
                              category_id=project.categories[0].id)
            comment.set_location(None if n % 10 == 0 else east(rng.uniform(0, 400), rng.uniform(0, 300)))
            db.session.add(comment)
        db.session.commit()
        comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
        expected = set()
        for a, b in combinations(comments, 2):
            score = duplicates.text_score(duplicates.normalised(a.text), duplicates.normalised(b.text))
            metres = duplicates.distance_m(a, b)
            near = (a.location is None and b.location is None) or (metres is not None and metres <= duplicates.RADIUS_M)
            if near and score >= duplicates.THRESHOLD:
                expected.add((a.id, b.id))
        report = duplicates.likely_duplicates(db.session.merge(project))
        assert len(expected) > 20  # the test means something
        found = _ids(report.pairs)
        # No pair is reported that is not one, and every pair is reported or follows from reported ones:
        # comments with the same text are each paired with the first of them, not with each other.
        assert found <= expected and len(found) < len(expected)
        group = {c.id: c.id for c in comments}

        def root(node):
            while group[node] != node:
                node = group[node]
            return node

        for a, b in found:
            group[root(a)] = root(b)
        assert all(root(a) == root(b) for a, b in expected)


@pytest.mark.parametrize("who, expected", [("resident", 403), ("other_planner", 403), ("planner", 200)])
def test_the_duplicates_page_is_for_the_towns_planners(client, create_project, create_user, create_comment,
                                                      create_town, login, town, who, expected):
    project = create_project(town)
    author = create_user()
    first = create_comment(project, author, SAME)
    second = create_comment(project, author, REWORDED, location=east(20))
    user = {"resident": lambda: create_user(), "planner": lambda: create_user(Role.PLANNER, towns=[town]),
            "other_planner": lambda: create_user(Role.PLANNER, towns=[create_town()])}[who]()
    login(user)
    response = client.get(f"/{town.slug}/projekte/{project.id}/aehnliche-eingaben")
    assert response.status_code == expected
    if expected == 200:
        page = response.get_data(as_text=True)
        assert f"Nr. {first.id}<" in page and f"Nr. {second.id}<" in page
        assert "1 Paar möglicher Doppelungen" in page
        assert "20 m" in page
