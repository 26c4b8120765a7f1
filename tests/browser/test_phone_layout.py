"""On a 360 px phone the pages do not scroll sideways and the map is usable by touch."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, log_in, map_point, project_path, wait_for_map
from tests.conftest import INSIDE, PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _assert_no_sideways_scroll(page):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > 360:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => !e.closest('.leaflet-container') && e.getBoundingClientRect().right > 361)
                 .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
        )
        raise AssertionError(f"{page.url} is {width}px wide; too wide: {wide}")


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_project_page_fits_a_phone_and_takes_a_pin_by_touch(page, watch, create_project, create_user,
                                                           create_comment):
    project = create_project()
    user = create_user()
    # A long unbroken word must wrap in the list, not widen the page.
    create_comment(project, user, text="Ein sehr langer Kommentar " + "ohneLeerzeichenDurchgehend" * 8, location=None)
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    _assert_no_sideways_scroll(page)

    box = page.locator(".leaflet-container").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert box["width"] >= 300 and box["height"] >= 300
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    assert page.locator(".leaflet-container").is_visible()
    assert page.locator(".leaflet-tile-loaded").count() > 0

    page.locator(".leaflet-container").tap(position=map_point(page, INSIDE.x, INSIDE.y))
    # The browser turns the tap into a click after tap() returns; wait for its effect.
    expect(page.locator("[data-pin-lon]")).to_have_value(re.compile(r"^13\.25"))
    assert abs(float(page.locator("[data-pin-lon]").input_value()) - INSIDE.x) < 1e-4
    assert page.get_by_role("button", name="Kommentar absenden").is_visible()
    audit(page, watch)


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_start_and_town_pages_fit_a_phone(page, watch, create_project):
    project = create_project()
    for path in ("/", f"/{project.municipality.slug}/"):
        page.goto(path)
        _assert_no_sideways_scroll(page)
        audit(page, watch)
