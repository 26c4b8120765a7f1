"""The GIS team's and planners' pages fit a 360 px phone; small layout details at 360 and 1280 px."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from participation.accounts.models import Role
from participation.extensions import db
from participation.layers.models import Layer
from participation.maps.services import arrange_map
from participation.projects.models import Project
from tests.browser.conftest import audit, log_in, project_path, wait_for_map
from tests.browser.test_phone_layout import PHONE, _assert_no_sideways_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def mapped(app, create_town, create_project, create_user, runner, tmp_path):
    """A town, a GIS team member, and a project whose map shows two layers (one with a long name)."""
    town = create_town()
    project = create_project(town=town)
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nutzung": "WA"},
         "geometry": {"type": "Polygon", "coordinates": [[[13.25, 53.55], [13.252, 53.55], [13.252, 53.552],
                                                          [13.25, 53.55]]]}}]}
    path = tmp_path / "nutzung.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    for name in ("Nutzung", "Flächennutzungsplan Änderungsbereich Nord-Ost"):
        result = runner.invoke(args=["layers", "import", str(path), "--municipality", town.slug, "--name", name])
        assert result.exit_code == 0, result.output
    with app.app_context():
        stored = db.session.get(Project, project.id)
        layer_ids = db.session.scalars(select(Layer.id).order_by(Layer.id)).all()
        arrange_map(stored.map, stored.municipality, None, [(layer_id, True) for layer_id in layer_ids])
        db.session.commit()
    return {"town": town, "project": project, "gis": create_user(Role.GIS, towns=[town])}


def _inside_the_viewport(page, selector: str) -> list[str]:
    """The elements matching `selector` that are not wholly within the viewport's width."""
    return page.locator(selector).evaluate_all(
        "els => els.filter(e => { const r = e.getBoundingClientRect();"
        " return r.left < 0 || r.right > window.innerWidth; }).map(e => e.outerHTML.slice(0, 120))")


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_the_service_form_and_the_map_editor_fit_a_phone(page, watch, mapped):
    log_in(page, mapped["gis"], PASSWORD)
    page.goto(f"/{mapped['town'].slug}/gis/dienste/neu")
    _assert_no_sideways_scroll(page)
    audit(page, watch)

    page.goto(f"{project_path(mapped['project'])}/karte")
    expect(page.locator("[data-layer-status]")).not_to_be_empty()
    _assert_no_sideways_scroll(page)
    # Every control of every layer row can be seen and reached, none is cut off.
    controls = "main form input:not([type=hidden]), main form button:not([hidden]), main form label"
    assert page.locator("main form input[type=checkbox]").count() == 4
    assert _inside_the_viewport(page, controls) == []
    audit(page, watch)


@pytest.mark.parametrize("context", [PHONE, DESKTOP], indirect=True, ids=["360", "1280"])
def test_the_layer_switcher_legend_does_not_touch_its_first_checkbox(page, watch, mapped):
    page.goto(project_path(mapped["project"]))
    wait_for_map(page)
    legend = page.locator(".layer-switcher > legend").bounding_box()
    checkbox = page.locator(".layer-switcher .kern-form-check").first.bounding_box()
    assert checkbox["y"] - (legend["y"] + legend["height"]) >= 8


@pytest.mark.parametrize("context", [PHONE, DESKTOP], indirect=True, ids=["360", "1280"])
def test_the_consent_label_keeps_its_parentheses_together(page, watch):
    page.goto("/konto/registrieren")
    label = page.locator("label[for=accept_privacy]")
    link = label.locator("a")
    # "(Datenschutzhinweise)" — the opening parenthesis sits on the line of the link it belongs to.
    wrapper = label.locator(".nowrap")
    assert wrapper.count() == 1 and wrapper.inner_text().startswith("(") and wrapper.inner_text().endswith(")")
    assert link.count() == 1 and wrapper.locator("a").count() == 1
    box = wrapper.bounding_box()
    assert box["height"] < 2 * link.bounding_box()["height"]  # one line
    audit(page, watch)


@pytest.mark.parametrize("context", [PHONE, DESKTOP], indirect=True, ids=["360", "1280"])
def test_the_drawing_maps_attribution_links_are_underlined(page, watch, mapped, create_user):
    # axe's link-in-text-block: a link in text must not be told apart by its colour alone.
    log_in(page, create_user(Role.PLANNER, towns=[mapped["town"]]), PASSWORD)
    page.goto(f"/{mapped['town'].slug}/projekte/neu")
    links = page.locator(".leaflet-control-attribution a")
    links.first.wait_for()
    assert links.evaluate_all("els => els.map(e => getComputedStyle(e).textDecorationLine)") == ["underline"] * links.count()
    audit(page, watch)
