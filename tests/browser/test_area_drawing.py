"""Drawing a project area: the map opens at the town, Leaflet.draw speaks German, the drawn size is
shown, and an area outside the town's boundary is refused with the message at the map."""
from __future__ import annotations

import pytest
from shapely.geometry import MultiPolygon, Polygon

from participation.accounts.models import Role
from participation.extensions import db
from participation.municipalities.models import Municipality
from tests.browser.conftest import audit, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

BOUNDARY = MultiPolygon([Polygon([(13.20, 53.51), (13.34, 53.51), (13.34, 53.60), (13.20, 53.60)])])
MAP = "[data-area-editor] [data-map-name]"


@pytest.fixture
def town_with_boundary(app, create_town):
    town = create_town()
    with app.app_context():
        db.session.get(Municipality, town.id).boundary = BOUNDARY
        db.session.commit()
    return town


def _map(page, expression: str):
    return page.evaluate(f"s => {{ const map = window[document.querySelector(s).dataset.mapName]; return {expression}; }}",
                         MAP)


def _screen(page, lon: float, lat: float) -> tuple[float, float]:
    """Page coordinates of (lon, lat) on the drawing map."""
    box = page.locator(MAP).bounding_box()
    point = page.evaluate(
        "([s, lat, lon]) => { const map = window[document.querySelector(s).dataset.mapName];"
        " const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }", [MAP, lat, lon])
    return box["x"] + point[0], box["y"] + point[1]


def _drag_rectangle(page, corner: tuple[float, float], other: tuple[float, float]):
    page.locator(".leaflet-draw-draw-rectangle").click()
    page.mouse.move(*_screen(page, *corner))
    page.mouse.down()
    page.mouse.move(*_screen(page, *other), steps=5)
    page.mouse.up()


def test_the_drawing_map_opens_at_the_town_in_german(page, watch, town_with_boundary, create_user):
    log_in(page, create_user(Role.PLANNER, towns=[town_with_boundary]), PASSWORD)
    page.goto(f"/{town_with_boundary.slug}/projekte/neu")
    page.wait_for_selector(".leaflet-draw-draw-rectangle")
    assert _map(page, "map.getZoom()") >= 10  # not all of Germany (zoom 6)
    assert _map(page, "map.getBounds().contains([[53.51, 13.20], [53.60, 13.34]])")
    assert page.locator(".leaflet-draw-draw-polygon").get_attribute("title") == "Polygon zeichnen"
    assert page.locator(".leaflet-draw-draw-rectangle").get_attribute("title") == "Rechteck zeichnen"
    page.locator(".leaflet-draw-draw-polygon").click()
    assert "Klicken Sie, um mit dem Zeichnen des Gebiets zu beginnen." in page.locator(".leaflet-draw-tooltip").inner_text()
    assert page.locator(".leaflet-draw-actions a", has_text="Abbrechen").is_visible()
    page.locator(".leaflet-draw-actions a", has_text="Abbrechen").click()
    audit(page, watch)


def test_drawn_size_is_shown_and_an_area_inside_is_saved(page, watch, town_with_boundary, create_user):
    log_in(page, create_user(Role.PLANNER, towns=[town_with_boundary]), PASSWORD)
    page.goto(f"/{town_with_boundary.slug}/projekte/neu")
    page.wait_for_selector(".leaflet-draw-draw-rectangle")
    _drag_rectangle(page, (13.25, 53.54), (13.27, 53.56))
    status = page.locator("[data-area-status]")
    assert "Größe des gezeichneten Gebiets:" in status.inner_text()
    assert " km²" in status.inner_text() or " ha" in status.inner_text()
    page.get_by_label("Titel").fill("Neuer Park")
    with page.expect_navigation():
        page.get_by_role("button", name="Projekt speichern").click()
    assert "/projekte/neu" not in page.url


def test_an_area_outside_the_boundary_is_refused_with_the_message_at_the_map(page, watch, town_with_boundary,
                                                                             create_user):
    slug = town_with_boundary.slug
    watch.allow_status(400, f"/{slug}/projekte/neu")
    log_in(page, create_user(Role.PLANNER, towns=[town_with_boundary]), PASSWORD)
    page.goto(f"/{slug}/projekte/neu")
    page.wait_for_selector(".leaflet-draw-draw-rectangle")
    page.evaluate("s => window[document.querySelector(s).dataset.mapName].setZoom(7, {animate: false})", MAP)
    _drag_rectangle(page, (11.5, 52.8), (13.0, 53.3))  # south-west of the town, a hundred km across
    page.get_by_label("Titel").fill("Zu groß")
    with page.expect_navigation():
        page.get_by_role("button", name="Projekt speichern").click()
    assert page.url.endswith(f"/{slug}/projekte/neu")
    message = page.locator("#area_geojson-map-error")
    assert message.is_visible()
    assert "Das Gebiet liegt außerhalb der Gemeindegrenze" in message.inner_text()
    # The message sits right below the map, and the refused drawing is shown again to correct it.
    map_box, message_box = page.locator(MAP).bounding_box(), message.bounding_box()
    assert 0 <= message_box["y"] - (map_box["y"] + map_box["height"]) < 120
    assert _map(page, "Object.keys(map._layers).length") > 0
    assert "Größe des gezeichneten Gebiets:" in page.locator("[data-area-status]").inner_text()
    audit(page, watch)
