"""In a real browser: a planner follows "Exporte" from the town page, asks for a project's weighing table at
phone width and sends the form with the keyboard, watches the status page turn into the download button,
downloads the workbook and finds the export in the list. Every page passes the audit (axe, 360 px, overlaps)."""
from __future__ import annotations

import os
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from participation.accounts.models import Role
from tests.browser.conftest import PHONE_WIDTH, audit, log_in, tab_to
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

#: Set EXPORT_SHOTS=/tmp/shots to keep screenshots of the pages at 1280 and 360 px.
SHOTS = os.environ.get("EXPORT_SHOTS")


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    size = page.viewport_size
    for width in (1280, PHONE_WIDTH):
        page.set_viewport_size({"width": width, "height": size["height"]})
        page.screenshot(path=f"{SHOTS}/exports-{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def test_planner_exports_a_weighing_table_and_downloads_it(page, watch, de, town, create_user, create_project,
                                                           create_comment, tmp_path):
    project = create_project(town=town)
    resident = create_user()
    traffic, green = project.categories
    comments = [
        create_comment(project, resident, text="Die Ampel am Markt ist zu kurz grün."),
        create_comment(project, create_user(), text="Mehr Bäume am Markt, bitte.", category_id=green.id),
        create_comment(project, resident, text="Ein Zebrastreifen vor der Schule fehlt."),
    ]
    create_comment(project, create_user(), text="Sehe ich auch so", parent=comments[0])
    log_in(page, create_user(Role.PLANNER, towns=[town]), PASSWORD)

    # The town page's map asks the API for the projects; let it answer before leaving the page.
    with page.expect_response(lambda r: "/api/" in r.url and r.request.resource_type == "fetch"):
        page.goto(f"/{town.slug}/")
    with page.expect_navigation():
        page.get_by_role("link", name=de("Exports"), exact=True).click()
    assert page.url.endswith(f"/{town.slug}/exporte")
    expect(page.get_by_text(de("You have no exports yet."))).to_be_visible()
    audit(page, watch)
    _shoot(page, "form")

    # At phone width: the project, the weighing table, and the button pressed with the keyboard.
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.get_by_label(de("What to export")).select_option(f"project:{project.id}")
    page.get_by_label(de("Weighing table (XLSX) for the council")).check()
    tab_to(page, ".export-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(rf"/{town.slug}/exporte/\d+$", page.url), page.url

    # The status page follows the job and reloads itself when it is done (or is done already).
    download_link = page.locator("#export-ready a[download]")
    expect(download_link).to_be_visible(timeout=20_000)
    expect(page.locator("[data-job]")).to_have_count(0)
    page.set_viewport_size({"width": 1280, "height": 900})
    audit(page, watch)
    _shoot(page, "ready")

    with page.expect_download() as caught:
        download_link.click()
    download = caught.value
    assert re.fullmatch(r"abwaegungstabelle-market-square-\d{4}-\d\d-\d\d\.xlsx", download.suggested_filename)
    saved = tmp_path / download.suggested_filename  # openpyxl goes by the name's extension
    download.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0] == ("Nummer", "Datum", "Eingangsweg", "Bezug", "Kommentar", "Antwort der Stadt",
                       "Entscheidung", "Begründung")
    headings = [row[0] for row in rows[1:] if not any(row[1:])]
    assert sorted(headings) == [green.name, traffic.name]
    written = {row[0]: row[4] for row in rows[1:] if any(row[1:])}
    assert written == {f"K-{c.id}": text for c, text in zip(comments, (
        "Die Ampel am Markt ist zu kurz grün.", "Mehr Bäume am Markt, bitte.",
        "Ein Zebrastreifen vor der Schule fehlt."))}  # the reply is not weighed

    with page.expect_navigation():
        page.get_by_role("navigation", name=de("Breadcrumb")).get_by_role("link").click()
    listed = page.locator("#export-list tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(de("Weighing table (XLSX) for the council"))
    expect(listed).to_contain_text(de("Ready"))
    expect(listed.get_by_role("link", name=de("Download"))).to_be_visible()
    audit(page, watch)
    _shoot(page, "listed")
