"""Commenting with a pin by keyboard alone: Tab, arrow keys, Enter and Space, no mouse."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.comments.models import Comment
from participation.extensions import db
from tests.browser.conftest import audit, project_path, tab_to, wait_for_map
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
