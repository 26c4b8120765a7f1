"""A statute's text beside its map: a paragraph's plan objects highlighted by mouse and keyboard, a link to a
paragraph scrolls to it and marks it; the text editor and the documents page pass the audit."""
from __future__ import annotations

import re

import pytest
from shapely.geometry import box

from participation.accounts.models import Role
from participation.extensions import db
from participation.statutes.models import Statute
from tests.browser.conftest import audit, log_in, tab_to
from tests.conftest import PASSWORD, add_vector_layer

pytestmark = pytest.mark.browser

#: Two zoning areas in the west of AREA, one in the east (AREA spans 13.25–13.26, 53.55–53.554).
OBJECTS = {"Gml_WA1": box(13.2505, 53.5505, 13.2520, 53.5515), "Gml_WA2": box(13.2522, 53.5505, 13.2535, 53.5515),
           "Gml_MI1": box(13.2570, 53.5520, 13.2595, 53.5535)}
FILLER = "Die Festsetzungen gelten für das gesamte Plangebiet. " * 12


@pytest.fixture
def statute(app, create_statute, town):
    made = create_statute(town=town, sections=[
        ("§ 1", "Art der baulichen Nutzung", [
            ("(1)", "Allgemeines Wohngebiet WA 1 und WA 2.", ["Gml_WA1", "Gml_WA2"]),
            ("(2)", "Mischgebiet MI 1.", ["Gml_MI1"]),
        ]),
        ("§ 2", "Maß der baulichen Nutzung", [("(1)", FILLER, []), ("(2)", FILLER, []), ("(3)", FILLER, [])]),
        ("§ 3", "Inkrafttreten", ["Der Plan tritt mit seiner Bekanntmachung in Kraft."]),
    ])
    with app.app_context():
        owner = db.session.get(Statute, made.id)
        add_vector_layer(town.id, "Baugebiete", [(shape, {"gml_id": gml_id}) for gml_id, shape in OBJECTS.items()],
                         map_id=owner.map_id, popup=[])
        db.session.commit()
        anchors = {p.number + s.number: p.anchor for s in owner.sections for p in s.paragraphs}
    made.anchors = anchors
    return made


def _path(statute) -> str:
    return f"/{statute.municipality.slug}/satzungen/{statute.id}"


def _map_centre(page) -> tuple[float, float]:
    return tuple(page.evaluate("""() => {
        const el = document.querySelector('[data-map-name]');
        const c = window[el.dataset.mapName].getCenter();
        return [c.lng, c.lat];
    }"""))


def test_a_paragraph_highlights_its_plan_objects_by_mouse_and_keyboard(page, watch, statute):
    page.goto(_path(statute))
    status = page.locator("[data-text-status]")
    first = page.get_by_role("button", name=re.compile(r"^Auf der Karte zeigen: Planobjekte von § 1 Abs\. 1$"))
    first.click()
    page.wait_for_function("() => /hervorgehoben/.test(document.querySelector('[data-text-status]').textContent)")
    assert status.inner_text() == ("2 Planobjekte von § 1 Abs. 1 sind auf der Karte hervorgehoben: "
                                   "Baugebiete Gml_WA1, Baugebiete Gml_WA2.")
    assert first.get_attribute("aria-pressed") == "true"
    assert page.locator(".leaflet-statute-highlight-pane path").count() == 4  # halo and line of each
    lon, lat = _map_centre(page)
    assert 13.2505 < lon < 13.2535 and 53.5505 < lat < 53.5515  # fitted to the two areas in the west

    # With the keyboard: Tab to the other paragraph's button and press Enter; the first one lets go.
    second_selector = f'[data-show-objects="{statute.anchors["(2)§ 1"]}"]'
    tab_to(page, second_selector)
    page.keyboard.press("Enter")
    page.wait_for_function("() => /MI1/.test(document.querySelector('[data-text-status]').textContent)")
    assert status.inner_text().startswith("1 Planobjekt von § 1 Abs. 2 ist auf der Karte hervorgehoben")
    assert first.get_attribute("aria-pressed") == "false"
    assert page.locator(second_selector).get_attribute("aria-pressed") == "true"
    assert page.locator(".leaflet-statute-highlight-pane path").count() == 2
    # The map flies there (an animation): wait for it to arrive.
    page.wait_for_function("""() => { const el = document.querySelector('[data-map-name]');
        const c = window[el.dataset.mapName].getCenter();
        return 13.2570 < c.lng && c.lng < 13.2595 && 53.5520 < c.lat && c.lat < 53.5535; }""")
    # Space on the pressed button takes the highlight away again.
    page.keyboard.press("Space")
    assert page.locator(".leaflet-statute-highlight-pane path").count() == 0
    assert status.inner_text() == "Hervorhebung entfernt."
    audit(page, watch)


def test_a_link_to_a_paragraph_scrolls_to_it_and_marks_it(page, watch, statute):
    anchor = statute.anchors["§ 3"]
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(f"{_path(statute)}#{anchor}")
    target = page.locator(f"#{anchor}")
    page.wait_for_function(f"() => document.getElementById('{anchor}').classList.contains('is-marked')")
    page.wait_for_load_state("load")
    # Scrolled once the page has its final layout (the map and the comment list load after the text).
    page.wait_for_function(f"() => {{ const r = document.getElementById('{anchor}').getBoundingClientRect();"
                           " return r.top >= 0 && r.bottom <= 700; }")
    top, bottom = target.evaluate("e => [e.getBoundingClientRect().top, e.getBoundingClientRect().bottom]")
    assert 0 <= top and bottom <= 700, (top, bottom)  # in view (at the top, unless the page ends first)
    assert page.evaluate("() => window.scrollY") > 500
    # The paragraph's own link says where it points; following another one moves the mark.
    link = page.get_by_role("link", name="Link zu § 1 Abs. 2")
    assert link.get_attribute("href").endswith(f"#{statute.anchors['(2)§ 1']}")
    link.click()
    page.wait_for_function(f"() => document.getElementById('{statute.anchors['(2)§ 1']}').classList.contains('is-marked')")
    assert "is-marked" not in (target.get_attribute("class") or "")
    # No period runs: no paragraph offers "Comment" (statute comments: tests/browser/test_statute_comment.py).
    assert page.get_by_role("link", name="Kommentieren zu § 3").count() == 0
    watch.check(page)


def test_the_text_editor_and_documents_page_pass_the_audit(page, watch, create_user, statute, town):
    planner = create_user(Role.PLANNER, towns=[town])
    log_in(page, planner, PASSWORD)
    page.goto(f"{_path(statute)}/text")
    assert "§ 1 Art der baulichen Nutzung\n(1) Allgemeines Wohngebiet" in page.locator("textarea").input_value()
    audit(page, watch)
    watch.allow_status(400, f"{_path(statute)}/text")
    page.locator("textarea").fill("§ 1 Art\n(1) Text\n[Objekte: Gml_WA1, Gml_GIBTSNICHT]")
    page.get_by_role("button", name="Text speichern").click()
    summary = page.get_by_role("alert")
    assert "Zeile 3" in summary.inner_text() and "Gml_GIBTSNICHT" in summary.inner_text()
    audit(page, watch)
    page.goto(f"{_path(statute)}/dokumente")
    audit(page, watch)
