"""Hot spots on a project's page: for its planners only, from published and waiting comments, hidden ones left
out, and up to date when a comment comes in."""
from __future__ import annotations

import json
import math
import re
from html import unescape

from shapely.geometry import Point

from participation.accounts.models import Role
from participation.comments.models import Comment, Visibility
from participation.extensions import db
from tests.conftest import INSIDE, csrf_token

EAST = 1 / (111_320 * math.cos(math.radians(INSIDE.y)))


def _near(metres: float) -> Point:
    return Point(INSIDE.x + metres * EAST, INSIDE.y)


def _spots(client, url: str) -> list[dict] | None:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'data-hotspots="([^"]*)"', page)
    return json.loads(unescape(found.group(1))) if found else None


def test_planners_see_the_hot_spots_residents_do_not(app, client, town, planner, create_project, create_user,
                                                     create_comment, login):
    project = create_project(town=town)
    resident = create_user()
    comments = [create_comment(project, resident, location=_near(8 * i)) for i in range(5)]
    create_comment(project, resident, location=_near(900))  # far away: no hot spot
    url = f"/{town.slug}/projekte/{project.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Brennpunkte" in page and "5 Kommentare" in page and "js/hotspots.js" in page
    spots = _spots(client, url)
    assert len(spots) == 1 and spots[0]["count"] == 5
    assert sorted(spots[0]["comments"]) == [c.id for c in comments]
    assert spots[0]["categories"] == [["Traffic", 5]]
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(resident)
    page = client.get(url).get_data(as_text=True)
    assert _spots(client, url) is None and "Brennpunkte" not in page and "js/hotspots.js" not in page


def test_hidden_comments_do_not_count_and_a_new_comment_counts_at_once(app, client, town, planner, create_project,
                                                                       create_user, create_comment):
    project = create_project(town=town)
    resident = create_user()
    comments = [create_comment(project, resident, location=_near(8 * i)) for i in range(5)]
    with app.app_context():
        db.session.get(Comment, comments[0].id).visibility = Visibility.HIDDEN
        db.session.commit()
    url = f"/{town.slug}/projekte/{project.id}"
    assert _spots(client, url) == []
    assert "Keine Brennpunkte" in client.get(url).get_data(as_text=True)
    # A planner's own comment in the same place: through the form, which invalidates the cached map data.
    response = client.post(f"/{town.slug}/projekte/{project.id}/kommentare", data={
        "text": "Noch einer", "category": project.categories[0].id, "lon": _near(40).x, "lat": _near(40).y,
        "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert [s["count"] for s in _spots(client, url)] == [5]


def test_a_statutes_planners_see_its_hot_spots_by_paragraph(app, client, town, planner, create_statute, create_user):
    statute = create_statute(town=town, sections=[("§ 1", "Art der Nutzung", [("(1)", "Wohngebiet.", [])])])
    anchor = statute.sections[0].paragraphs[0].anchor
    with app.app_context():
        for i in range(5):
            comment = Comment(statute_id=statute.id, author_id=create_user(Role.RESIDENT).id, text="Zu hoch",
                              paragraph_anchor=anchor)
            comment.set_location(_near(5 * i))
            db.session.add(comment)
        db.session.commit()
    spots = _spots(client, f"/{town.slug}/satzungen/{statute.id}")
    assert [(s["count"], s["categories"]) for s in spots] == [(5, [["§ 1 Abs. 1", 5]])]
