""""What applies here?" in the browser: an address typed and chosen by keyboard alone, a click on the map,
the GIS team's address page; each page audited, screenshots at 360 and 1280 px."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from shapely.geometry import MultiPolygon, box

from participation.addresses import services as address_services
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.statutes.models import LegalStatus
from tests.addresses.conftest import ROWS, write_csv
from tests.browser.conftest import audit, log_in, tab_to
from tests.conftest import OUTSIDE, PASSWORD
from tests.statutes.test_here import WA, _plan_layer

pytestmark = pytest.mark.browser

MAP = "[data-what-applies] [data-map-name]"
SHOTS = Path("/tmp/shots")
#: The west part of AREA, with Hauptstraße 5 and Am Mühlenteich 3 (tests.addresses.conftest.ROWS) in it.
WEST = MultiPolygon([box(13.25, 53.55, 13.256, 53.554)])


@pytest.fixture
def here_town(app, town, create_statute, tmp_path):
    """A town with its address list, a plan in force with a plan object, and one on display on the west half."""
    with app.app_context():
        address_services.import_addresses(db.session.get(Municipality, town.id),
                                          write_csv(tmp_path / "adressen.csv", ROWS))
        db.session.commit()
    statute = create_statute(town, title="Am Mühlenteich", number="12", status=LegalStatus.IN_FORCE,
                             in_force_from=date(2021, 3, 3),
                             sections=[("§ 1", "Art der baulichen Nutzung", [("(1)", "Allgemeines Wohngebiet.",
                                                                              ["Gml_WA1"])])])
    _plan_layer(app, statute, [(WEST.geoms[0], WA)])
    create_statute(town, title="Marktplatz", number="14", status=LegalStatus.PUBLIC_DISPLAY, area=WEST)
    return town


def _shots(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"d-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def test_an_address_chosen_by_keyboard_shows_what_applies(page, watch, here_town):
    events = []
    page.goto(f"/{here_town.slug}/was-gilt-hier")
    page.evaluate("() => { window.__addresses = []; document.addEventListener('pool:address',"
                  " e => window.__addresses.push(e.detail)); }")
    tab_to(page, "#here-address")
    combobox = page.locator("#here-address")
    expect(combobox).to_have_attribute("role", "combobox")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    page.keyboard.type("Hauptstr 5")
    listbox = page.locator("#here-address-list")
    expect(listbox.get_by_role("option")).to_have_count(3)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-address-search] [data-address-status]")).to_have_text(
        "3 Adressen gefunden. Wählen Sie mit den Pfeiltasten und der Eingabetaste.")
    audit(page, watch)
    _shots(page, "here-combobox")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    active = page.locator("#here-address-list [aria-selected=true]")
    expect(active).to_have_text("Hauptstraße 5a, 17099 Musterstadt")
    expect(combobox).to_have_attribute("aria-activedescendant", active.get_attribute("id"))
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(combobox).to_have_value("Hauptstraße 5, 17099 Musterstadt")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(combobox).to_be_focused()
    results = page.locator("[data-here-results]")
    expect(results).to_contain_text("An dieser Stelle gelten 2 Satzungen.")
    expect(results).to_contain_text("Adresse: Hauptstraße 5, 17099 Musterstadt")
    expect(results).to_contain_text("Allgemeines Wohngebiet, GRZ 0,4, II Vollgeschosse")
    expect(results.get_by_role("link", name="§ 1 Abs. 1")).to_be_visible()
    expect(page.locator("[data-here-status]")).to_contain_text("Hauptstraße 5, 17099 Musterstadt: ")
    assert "adresse=Hauptstra%C3%9Fe+5" in page.url
    detail = page.evaluate("() => window.__addresses")
    assert detail == [{"lon": 13.2551, "lat": 53.5521, "label": "Hauptstraße 5, 17099 Musterstadt"}]
    centre = page.evaluate("s => { const c = window[document.querySelector(s).dataset.mapName].getCenter();"
                           " return [c.lng, c.lat]; }", MAP)
    assert abs(centre[0] - 13.2551) < 1e-4 and abs(centre[1] - 53.5521) < 1e-4
    assert events == []
    audit(page, watch)
    _shots(page, "here-result")

    # Escape closes the list, a second Escape empties the box.
    combobox.fill("")
    page.keyboard.type("Schul")
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    page.keyboard.press("Escape")
    expect(combobox).to_have_value("")


def test_a_click_on_the_map_and_the_keyboard_cross_show_what_applies(page, watch, here_town):
    page.goto(f"/{here_town.slug}/was-gilt-hier")
    page.wait_for_function("s => window[document.querySelector(s).dataset.mapName]", arg=MAP)
    # Wait for the map to settle there: an opening animation must not move it under the click.
    page.evaluate("s => new Promise(done => { const m = window[document.querySelector(s).dataset.mapName];"
                  " m.stop(); m.once('moveend', () => setTimeout(done, 100));"
                  " m.setView([53.552, 13.2525], 16, {animate: false}); })", MAP)
    page.locator(MAP).scroll_into_view_if_needed()
    box = page.locator(MAP).bounding_box()
    point = page.evaluate("s => { const m = window[document.querySelector(s).dataset.mapName];"
                          " const p = m.latLngToContainerPoint([53.552, 13.2525]); return {x: p.x, y: p.y}; }", MAP)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    results = page.locator("[data-here-results]")
    expect(results).to_contain_text("An dieser Stelle gelten 2 Satzungen.")
    expect(results).to_contain_text("Die markierte Stelle")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert page.locator(".leaflet-overlay-pane path").count() >= 2  # the areas found are drawn
    query = parse_qs(urlsplit(page.url).query)
    assert abs(float(query["lon"][0]) - 13.2525) < 1e-4 and abs(float(query["lat"][0]) - 53.552) < 1e-4

    # Outside every plan, by keyboard: the map's cross and Enter.
    page.evaluate("([s, lat, lon]) => window[document.querySelector(s).dataset.mapName].setView([lat, lon], 16)",
                  [MAP, OUTSIDE.y, OUTSIDE.x])
    tab_to(page, ".leaflet-container")
    expect(page.locator(".map-crosshair")).to_be_visible()
    page.keyboard.press("Enter")
    expect(results).to_contain_text("An dieser Stelle gilt keine Satzung und keine liegt öffentlich aus.")
    audit(page, watch)


def test_without_a_script_the_address_form_answers(browser, live_server, here_town):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"/{here_town.slug}/was-gilt-hier")
        page.fill("#here-address", "Am Mühlenteich 3")
        with page.expect_navigation():
            page.get_by_role("button", name="Anzeigen, was gilt").click()
        expect(page.locator("[data-here-results]")).to_contain_text("Adresse: Am Mühlenteich 3, 17099 Musterstadt")
        expect(page.locator("[data-here-results]")).to_contain_text("An dieser Stelle gelten 2 Satzungen.")
    finally:
        context.close()


def test_the_gis_teams_address_page(app, page, watch, here_town, gis, tmp_path):
    log_in(page, gis, PASSWORD)
    page.goto(f"/{here_town.slug}/gis/ebenen")
    page.get_by_role("link", name="Adressliste").click()
    expect(page.get_by_role("heading", name=f"Adressliste von {here_town.name}")).to_be_visible()
    expect(page.locator(".kern-description-list")).to_contain_text(str(len(ROWS)))
    audit(page, watch)
    _shots(page, "addresses")

    # A new list through the form: the import page follows the job and shows the figures.
    path = write_csv(tmp_path / "neu.csv", ROWS[:3])
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Hochladen und importieren").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "3 Adressen wurden importiert.", timeout=15_000)
    expect(page.locator(".kern-description-list")).to_contain_text("neu.csv")
    audit(page, watch)
    _shots(page, "address-import")

    # A file that cannot be used: the reason, and the list stays.
    rows = [(street, "", postcode, lon, lat) for street, _n, postcode, lon, lat in ROWS]
    page.goto(f"/{here_town.slug}/adressen")
    page.set_input_files("#file", str(write_csv(tmp_path / "kaputt.csv", rows)))
    page.get_by_role("button", name="Hochladen und importieren").click()
    expect(page.get_by_role("alert")).to_contain_text("Die Adressliste wurde nicht importiert", timeout=15_000)
    audit(page, watch)
    _shots(page, "address-import-refused")
    page.goto(f"/{here_town.slug}/adressen")
    expect(page.get_by_role("table")).to_contain_text("kaputt.csv")
    expect(page.locator(".kern-description-list")).to_contain_text("neu.csv")
