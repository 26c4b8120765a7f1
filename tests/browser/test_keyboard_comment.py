"""Commenting with a pin by keyboard alone: Tab, arrow keys, Enter and Space, no mouse."""
from __future__ import annotations

import pytest
from shapely.geometry import Point
from sqlalchemy import select

from participation.comments.models import Comment
from participation.extensions import db
from tests.browser.conftest import audit, log_in, project_path, tab_to, wait_for_map
from tests.conftest import AREA, PASSWORD

pytestmark = pytest.mark.browser

MAP = "[data-project-map] [data-map-name]"


def _centre(page) -> list[float]:
    return page.evaluate(
        "s => { const c = window[document.querySelector(s).dataset.mapName].getCenter(); return [c.lng, c.lat]; }", MAP
    )


def test_comment_with_a_pin_by_keyboard_only(app, page, watch, create_project, create_user):
    project = create_project()
    user = create_user()

    page.goto("/konto/anmelden")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert skip.is_visible() and skip.bounding_box()["x"] >= 0
    tab_to(page, "#email")
    page.keyboard.type(user.email)
    tab_to(page, "#password", limit=1)
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text(f"Angemeldet als {user.pseudonym}").is_visible()

    page.goto(project_path(project))
    wait_for_map(page)
    tab_to(page, ".leaflet-container")
    # Keyboard users see where they are and where the pin will go.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.locator(".map-crosshair").is_visible()

    before = _centre(page)
    # Test-side flag only: lets the test wait for the pan to end instead of sleeping.
    page.evaluate("s => { window.__moved = false;"
                  " window[document.querySelector(s).dataset.mapName].once('moveend', () => { window.__moved = true; }); }",
                  MAP)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.__moved === true")
    after = _centre(page)
    assert after[0] > before[0] and abs(after[1] - before[1]) < 1e-5

    page.keyboard.press("Enter")
    assert page.locator("[data-pin-status]").inner_text().startswith("Markierung gesetzt.")
    lon = float(page.locator("[data-pin-lon]").input_value())
    lat = float(page.locator("[data-pin-lat]").input_value())
    assert abs(lon - after[0]) < 1e-6 and abs(lat - after[1]) < 1e-6

    tab_to(page, "#category")
    page.keyboard.press("ArrowDown")  # from "please choose" to the first category ...
    page.keyboard.press("ArrowDown")  # ... and on to the second
    assert page.locator("#category").input_value() == str(project.categories[1].id)
    tab_to(page, "#text", limit=2)
    page.keyboard.type("Zebrastreifen an der Schule")
    tab_to(page, "[data-comment-form] button[type=submit]", limit=3)
    with page.expect_navigation():
        page.keyboard.press("Space")

    assert page.locator(".comment-list").get_by_text("Zebrastreifen an der Schule").is_visible()
    wait_for_map(page)
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.text == "Zebrastreifen an der Schule"
        assert comment.category_id == project.categories[1].id
        assert AREA.contains(comment.location)
        assert abs(comment.location.x - lon) < 1e-6 and abs(comment.location.y - lat) < 1e-6
    audit(page, watch)


def test_centre_button_sets_the_pin_by_keyboard(page, watch, create_project, create_user):
    project = create_project()
    user = create_user()
    page.goto("/konto/anmelden")
    tab_to(page, "#email")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto(project_path(project))
    wait_for_map(page)
    tab_to(page, "[data-pin-center]")
    page.keyboard.press("Enter")
    centre = _centre(page)
    assert abs(float(page.locator("[data-pin-lon]").input_value()) - centre[0]) < 1e-6
    assert abs(float(page.locator("[data-pin-lat]").input_value()) - centre[1]) < 1e-6

    tab_to(page, "[data-pin-clear]", limit=1)
    page.keyboard.press("Space")
    assert page.locator("[data-pin-lon]").input_value() == ""
    assert page.locator("[data-pin-status]").inner_text().startswith("Kein Ort gewählt")
    audit(page, watch)


def _pixel_centre(page) -> list[float]:
    return page.evaluate(
        "s => { const m = window[document.querySelector(s).dataset.mapName];"
        " const p = m.project(m.getCenter(), m.getZoom()); return [p.x, p.y]; }", MAP
    )


def _press_and_wait(page, key: str) -> None:
    # Test-side flag only: lets the test wait for the pan to end instead of sleeping.
    page.evaluate("s => { window.__moved = false;"
                  " window[document.querySelector(s).dataset.mapName].once('moveend', () => { window.__moved = true; }); }",
                  MAP)
    page.keyboard.press(key)
    page.wait_for_function("() => window.__moved === true")


def test_arrow_keys_move_the_map_in_fine_steps(page, watch, create_project):
    project = create_project()
    page.goto(project_path(project))
    wait_for_map(page)
    tab_to(page, ".leaflet-container")
    start = _pixel_centre(page)
    _press_and_wait(page, "ArrowRight")
    assert 0 < _pixel_centre(page)[0] - start[0] <= 50
    _press_and_wait(page, "ArrowRight")
    centre = _centre(page)
    assert AREA.contains(Point(centre))  # two presses stay in the area
    audit(page, watch)


def test_a_skip_link_leads_from_the_map_to_the_comment_form(page, watch, create_project, create_user,
                                                             create_comment):
    project = create_project()
    author = create_user()
    for i in range(12):
        create_comment(project, author, text=f"Kommentar {i}")
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    tab_to(page, ".leaflet-container")
    page.keyboard.press("Enter")
    tab_to(page, "[data-skip-to-form]", limit=8)
    assert page.locator("[data-skip-to-form]").inner_text() == "Zum Kommentarformular springen"
    page.keyboard.press("Enter")
    tab_to(page, "#text", limit=5)
    # The pin set from the map is still there, and the form says so.
    assert page.locator("[data-pin-lon]").input_value() != ""
    assert page.locator("[data-pin-status]").inner_text().startswith("Markierung gesetzt.")
    audit(page, watch)


def test_a_pin_outside_the_area_is_announced_at_the_map(page, watch, create_project, create_user):
    project = create_project()
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    tab_to(page, ".leaflet-container")
    west, south, _east, north = AREA.bounds
    # Moved by script to a place outside; the comments reload after the move, and then Enter.
    with page.expect_response(lambda r: "/comments/tiles/" in r.url):
        page.evaluate("([s, lat, lng]) => window[document.querySelector(s).dataset.mapName]"
                      ".setView([lat, lng], undefined, {animate: false})", [MAP, (south + north) / 2, west - 0.002])
    wait_for_map(page)
    assert page.evaluate("() => document.activeElement.classList.contains('leaflet-container')")
    page.keyboard.press("Enter")
    assert page.locator("[data-map-status]").inner_text().startswith("Die Markierung liegt außerhalb des Projektgebiets.")
    assert page.locator("[data-pin-lon]").input_value() == ""
    audit(page, watch)
