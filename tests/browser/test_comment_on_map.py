"""A resident registers, confirms, logs in and comments with a pin set by mouse;
pins outside the area are refused in the page; "show on map" finds a comment."""
from __future__ import annotations

import re

import pytest
from shapely.geometry import Point
from sqlalchemy import select

from participation.comments.models import Comment
from participation.extensions import db
from tests.browser.conftest import audit, latest_mail, log_in, map_point, project_path, wait_for_map
from tests.conftest import AREA, INSIDE, PASSWORD

pytestmark = pytest.mark.browser

OUTSIDE_MSG = "Die Markierung liegt außerhalb des Projektgebiets."


def test_register_confirm_log_in_and_comment_with_a_pin(app, page, watch, live_server, create_project, monkeypatch):
    # Links in mails come from BASE_URL, never from the request: point it at the live server.
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    project = create_project()
    email = "anna@example.org"

    page.goto("/konto/registrieren")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Öffentlicher Name").fill("Anna Am Markt")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Konto anlegen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bitte prüfen Sie Ihr E-Mail-Postfach"

    link = re.search(r"https?://\S+/konto/bestaetigen/\S+", latest_mail(app, email)).group(0)
    assert link.startswith(live_server + "/")
    page.goto(link)
    assert page.url.endswith("/konto/anmelden")
    assert page.get_by_text("Ihre E-Mail-Adresse ist bestätigt").is_visible()

    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Anmelden").click()
    assert page.get_by_text("Angemeldet als Anna Am Markt").is_visible()

    page.goto(project_path(project))
    wait_for_map(page)
    status = page.locator("[data-map-status]")
    assert re.fullmatch(r"0 Kommentare auf der Karte angezeigt\.", status.inner_text())

    spot = map_point(page, INSIDE.x, INSIDE.y)
    page.locator(".leaflet-container").click(position=spot)
    lon = float(page.locator("[data-pin-lon]").input_value())
    lat = float(page.locator("[data-pin-lat]").input_value())
    assert abs(lon - INSIDE.x) < 1e-4 and abs(lat - INSIDE.y) < 1e-4
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.locator("[data-pin-status]").inner_text().startswith("Markierung gesetzt.")

    page.get_by_label("Kategorie").select_option(label="Green")
    page.get_by_label("Ihr Kommentar").fill("Mehr Bäume vor dem Rathaus")
    api = re.compile(rf"/api/v1/projects/{project.id}/comments/tiles/")
    with page.expect_response(lambda r: bool(api.search(r.url)) and r.ok):
        page.get_by_role("button", name="Kommentar absenden").click()

    assert re.search(r"#comment-\d+$", page.url)
    assert page.get_by_text("Vielen Dank! Ihr Kommentar wurde veröffentlicht.").is_visible()
    item = page.locator(".comment-list > li.comment").filter(has_text="Mehr Bäume vor dem Rathaus")
    assert item.count() == 1
    assert item.get_by_text("Green").is_visible()
    wait_for_map(page)
    assert re.fullmatch(r"1 Kommentar auf der Karte angezeigt\.", status.inner_text())
    # The comment's circle marker (the area outline is not interactive) or a cluster.
    assert page.locator("path.leaflet-interactive, .marker-cluster").count() == 1

    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.text == "Mehr Bäume vor dem Rathaus"
        assert comment.author.email == email
        assert comment.category.name == "Green"
        assert AREA.contains(comment.location)
        assert comment.location.distance(Point(lon, lat)) < 1e-6
    audit(page, watch)


def _outside_spot(page) -> dict:
    """A point in the visible map but outside the area's box, away from the controls."""
    return page.evaluate(
        """([w, s, e, n]) => {
          const el = document.querySelector('[data-project-map] [data-map-name]');
          const map = window[el.dataset.mapName];
          const size = map.getSize();
          const nw = map.latLngToContainerPoint([n, w]), se = map.latLngToContainerPoint([s, e]);
          const mid = {x: (nw.x + se.x) / 2, y: (nw.y + se.y) / 2};
          if (nw.y > 40) { return {x: mid.x, y: nw.y / 2}; }
          if (size.y - se.y > 60) { return {x: mid.x, y: (se.y + size.y) / 2}; }
          if (size.x - se.x > 40) { return {x: (se.x + size.x) / 2, y: mid.y}; }
          return {x: nw.x / 2, y: mid.y};
        }""",
        list(AREA.bounds),
    )


def test_pin_outside_the_area_is_refused_in_the_page(page, watch, create_project, create_user):
    project = create_project()
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    pin_status = page.locator("[data-pin-status]")

    spot = _outside_spot(page)
    clicked = page.evaluate(
        """([x, y]) => { const el = document.querySelector('[data-project-map] [data-map-name]');
          const ll = window[el.dataset.mapName].containerPointToLatLng([x, y]); return [ll.lng, ll.lat]; }""",
        [spot["x"], spot["y"]],
    )
    assert not AREA.contains(Point(clicked))
    page.locator(".leaflet-container").click(position=spot)
    assert pin_status.inner_text().startswith(OUTSIDE_MSG)
    assert "pin-status--error" in pin_status.get_attribute("class")
    assert page.locator("[data-pin-lon]").input_value() == ""
    assert page.locator("[data-pin-lat]").input_value() == ""
    assert page.locator(".leaflet-marker-icon").count() == 0

    # The same map takes a click inside: the refusal above was about the place.
    page.locator(".leaflet-container").click(position=map_point(page, INSIDE.x, INSIDE.y))
    assert page.locator("[data-pin-lon]").input_value() != ""
    assert "pin-status--error" not in pin_status.get_attribute("class")
    audit(page, watch)


def test_show_on_map_zooms_to_the_comment_and_opens_its_popup(page, watch, create_project, create_user,
                                                               create_comment):
    project = create_project()
    author = create_user()
    # ~25 m apart: one cluster at the opening zoom, so the button has to zoom or spiderfy.
    create_comment(project, author, text="Bank am Teich", location=Point(INSIDE.x + 0.0004, INSIDE.y))
    target = create_comment(project, author, text="Laterne fehlt", location=INSIDE)
    page.goto(project_path(project))
    wait_for_map(page)
    zoom = "() => { const el = document.querySelector('[data-project-map] [data-map-name]');" \
           " return window[el.dataset.mapName].getZoom(); }"
    assert page.evaluate(zoom) < 17
    assert page.locator(".marker-cluster").count() == 1
    assert page.locator(".leaflet-popup").count() == 0

    page.locator(f"#comment-{target.id}").get_by_role("button", name="Auf der Karte zeigen").click()
    popup = page.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    assert popup.get_by_text("Laterne fehlt").is_visible()
    assert "Bank am Teich" not in popup.inner_text()
    assert popup.get_by_role("link", name="In der Liste lesen").get_attribute("href") == f"#comment-{target.id}"
    assert page.evaluate(zoom) >= 18  # street level: every pin stands alone
    assert page.evaluate("document.activeElement.classList.contains('leaflet-container')")
    audit(page, watch)
