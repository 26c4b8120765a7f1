"""A resident sends a statement on a statute in its public display — by keyboard alone (a paragraph's
"Comment" button, the address search for the pin, the plan object at it) and with the mouse (a click on a
zoning area of the plan) — and gets its reference number."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from participation.addresses import services as address_services
from participation.comments.models import Comment
from participation.extensions import db
from participation.municipalities.models import Municipality
from tests.addresses.conftest import ROWS, write_csv
from tests.browser.conftest import audit, log_in, tab_to
from tests.conftest import INSIDE, PASSWORD
from tests.statutes.test_statute_comments import TEXT, add_period, add_plan_layer, page_url

pytestmark = pytest.mark.browser

MAP = "[data-project-map] [data-map-name]"


@pytest.fixture
def displayed(app, town, create_statute, tmp_path):
    """A statute in its public display with its text, a zoning area on its map, and the town's addresses."""
    with app.app_context():
        address_services.import_addresses(db.session.get(Municipality, town.id), write_csv(tmp_path / "a.csv", ROWS))
        db.session.commit()
    statute = create_statute(town, number="12", sections=TEXT)
    add_period(app, statute)
    layer_id = add_plan_layer(app, statute)
    return statute, layer_id


def the_comment(app) -> Comment:
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        db.session.expunge(comment)
        return comment


def test_a_statement_on_a_paragraph_and_a_plan_object_by_keyboard_alone(app, page, watch, displayed, create_user):
    statute, layer_id = displayed
    resident = create_user()
    log_in(page, resident, PASSWORD)
    page.goto(page_url(statute))
    anchor = statute.sections[0].paragraphs[0].anchor

    tab_to(page, f"[data-paragraph='{anchor}']")
    page.keyboard.press("Enter")
    expect(page.locator("#paragraph")).to_be_focused()
    expect(page.locator("#paragraph")).to_have_value(anchor)

    tab_to(page, "#pin-address")
    page.keyboard.type("Hauptstr 5")
    expect(page.locator("#pin-address-list").get_by_role("option")).to_have_count(3)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("[data-pin-status]")).to_contain_text("Markierung gesetzt")
    objects = page.locator("#plan_object")
    expect(objects).to_be_visible()
    expect(objects.locator("option")).to_have_count(2)
    expect(objects.locator("option").nth(1)).to_contain_text("Allgemeines Wohngebiet, GRZ 0,4, II Vollgeschosse")
    audit(page, watch)

    tab_to(page, "#plan_object")
    page.keyboard.press("ArrowDown")
    expect(objects).to_have_value(f"{layer_id}:gml_WA1")
    tab_to(page, "#text")
    page.keyboard.type("Die Grundflächenzahl ist zu hoch.")
    tab_to(page, "[data-comment-form] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    comment = the_comment(app)
    assert comment.paragraph_anchor == anchor
    assert (comment.plan_object_layer_id, comment.plan_object_id) == (layer_id, "gml_WA1")
    assert abs(comment.location.x - 13.2551) < 1e-6 and abs(comment.location.y - 53.5521) < 1e-6
    assert comment.reference and comment.reference.startswith("BP12-")
    expect(page.locator(f"#comment-{comment.id}")).to_contain_text(comment.reference)
    expect(page.locator(f"#comment-{comment.id}")).to_be_in_viewport()
    audit(page, watch)


def test_a_click_on_a_zoning_area_offers_it_for_the_statement(app, page, watch, displayed, create_user):
    statute, layer_id = displayed
    log_in(page, create_user(), PASSWORD)
    page.goto(page_url(statute))
    page.wait_for_function("s => window[document.querySelector(s).dataset.mapName]", arg=MAP)
    page.locator("[data-comment-mode]").click()
    box = page.locator(MAP).bounding_box()
    point = page.evaluate("([s, lat, lon]) => { const m = window[document.querySelector(s).dataset.mapName];"
                          " const p = m.latLngToContainerPoint([lat, lon]); return {x: p.x, y: p.y}; }",
                          [MAP, INSIDE.y, INSIDE.x])
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    objects = page.locator("#plan_object")
    expect(objects).to_be_visible()
    objects.select_option(f"{layer_id}:gml_WA1")
    page.locator("#text").fill("Bitte mehr Grün im WA 1.")
    with page.expect_navigation():
        page.locator("[data-comment-form] button[type=submit]").click()
    comment = the_comment(app)
    assert comment.plan_object_id == "gml_WA1" and comment.paragraph_anchor is None
    assert comment.reference
