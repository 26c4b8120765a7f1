"""Many comments: the map draws the server's clusters (with counts, reachable by keyboard, zooming in
on Enter) instead of every pin, and the pins once the view is close enough."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from shapely.geometry import Point
from sqlalchemy import insert

from participation.comments import tallies
from participation.comments.models import Comment
from participation.extensions import db
from tests.browser.conftest import audit, project_path, tab_to, wait_for_map
from tests.conftest import INSIDE

pytestmark = pytest.mark.browser
MAP = "[data-project-map] [data-map-name]"
COUNT = 1500


def _many(app, project, author):
    with app.app_context():
        rows = []
        for n in range(COUNT):
            lon, lat = INSIDE.x - 0.003 + (n % 50) * 1.2e-4, INSIDE.y - 0.0012 + (n // 50) * 8e-5
            rows.append({"project_id": project.id, "author_id": author.id, "text": f"Kommentar {n}",
                         "location": Point(lon, lat), "min_x": lon, "max_x": lon, "min_y": lat, "max_y": lat})
        db.session.execute(insert(Comment), rows)
        tallies.recount(db.session)
        db.session.commit()


def _zoom(page) -> float:
    return page.evaluate(f"() => window[document.querySelector('{MAP}').dataset.mapName].getZoom()")


def test_many_comments_are_drawn_as_counted_clusters_that_zoom_in(app, page, watch, create_project, create_user):
    project = create_project()
    _many(app, project, create_user())
    page.goto(project_path(project))
    wait_for_map(page)
    clusters = page.locator(".leaflet-marker-pane .comment-cluster")  # the server's, not the browser's
    expect(clusters.first).to_be_visible()
    counts = [int(text) for text in clusters.all_inner_texts()]
    assert sum(counts) == COUNT and len(counts) < 100  # counts from the server, not 1 500 pins
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive, .marker-cluster:not(.comment-cluster)").count() == 0
    expect(page.locator("[data-map-status]")).to_have_text(f"{COUNT} Kommentare auf der Karte angezeigt.")
    audit(page, watch)

    # A cluster is a button for the keyboard: Enter zooms in by two steps.
    before = _zoom(page)
    tab_to(page, ".leaflet-marker-pane .comment-cluster")
    assert "Kommentare hier: hineinzoomen" in page.evaluate("document.activeElement.title")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # a visible focus
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window[document.querySelector('{MAP}').dataset.mapName].getZoom() >= {before + 2}")

    # Close enough, the pins themselves (grouped by the browser where they lie close together).
    page.evaluate(f"() => window[document.querySelector('{MAP}').dataset.mapName]"
                  f".setView([{INSIDE.y}, {INSIDE.x}], 19, {{animate: false}})")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive,"
                           " .marker-cluster:not(.comment-cluster)').length > 0")
    expect(page.locator(".comment-cluster")).to_have_count(0)
