"""The comment list beside the map in a real browser: swapped in place, in step with the map, and on a phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from shapely.geometry import Point

from participation.comments.models import Support
from participation.comments.queries import PAGE_SIZE
from participation.extensions import db
from tests.browser.conftest import audit, log_in, project_path, wait_for_map
from tests.conftest import INSIDE, PASSWORD

pytestmark = pytest.mark.browser

#: Inside the project area, to the east of INSIDE: far enough apart not to be clustered.
EAST = Point(13.259, 53.553)
MAP = "[data-project-map] [data-map-name]"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _map_view(page):
    return page.evaluate("s => { const m = window[document.querySelector(s).dataset.mapName];"
                         " const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }", MAP)


def _listed_texts(page):
    return page.locator(".comment-list > li.comment .comment__text").all_inner_texts()


def _dark_pins(page):
    """The x positions of the pins drawn with the dark ring of the listed comments."""
    return page.evaluate("""() => [...document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive')]
        .filter(p => p.getAttribute('stroke') === '#1b1b1b').map(p => p.getBoundingClientRect().x)""")


def test_changing_the_sort_swaps_the_list_in_place(app, page, watch, create_project, create_user, create_comment):
    project = create_project()
    author = create_user()
    popular = create_comment(project, author, text="Mehr Bänke")
    create_comment(project, author, text="Neuer Radweg")
    with app.app_context():
        db.session.add(Support(comment_id=popular.id, user_id=create_user().id))
        db.session.commit()
    page.goto(project_path(project))
    wait_for_map(page)
    assert _listed_texts(page) == ["Neuer Radweg", "Mehr Bänke"]
    view = _map_view(page)
    page.evaluate("window.__samePage = 'yes'")  # gone if the page reloads

    page.get_by_label("Reihenfolge").focus()  # select_option alone does not focus, a person's choice does
    page.get_by_label("Reihenfolge").select_option("unterstuetzt")
    expect(page.locator(".comment-list .comment__text").first).to_have_text("Mehr Bänke")
    assert _listed_texts(page) == ["Mehr Bänke", "Neuer Radweg"]
    assert page.evaluate("window.__samePage") == "yes"
    assert _map_view(page) == view
    assert page.url.endswith("?sortierung=unterstuetzt")
    expect(page.locator("[data-list-status]")).to_have_text("2 Kommentare, meistunterstützte zuerst")
    expect(page.get_by_label("Reihenfolge")).to_be_focused()
    audit(page, watch)

    page.reload()  # the URL keeps the choice
    wait_for_map(page)
    assert _listed_texts(page) == ["Mehr Bänke", "Neuer Radweg"]
    expect(page.get_by_label("Reihenfolge")).to_have_value("unterstuetzt")


def test_the_category_filters_the_list_and_the_map(page, watch, create_project, create_user, create_comment):
    project = create_project()
    traffic, green = project.categories
    author = create_user()
    create_comment(project, author, text="Ampel", category_id=traffic.id)
    create_comment(project, author, text="Baum", category_id=green.id, location=EAST)
    create_comment(project, author, text="Hecke", category_id=green.id)
    page.goto(project_path(project))
    wait_for_map(page)
    expect(page.locator("[data-map-status]")).to_have_text("3 Kommentare auf der Karte angezeigt.")

    with page.expect_response(re.compile(rf"/api/v1/projects/{project.id}/comments/tiles/.*category={green.id}")):
        page.locator("#list-category").select_option(str(green.id))
    expect(page.locator("[data-map-status]")).to_have_text("2 Kommentare auf der Karte angezeigt.")
    assert sorted(_listed_texts(page)) == ["Baum", "Hecke"]
    expect(page.locator("[data-list-heading]")).to_have_text("2 Kommentare")
    assert f"kategorie={green.id}" in page.url

    page.locator("#list-category").select_option("")
    expect(page.locator("[data-map-status]")).to_have_text("3 Kommentare auf der Karte angezeigt.")
    expect(page.locator(".comment-list > li.comment")).to_have_count(3)


def test_only_the_map_view_narrows_the_list_after_panning(page, watch, create_project, create_user, create_comment):
    project = create_project()
    author = create_user()
    create_comment(project, author, text="Westen")  # at INSIDE
    create_comment(project, author, text="Osten", location=EAST)
    page.goto(project_path(project))
    wait_for_map(page)
    page.get_by_label("Nur Kommentare im Kartenausschnitt").check()
    expect(page).to_have_url(re.compile(r"ausschnitt="))
    assert sorted(_listed_texts(page)) == ["Osten", "Westen"]

    # Pan and zoom onto the western pin only, as a person dragging the map would.
    page.evaluate("([s, lat, lon]) => window[document.querySelector(s).dataset.mapName].setView([lat, lon], 19)",
                  [MAP, INSIDE.y, INSIDE.x])
    expect(page.locator(".comment-list > li.comment")).to_have_count(1)
    assert _listed_texts(page) == ["Westen"]
    expect(page.locator("[data-list-status]")).to_have_text("1 Kommentar, neueste zuerst")
    bbox = page.get_by_label("Nur Kommentare im Kartenausschnitt").input_value()
    west, south, east, north = map(float, bbox.split(","))
    assert west < INSIDE.x < east < EAST.x and south < INSIDE.y < north

    page.reload()  # a shared link opens the map at that view and lists the same
    wait_for_map(page)
    assert _listed_texts(page) == ["Westen"]
    expect(page.get_by_label("Nur Kommentare im Kartenausschnitt")).to_be_checked()
    page.get_by_label("Nur Kommentare im Kartenausschnitt").uncheck()
    expect(page.locator(".comment-list > li.comment")).to_have_count(2)
    assert "ausschnitt" not in page.url
    audit(page, watch)


def test_pages_move_in_step_with_the_pins_and_focus_the_heading(app, page, watch, create_project, create_user,
                                                                create_comment):
    project = create_project()
    author = create_user()
    create_comment(project, author, text="Ganz alt", location=EAST)  # alone on page 2
    for n in range(PAGE_SIZE - 1):
        create_comment(project, author, text=f"Ohne Ort {n}", location=None)
    create_comment(project, author, text="Ganz neu")  # at INSIDE, on page 1
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    page.evaluate("window.__samePage = 'yes'")
    # Page 1 lists the western pin: it wears the dark ring, the eastern one does not.
    page.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length == 2")
    [west_x] = _dark_pins(page)
    expect(page.locator("[data-listed-hint]")).to_be_visible()

    page.get_by_role("link", name="Nächste Seite").click()
    expect(page.locator(".comment-list > li.comment")).to_have_count(1)
    assert _listed_texts(page) == ["Ganz alt"]
    expect(page.locator("#comments-heading")).to_be_focused()
    assert page.evaluate("window.__samePage") == "yes"
    assert re.search(r"\?seite=2&nach=\d+$", page.url)  # page 2 by key: after page 1's last comment
    [east_x] = _dark_pins(page)
    assert east_x > west_x

    # "Show on map" works on the swapped-in list too.
    page.locator(".comment-list").get_by_role("button", name="Auf der Karte zeigen").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Ganz alt")
    audit(page, watch)

    page.get_by_role("link", name="Vorherige Seite").click()
    expect(page.locator(".comment-list > li.comment")).to_have_count(PAGE_SIZE)
    expect(page.locator("#comments-heading")).to_be_focused()


def test_without_javascript_the_form_filters_and_the_pages_keep_it(browser, live_server, create_project, create_user,
                                                                   create_comment):
    project = create_project()
    author = create_user()
    traffic, green = project.categories
    for n in range(PAGE_SIZE + 1):
        create_comment(project, author, text=f"Grün {n}", category_id=green.id, location=None)
    create_comment(project, author, text="Verkehr", category_id=traffic.id)
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(project_path(project))
        page.locator("#list-category").select_option(str(green.id))
        page.get_by_label("Reihenfolge").select_option("alt")
        with page.expect_navigation():
            page.get_by_role("button", name="Kommentare anzeigen").click()
        assert _listed_texts(page)[:2] == ["Grün 0", "Grün 1"]
        assert "Verkehr" not in _listed_texts(page)
        with page.expect_navigation():
            page.get_by_role("link", name="Nächste Seite").click()
        assert _listed_texts(page) == [f"Grün {PAGE_SIZE}"]
        assert page.get_by_label("Reihenfolge").input_value() == "alt"
    finally:
        context.close()


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_on_a_phone_the_form_comes_before_the_list_and_the_scale_bar_is_clear(page, watch, create_project,
                                                                             create_user, create_comment):
    project = create_project()
    create_comment(project, create_user(), text="Ein Kommentar")
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    form = page.locator("[data-comment-form]").bounding_box()
    heading = page.locator("#comments-heading").bounding_box()
    map_box = page.locator(".leaflet-container").bounding_box()
    assert map_box["y"] + map_box["height"] < form["y"] < heading["y"]

    scale = page.locator(".leaflet-control-scale").bounding_box()
    attribution = page.locator(".leaflet-control-attribution").bounding_box()
    overlap_x = min(scale["x"] + scale["width"], attribution["x"] + attribution["width"]) - max(scale["x"], attribution["x"])
    overlap_y = min(scale["y"] + scale["height"], attribution["y"] + attribution["height"]) - max(scale["y"], attribution["y"])
    assert overlap_x <= 0 or overlap_y <= 0, (scale, attribution)
    assert page.locator(".leaflet-control-scale").is_visible()
    audit(page, watch)
