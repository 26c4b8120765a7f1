"""The statute register (map coloured by legal status beside the list) and the statute page (text beside a
map that stays in view on a wide screen; map first on a phone), in a real browser."""
from __future__ import annotations

import os
from datetime import date

import pytest
from playwright.sync_api import expect
from shapely.geometry import MultiPolygon, Polygon

from participation.accounts.models import Role
from participation.statutes.labels import STATUS_COLOURS
from participation.statutes.models import LegalStatus
from tests.browser.conftest import audit, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SHOTS = os.environ.get("STATUTE_SHOTS")  # a folder: save screenshots there to look at them
EAST = MultiPolygon([Polygon([(13.262, 53.55), (13.27, 53.55), (13.27, 53.554), (13.262, 53.554)])])
LONG_TEXT = [("§ 1", "Art der baulichen Nutzung", [("(1)", "Das Gebiet ist ein Allgemeines Wohngebiet. " * 12, []),
                                                   ("(2)", "Zulässig sind Wohngebäude und Läden. " * 12, [])]),
             ("§ 2", "Maß der baulichen Nutzung", [("(1)", "Die Grundflächenzahl beträgt 0,4. " * 15, []),
                                                  ("(2)", "Es sind höchstens zwei Vollgeschosse zulässig. " * 15, [])])]


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"c1-{name}.png"), full_page=True)


def _areas_drawn(page) -> int:
    page.wait_for_function("() => /\\d/.test(document.querySelector('[data-register-map] [data-map-status]').textContent)")
    return page.locator("[data-register-map] path.leaflet-interactive").count()


def test_register_map_list_filter_and_a_click_to_the_statute(page, watch, create_statute, town, de):
    in_force = create_statute(town=town, title="Am Markt", status=LegalStatus.IN_FORCE, number="3")
    create_statute(town=town, title="Mühlenteich", status=LegalStatus.PUBLIC_DISPLAY, area=EAST, number="12",
                   sections=[("§ 1", "Grün", ["Die Gärten bleiben erhalten."])])
    page.goto(f"/{town.slug}/satzungen")
    assert _areas_drawn(page) == 2
    colours = page.eval_on_selector_all("[data-register-map] path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('stroke'))")
    assert sorted(colours) == sorted([STATUS_COLOURS[LegalStatus.IN_FORCE], STATUS_COLOURS[LegalStatus.PUBLIC_DISPLAY]])
    expect(page.locator(".statute-legend li")).to_have_count(len(LegalStatus))
    audit(page, watch)
    _shot(page, "register-1280")

    # The search narrows list and map alike (without script: a plain GET form).
    page.fill("#register-query", "Garten")
    with page.expect_navigation():
        page.get_by_role("button", name=de("Show statutes")).click()
    expect(page.locator(".statute-card")).to_have_count(1)
    assert _areas_drawn(page) == 1

    page.goto(f"/{town.slug}/satzungen?stand=in_force")
    assert _areas_drawn(page) == 1
    with page.expect_navigation():
        page.locator("[data-register-map] path.leaflet-interactive").click()
    assert page.url.endswith(f"/satzungen/{in_force.id}")


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_register_fits_a_phone(page, watch, create_statute, town, create_user):
    create_statute(town=town, title="Ein sehr langer Titel ohneLeerzeichenDurchgehendBisZumEnde", number="12, 1. Änderung")
    create_statute(town=town, title="Entwurf", published=False)
    log_in(page, create_user(Role.PLANNER, towns=[town]), PASSWORD)
    page.goto(f"/{town.slug}/satzungen")
    assert _areas_drawn(page) == 2
    audit(page, watch)
    _shot(page, "register-360")


def test_statute_page_keeps_the_map_beside_the_text_while_it_scrolls(page, watch, create_statute, town):
    statute = create_statute(town=town, title="Am Mühlenteich", number="12", sections=LONG_TEXT,
                             summary="Neue Wohnungen am Mühlenteich.", planning_decision_on=date(2025, 3, 4))
    create_statute(town=town, title="Alter Plan", status=LegalStatus.REPEALED, replaced_by=statute)
    page.goto(f"/{town.slug}/satzungen/{statute.id}")
    page.locator(".leaflet-tile-loaded").first.wait_for()
    map_box = page.locator(".statute-layout__map").bounding_box()
    text_box = page.locator(".statute-layout__text").bounding_box()
    assert map_box["x"] > text_box["x"] + text_box["width"] - 1  # beside the text, on its right
    audit(page, watch)
    _shot(page, "page-1280")
    # Scrolled into the text, the map is still in view beside it.
    page.evaluate("() => window.scrollTo(0, document.querySelector('.statute-layout').offsetTop + 400)")
    page.wait_for_function("() => window.scrollY > 400")
    top = page.locator(".statute-layout__map .leaflet-container").bounding_box()["y"]
    assert 0 <= top < 200, top


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_statute_page_on_a_phone_shows_the_map_first_and_not_too_tall(page, watch, create_statute, town):
    statute = create_statute(town=town, title="Am Mühlenteich mit einem langen Titel", number="12", sections=LONG_TEXT)
    page.goto(f"/{town.slug}/satzungen/{statute.id}")
    page.locator(".leaflet-tile-loaded").first.wait_for()
    map_box = page.locator(".statute-layout__map .leaflet-container").bounding_box()
    text_box = page.locator(".statute-layout__text").bounding_box()
    assert map_box["y"] + map_box["height"] <= text_box["y"]
    assert map_box["height"] <= 0.6 * 740 + 1 and map_box["width"] >= 300
    audit(page, watch)
    _shot(page, "page-360")


@pytest.mark.parametrize("context", [{}, PHONE], indirect=True, ids=["1280", "360"])
def test_planner_creates_and_publishes_a_statute(page, watch, town, create_user, de):
    log_in(page, create_user(Role.PLANNER, towns=[town]), PASSWORD)
    page.goto(f"/{town.slug}/satzungen")
    with page.expect_navigation():
        page.get_by_role("link", name=de("New statute")).click()
    page.fill("#title", "Am Bahnhof")
    page.select_option("#status", "public_display")
    audit(page, watch)
    _shot(page, f"form-{page.viewport_size['width']}")
    with page.expect_navigation():
        page.get_by_role("button", name=de("Save statute")).click()
    # A draft without its area: publishing is refused with the reason, at the area.
    with page.expect_navigation():
        page.get_by_role("button", name=de("Publish")).click()
    expect(page.locator(".flash-messages")).to_contain_text("Geltungsbereich")
    page.fill("#area_geojson", '{"type": "Polygon", "coordinates": [[[13.25, 53.55], [13.26, 53.55], '
                               '[13.26, 53.554], [13.25, 53.55]]]}')
    with page.expect_navigation():
        page.get_by_role("button", name=de("Save statute")).click()
    audit(page, watch)
    _shot(page, f"draft-{page.viewport_size['width']}")
    with page.expect_navigation():
        page.get_by_role("button", name=de("Publish")).click()
    expect(page.locator(".flash-messages")).to_contain_text(de("The statute has been published."))
    expect(page.locator(".kern-badge--warning")).to_have_count(0)
