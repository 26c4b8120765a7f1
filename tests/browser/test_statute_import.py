"""The XPlanGML import in a real browser: the GIS team uploads an XPlanArchiv, the page follows the job
and shows the report with a link to the statute; a file that is not XPlanGML gets its reason in German.
Every page passes `audit`.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from participation.extensions import db
from participation.statutes.models import Statute
from tests.browser.conftest import audit, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real" / "xplan"
ARCHIVE = REAL / "XPlanArchiv_BP_5.3_with_raster_25832.zip"
#: Set to a folder to keep screenshots of the pages at phone and desktop width.
SHOTS = os.environ.get("STATUTE_IMPORT_SHOTS")


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/import-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def upload(page, town, path: Path) -> None:
    page.goto(f"/{town.slug}/satzungen/import")
    page.set_input_files("#file", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und importieren").click()


def test_the_gis_team_imports_an_archive_and_reads_the_report(app, page, watch, town, gis):
    if not ARCHIVE.is_file():
        pytest.skip(f"real XPlanGML test plans not found in {REAL}")
    log_in(page, gis, PASSWORD)
    page.goto(f"/{town.slug}/satzungen/import")
    audit(page, watch)
    shoot(page, "form")
    upload(page, town, ARCHIVE)
    # The page follows the job and reloads itself with the report.
    expect(page.get_by_role("heading", name="Importbericht")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Die Satzung „BPlan002_5-3_1_SoapUI-XPlanManagerAPI“ wurde angelegt.")).to_be_visible()
    expect(page.get_by_role("cell", name="Baugebietsteilfläche BP_BaugebietsTeilFlaeche")).to_be_visible()
    expect(page.get_by_text("1 Rasterplan auf der Karte")).to_be_visible()
    audit(page, watch)
    shoot(page, "report")
    with app.app_context():
        statute = db.session.scalar(select(Statute))
        assert statute is not None and not statute.is_published
    # A GIS-team member may not see a draft statute (planners only): the report offers no link to it.
    expect(page.get_by_role("link", name="Zur Satzung")).to_have_count(0)


def test_a_planner_is_led_to_the_new_statute(app, page, watch, town, create_user, tmp_path):
    plan = REAL / "BPlan002_BP_xplan54_25832.gml"
    if not plan.is_file():
        pytest.skip(f"real XPlanGML test plans not found in {REAL}")
    from participation.accounts.models import Role

    log_in(page, create_user(Role.PLANNER, towns=[town]), PASSWORD)
    upload(page, town, plan)
    expect(page.get_by_role("heading", name="Importbericht")).to_be_visible(timeout=30_000)
    with page.expect_navigation():
        page.get_by_role("link", name="Zur Satzung").click()
    with app.app_context():
        statute = db.session.scalar(select(Statute))
    assert page.url.endswith(f"/{town.slug}/satzungen/{statute.id}")


def test_a_file_that_is_not_xplan_is_refused_with_its_reason(page, watch, town, gis, tmp_path):
    path = tmp_path / "plan.gml"
    path.write_text('<?xml version="1.0"?><FeatureCollection xmlns="http://www.opengis.net/wfs"/>')
    log_in(page, gis, PASSWORD)
    upload(page, town, path)
    expect(page.get_by_text("Der Plan kann nicht importiert werden")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Die Datei ist kein XPlanGML")).to_be_visible()
    audit(page, watch)
    shoot(page, "refused")
