"""Marking a place for a comment on a map full of things to click: while the resident is
commenting, a click on a GIS layer's feature or on a group of comments sets the pin
instead of opening a popup or zooming; out of it, the popups still open."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from shapely.geometry import Point
from sqlalchemy import select

from participation.extensions import db
from participation.layers.models import Layer
from participation.maps.services import arrange_map
from participation.municipalities.models import Municipality
from participation.projects.models import Project
from tests.browser.conftest import audit, log_in, map_point, project_path, wait_for_map
from tests.conftest import INSIDE, PASSWORD

pytestmark = pytest.mark.browser

MAP = "[data-project-map] [data-map-name]"
#: On the layer's only feature, away from the comments' cluster at INSIDE.
ON_FEATURE = Point(13.252, 53.5510)


@pytest.fixture
def project_with_layer(app, runner, tmp_path, create_town, create_project):
    """A project whose map shows a layer with popups; its one feature covers the whole area."""
    town = create_town()
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nutzung": "WA"},
         "geometry": {"type": "Polygon", "coordinates": [[[13.249, 53.549], [13.261, 53.549], [13.261, 53.555],
                                                          [13.249, 53.555], [13.249, 53.549]]]}}]}
    path = tmp_path / "nutzung.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["layers", "import", str(path), "--municipality", town.slug, "--name", "Nutzung"])
    assert result.exit_code == 0, result.output
    project = create_project(town=town)
    with app.app_context():
        layer = db.session.scalar(select(Layer))
        layer.popup = [{"attribute": "nutzung", "label": "Nutzung"}]
        arrange_map(db.session.get(Project, project.id).map, db.session.get(Municipality, town.id), None,
                    [(layer.id, True)])
        db.session.commit()
    return project


def _zoom(page) -> float:
    return page.evaluate("s => window[document.querySelector(s).dataset.mapName].getZoom()", MAP)


def _pin(page) -> tuple[float, float] | None:
    lon, lat = page.locator("[data-pin-lon]").input_value(), page.locator("[data-pin-lat]").input_value()
    return (float(lon), float(lat)) if lon else None


def test_a_click_on_a_feature_or_a_cluster_sets_the_pin_while_commenting(page, watch, project_with_layer,
                                                                         create_user, create_comment):
    project = project_with_layer
    author = create_user()
    # ~25 m apart: one cluster at the opening zoom.
    create_comment(project, author, text="Bank am Teich", location=Point(INSIDE.x + 0.0004, INSIDE.y))
    create_comment(project, author, text="Laterne fehlt", location=INSIDE)
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    expect(page.locator(".leaflet-gis-layer-0-pane path")).to_have_count(1)
    expect(page.locator(".marker-cluster")).to_have_count(1)
    container = page.locator(".leaflet-container")

    # Reading: the feature's information opens, and no pin is set.
    container.click(position=map_point(page, ON_FEATURE.x, ON_FEATURE.y))
    popup = page.locator(".leaflet-popup")
    expect(popup.locator("dl.layer-popup dd")).to_have_text(["WA"])
    assert _pin(page) is None
    page.locator(".leaflet-popup-close-button").click()

    # Commenting: the button under the map says so on the map and under it.
    page.locator("[data-comment-mode]").click()
    expect(page.locator(".map-mode-badge")).to_be_visible()
    expect(page.locator("[data-comment-mode]")).to_have_attribute("aria-pressed", "true")
    zoom = _zoom(page)
    container.click(position=map_point(page, ON_FEATURE.x, ON_FEATURE.y))
    pin = _pin(page)
    assert pin and abs(pin[0] - ON_FEATURE.x) < 1e-4 and abs(pin[1] - ON_FEATURE.y) < 1e-4
    expect(popup).to_have_count(0)
    assert "pin-status--placed" in page.locator("[data-pin-status]").get_attribute("class")

    cluster = page.locator(".marker-cluster").bounding_box()
    box = container.bounding_box()
    spot = {"x": cluster["x"] + cluster["width"] / 2 - box["x"], "y": cluster["y"] + cluster["height"] / 2 - box["y"]}
    clicked = page.evaluate("([s, x, y]) => { const ll = window[document.querySelector(s).dataset.mapName]"
                            ".containerPointToLatLng([x, y]); return [ll.lng, ll.lat]; }", [MAP, spot["x"], spot["y"]])
    container.click(position=spot)
    pin = _pin(page)
    assert abs(pin[0] - clicked[0]) < 5e-5 and abs(pin[1] - clicked[1]) < 5e-5  # within a pixel or two
    assert _zoom(page) == zoom  # the cluster did not zoom
    expect(page.locator(".marker-cluster")).to_have_count(1)
    expect(popup).to_have_count(0)
    audit(page, watch)

    # Stopping shows the map's information again.
    page.locator("[data-comment-mode]").click()
    expect(page.locator("[data-comment-mode]")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".map-mode-badge")).to_be_hidden()
    container.click(position=map_point(page, ON_FEATURE.x, ON_FEATURE.y))
    expect(popup.locator("dl.layer-popup dd")).to_have_text(["WA"])


def test_writing_in_the_form_starts_marking(page, watch, create_project, create_user):
    project = create_project()
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    expect(page.locator(".map-mode-badge")).to_be_hidden()
    page.locator("#text").focus()
    expect(page.locator("[data-project-map]")).to_have_class("map--marking")
    expect(page.locator(".map-mode-badge")).to_be_visible()
    audit(page, watch)
