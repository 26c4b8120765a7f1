"""On a touch screen the page scrolls past the map: one finger scrolls, two move the map."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, log_in, project_path, wait_for_map
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
MAP = "[data-project-map] [data-map-name]"


def _centre(page) -> list[float]:
    return page.evaluate(
        "s => { const c = window[document.querySelector(s).dataset.mapName].getCenter(); return [c.lng, c.lat]; }", MAP
    )


def _swipe_up(page, cdp, x: float, y: float, distance: float = 250, steps: int = 10) -> None:
    """One finger from (x, y) upwards by `distance` CSS px, as real touch input."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": [{"x": x, "y": y - distance * i / steps}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_one_finger_on_the_map_scrolls_the_page_and_leaves_the_map_alone(page, watch, create_project,
                                                                           create_user):
    project = create_project()
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    container = page.locator(".leaflet-container")
    # The map's top 100 px below the top of the screen: a swipe from its lower part, on screen.
    page.evaluate("() => window.scrollBy(0, document.querySelector('.leaflet-container')"
                  ".getBoundingClientRect().top - 100)")
    box = container.bounding_box()
    start_y = min(box["y"] + box["height"] * 0.75, 740 - 40)  # above the attribution
    assert start_y - 250 > box["y"] - 100 and start_y > box["y"] + 100
    before_scroll = page.evaluate("window.scrollY")
    before = _centre(page)

    cdp = page.context.new_cdp_session(page)
    _swipe_up(page, cdp, box["x"] + box["width"] / 2, start_y)
    page.wait_for_function("y => window.scrollY > y + 50", arg=before_scroll)
    after = _centre(page)
    assert abs(after[0] - before[0]) < 1e-9 and abs(after[1] - before[1]) < 1e-9
    # The swipe told the resident how to move the map instead.
    expect(page.locator(".map-touch-hint")).to_have_text("Verschieben Sie die Karte mit zwei Fingern")
    audit(page, watch)


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_the_button_under_the_map_starts_a_comment_there(page, watch, create_project, create_user):
    project = create_project()
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    button = page.locator("[data-comment-mode]")
    map_box = page.locator(".leaflet-container").bounding_box()
    button_box = button.bounding_box()
    assert 0 <= button_box["y"] - (map_box["y"] + map_box["height"]) < 200  # right under the map
    button.tap()
    expect(page.locator(".map-mode-badge")).to_be_visible()
    box = page.locator(".leaflet-container").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("[data-pin-lon]")).not_to_have_value("")
    page.locator("[data-skip-to-form]").tap()
    expect(page.locator("#comment-form")).to_be_focused()
    expect(page.locator("#comment-form")).to_be_in_viewport()
    audit(page, watch)
