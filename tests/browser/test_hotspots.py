"""The planners' hot spots on the map: a circle per hot spot that never takes a click meant for the pin, and
"Show on the map" from the list under the map."""
from __future__ import annotations

import math

import pytest
from playwright.sync_api import expect
from shapely.geometry import Point

from participation.accounts.models import Role
from tests.browser.conftest import audit, log_in, map_point, project_path, wait_for_map
from tests.conftest import INSIDE, PASSWORD

pytestmark = pytest.mark.browser

MAP = "[data-project-map] [data-map-name]"
EAST = 1 / (111_320 * math.cos(math.radians(INSIDE.y)))
NORTH = 1 / 110_574


def _zoom(page) -> float:
    return page.evaluate("s => window[document.querySelector(s).dataset.mapName].getZoom()", MAP)


def test_a_hot_spot_is_shown_on_the_map_and_a_click_in_it_places_the_pin(page, watch, create_project, create_user,
                                                                        create_comment):
    project = create_project()
    resident = create_user()
    for i in range(5):  # five comments in a row, 8 m apart
        create_comment(project, resident, location=Point(INSIDE.x + 8 * i * EAST, INSIDE.y))
    log_in(page, create_user(Role.PLANNER, towns=[project.municipality]), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    circle = page.locator(".leaflet-hotspots-pane path")
    expect(circle).to_have_count(1)
    spots = page.locator(".hotspots__item")
    expect(spots).to_have_count(1)
    expect(spots).to_contain_text("5 Kommentare")
    before = _zoom(page)
    spots.get_by_role("button", name="Auf der Karte zeigen").click()
    page.wait_for_function("([s, z]) => window[document.querySelector(s).dataset.mapName].getZoom() > z",
                           arg=[MAP, before])
    page.wait_for_function("s => !window[document.querySelector(s).dataset.mapName]._animatingZoom", arg=MAP)
    box, frame = circle.bounding_box(), page.locator(".leaflet-container").bounding_box()
    assert box["width"] > 40 and frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]

    # Inside the circle, north of the row of comments: the click sets the pin there.
    centre = Point(INSIDE.x + 16 * EAST, INSIDE.y + 10 * NORTH)
    page.locator("[data-comment-mode]").click()
    page.locator(".leaflet-container").click(position=map_point(page, centre.x, centre.y))
    lon, lat = (float(page.locator(f"[data-pin-{axis}]").input_value()) for axis in ("lon", "lat"))
    assert abs(lon - centre.x) < 2e-5 and abs(lat - centre.y) < 2e-5
    audit(page, watch)
