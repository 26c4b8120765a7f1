"""The GIS team in a real browser: upload a real shapefile, watch the check, review the
report and preview map, publish, style it, put it on a project's map; an anonymous
visitor sees it drawn, toggles it and opens a popup. Also the CRS choice for a
shapefile without .prj, hostile files refused, and colours by attribute saved (by
button and by Enter). Every page passes `audit`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from shapely.geometry import MultiPolygon, box
from sqlalchemy import func, select

from participation.extensions import db
from participation.layers.models import Layer, LayerVersion
from participation.layers.uploads.models import LayerUpload, UploadStatus
from participation.maps.models import MapLayer
from participation.layers.styles.rules import clean_style
from tests.browser.conftest import audit, log_in, map_point, project_path
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real GIS files not found in {REAL}")

PARCELS = "shapefile/harmonie_BB_parzellen_25833.zip"
#: The only parcel of PARCELS with this use (a Latin-1 DBF without .cpg: the umlauts test the decoding).
#: Its bounds and an interior point in EPSG:4326, from geopandas' reading of the file.
TARGET_USE = "Streuobstfläche mit Grünlandnutzung"
TARGET_BOUNDS = (13.97305, 51.91592, 13.97607, 51.91723)
TARGET_POINT = (13.97469, 51.91682)
#: Distinct values of NUTZ_BEZ in PARCELS; "Wiesen" is the most frequent (7 of 32).
USES_COUNT = 18
#: The first colour the style page offers for categories (participation.layers.views.PALETTE).
FIRST_PALETTE_COLOUR = "#0072b2"
FILL = "#c0398a"
LAYER_TIMEOUT = 60_000  # ms: the check runs GDAL in a child process


def gis_pane_paths(page, index: int = 0):
    """The SVG paths Leaflet drew in the pane of the map's index-th GIS layer."""
    return page.locator(f".leaflet-gis-layer-{index}-pane path")


def expect_drawn(page, count: int, index: int = 0):
    """The index-th GIS layer has `count` paths, and the SVG holding them has a size (else nothing shows)."""
    expect(gis_pane_paths(page, index)).to_have_count(count, timeout=LAYER_TIMEOUT)
    expect(page.locator(f".leaflet-gis-layer-{index}-pane > svg")).to_be_visible()


def upload_file(page, watch, town, path: Path, name: str, *, audit_pages: bool = True) -> int:
    """From the layer list, upload `path` through the form; wait until the check has ended.

    Returns the upload's id. The status page shows a progress bar while the file is
    checked and reloads itself when the check has ended.
    """
    page.goto(f"/{town.slug}/gis/ebenen")
    if audit_pages:
        audit(page, watch)
    with page.expect_navigation():
        page.locator(f"main a[href='/{town.slug}/gis/ebenen/hochladen']").click()
    if audit_pages:
        audit(page, watch)
    page.locator("input[type=file][name=file]").set_input_files(path)
    page.locator("#name").fill(name)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    match = re.search(rf"/{town.slug}/gis/hochladen/(\d+)$", page.url)
    assert match, f"the upload form led to {page.url}"
    wait_for_check(page)
    return int(match.group(1))


def wait_for_check(page) -> None:
    """On an upload's page: while the file is checked it shows a progress bar, then reloads itself."""
    job = page.locator("[data-job]")
    if job.count():
        assert page.locator("progress[data-job-progress]").count() == 1
        job.wait_for(state="detached", timeout=LAYER_TIMEOUT)
    page.wait_for_load_state("load")
    assert page.locator("[data-job]").count() == 0


def report_value(page, de, key: str) -> str:
    """The value of one entry of the validation report."""
    item = page.locator("section[aria-labelledby=report-heading] .kern-description-list-item").filter(
        has=page.get_by_text(de(key), exact=True))
    expect(item).to_have_count(1)
    return item.locator("dd").inner_text().strip()


def stored(app, model, ident):
    with app.app_context():
        obj = db.session.get(model, ident)
        db.session.expunge(obj)
        return obj


@needs_real
def test_upload_publish_style_attach_and_see_it_on_the_public_map(app, page, watch, de, town, gis,
                                                                   create_project):
    margin = 0.0008
    west, south, east, north = TARGET_BOUNDS
    project = create_project(town=town, area=MultiPolygon([box(west - margin, south - margin,
                                                               east + margin, north + margin)]))
    log_in(page, gis, PASSWORD)

    # --- upload and check ---------------------------------------------------------------
    upload_id = upload_file(page, watch, town, REAL / PARCELS, "Parzellen")
    upload = stored(app, LayerUpload, upload_id)
    assert upload.status is UploadStatus.READY, (upload.status, upload.message, upload.message_params)
    assert report_value(page, de, "Features") == "32"
    assert report_value(page, de, "Source coordinate reference system").startswith("EPSG:25833")
    # The preview map draws every parcel from the unpublished version.
    expect_drawn(page, 32)
    expect(page.locator("[data-layer-status]")).to_have_text(de("Map layers loaded."))
    audit(page, watch)
    with app.app_context():
        assert db.session.scalar(select(Layer.current_version_id)) is None  # nothing public yet

    # --- publish ------------------------------------------------------------------------
    with page.expect_navigation():
        page.locator(f"form[action='/{town.slug}/gis/hochladen/{upload_id}/veroeffentlichen'] button").click()
    match = re.search(rf"/{town.slug}/gis/ebenen/(\d+)$", page.url)
    assert match, f"publishing led to {page.url}"
    layer_id = int(match.group(1))
    with app.app_context():
        layer = db.session.get(Layer, layer_id)
        assert (layer.name, layer.current_version.number, layer.current_version.feature_count,
                layer.current_version.source_epsg) == ("Parzellen", 1, 32, 25833)
    versions = page.locator("main table tbody tr")
    expect(versions).to_have_count(1)
    number, file, crs, count = versions.locator("td").all_inner_texts()[:4]
    assert (number, crs, count) == ("1", "EPSG:25833", "32") and file.startswith(Path(PARCELS).name)
    expect_drawn(page, 32)
    expect(page.locator(f"[data-layer-toggle='{layer_id}']")).to_be_checked()
    audit(page, watch)

    # --- style and popup ----------------------------------------------------------------
    with page.expect_navigation():
        page.locator(f"main a[href='/{town.slug}/gis/ebenen/{layer_id}/darstellung']").click()
    audit(page, watch)
    page.locator("#fill").fill(FILL)
    page.locator("#categorise_by").select_option("NUTZ_BEZ")
    with page.expect_navigation():
        page.locator("main button[name=action][value=fill]").click()
    values = page.locator("input[name^='categories-'][name$='-value']")
    expect(values).to_have_count(USES_COUNT)
    filled = values.evaluate_all("els => els.map(e => e.value)")
    assert filled[0] == "Wiesen" and TARGET_USE in filled and "Mähweiden" in filled
    assert page.locator("input[name='categories-0-colour']").input_value() == FIRST_PALETTE_COLOUR
    assert page.locator("input[name='categories-0-label']").input_value() == "Wiesen"
    assert page.locator("#fill").input_value() == FILL  # what was typed before survives the refill
    audit(page, watch)

    # One colour after all; show the use in the popup, with a label of our own.
    page.locator("#categorise_by").select_option("")
    row = page.locator("table.popup-table tbody tr").filter(
        has=page.locator("input[type=hidden][value='NUTZ_BEZ']"))
    expect(row).to_have_count(1)
    row.locator("input[type=checkbox]").check()
    row.locator("input[type=text], input:not([type])").fill("Nutzungsart")
    with page.expect_navigation():
        page.locator("main button[name=action][value=save]:not([hidden])").click()
    assert page.url.endswith(f"/{town.slug}/gis/ebenen/{layer_id}"), page.url
    with app.app_context():
        layer = db.session.get(Layer, layer_id)
        assert layer.style["fill"] == FILL and layer.style["categorise_by"] is None
        assert layer.popup == [{"attribute": "NUTZ_BEZ", "label": "Nutzungsart"}]
    expect_drawn(page, 32)
    expect(gis_pane_paths(page).first).to_have_attribute("fill", FILL)

    # --- on the project's map -------------------------------------------------------------
    page.goto(project_path(project))
    with page.expect_navigation():
        page.locator(f"main a[href='{project_path(project)}/karte']").click()
    audit(page, watch)
    page.locator("#add").select_option(str(layer_id))
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()
    assert page.url.endswith(f"{project_path(project)}/karte")
    expect(page.locator("input[name='rows-0-layer_id']")).to_have_value(str(layer_id))
    expect(page.locator("#rows-0-visible")).to_be_checked()
    expect(page.locator(f"#add option[value='{layer_id}']")).to_have_count(0)  # not offered twice
    audit(page, watch)
    with app.app_context():
        assert [(p.layer_id, p.visible) for p in db.session.scalars(select(MapLayer))] == [(layer_id, True)]

    # --- an anonymous visitor -------------------------------------------------------------
    page.context.clear_cookies()
    features_api = f"/api/v1/layers/{layer_id}/features"
    with page.expect_response(lambda r: features_api in r.url) as response:
        page.goto(project_path(project))
    assert response.value.ok
    # Only what the popup shows leaves the server (the parcels also carry farm numbers).
    assert {key for f in response.value.json()["features"] for key in f["properties"]} == {"NUTZ_BEZ"}
    assert page.locator(f"main a[href='{project_path(project)}/karte']").count() == 0
    paths = gis_pane_paths(page)
    expect_drawn(page, 32)
    expect(page.locator("[data-layer-status]")).to_have_text(de("Map layers loaded."))
    assert set(paths.evaluate_all("els => els.map(e => e.getAttribute('fill'))")) == {FILL}
    swatches = page.locator(".layer-switcher .layer-legend svg rect")
    expect(swatches).to_have_count(1)
    expect(swatches).to_have_attribute("fill", FILL)
    audit(page, watch)

    toggle = page.locator(f"[data-layer-toggle='{layer_id}']")
    expect(toggle).to_be_checked()
    toggle.uncheck()
    expect(paths).to_have_count(0)
    toggle.check()
    expect(paths).to_have_count(32)

    page.locator(".leaflet-container").click(position=map_point(page, *TARGET_POINT))
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    expect(popup.locator("dl.layer-popup dt")).to_have_text(["Nutzungsart"])
    expect(popup.locator("dl.layer-popup dd")).to_have_text([TARGET_USE])
    audit(page, watch)
    # The comments keep their own status line beside the layers' one.
    expect(page.locator("[data-map-status]")).to_have_text(re.compile(r"\d"))


@needs_real
def test_a_shapefile_without_prj_asks_for_the_crs_with_the_fitting_one_preselected(app, page, watch, de,
                                                                                    town, gis):
    log_in(page, gis, PASSWORD)
    upload_id = upload_file(page, watch, town, REAL / "broken/agger_gk2_missing_prj.zip", "Agger",
                            audit_pages=False)
    upload = stored(app, LayerUpload, upload_id)
    assert upload.status is UploadStatus.NEEDS_CHOICE, (upload.status, upload.message)
    assert upload.choices["suggested"] == [31466]
    form = page.locator(f"form[action='/{town.slug}/gis/hochladen/{upload_id}/auswahl']")
    expect(form.locator("input[type=radio][name=crs]:checked")).to_have_count(1)
    expect(form.locator("input[type=radio][name=crs][value='31466']")).to_be_checked()
    assert form.locator("input[type=radio][name=source_layer]").count() == 0  # one layer: nothing to pick
    audit(page, watch)

    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith(f"/{town.slug}/gis/hochladen/{upload_id}"), page.url
    wait_for_check(page)
    assert stored(app, LayerUpload, upload_id).status is UploadStatus.READY
    assert report_value(page, de, "Features") == "13"
    crs = report_value(page, de, "Source coordinate reference system")
    assert crs.startswith("EPSG:31466") and crs.endswith(f"({de('chosen at upload')})")
    expect_drawn(page, 13)
    audit(page, watch)


def test_hostile_files_are_refused_with_their_reason_and_create_no_layer(app, page, watch, de, town, gis):
    log_in(page, gis, PASSWORD)
    cases = {"zip_traversal.zip": "which points outside the archive",
             "kml_xxe_passwd.kml": "DOCTYPE or ENTITY declaration"}
    for name, reason in cases.items():
        upload_id = upload_file(page, watch, town, HOSTILE / name, f"Böse {name}", audit_pages=False)
        upload = stored(app, LayerUpload, upload_id)
        assert upload.status is UploadStatus.FAILED, (name, upload.status)
        assert reason in upload.message
        alert = page.locator("main .kern-alert--danger")
        expect(alert).to_have_count(1)
        expect(alert).to_contain_text(de(upload.message).format(**upload.message_params))
        assert "root:" not in page.locator("main").inner_text()  # nothing of /etc/passwd
        assert page.locator("form[action$='/veroeffentlichen']").count() == 0
        audit(page, watch)

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Layer)) == 0
        assert db.session.scalar(select(func.count()).select_from(LayerVersion)) == 0
    # The list shows the refused uploads, and no layer.
    page.goto(f"/{town.slug}/gis/ebenen")
    uploads = page.locator("main table").first.locator("tbody tr")
    expect(uploads).to_have_count(len(cases))
    expect(page.locator(f"main a[href^='/{town.slug}/gis/ebenen/']:not([href$='hochladen'])")).to_have_count(0)
    audit(page, watch)


@pytest.fixture
def land_use_layer(app, town, runner, tmp_path):
    """A published layer of two polygons with a "nutzung" attribute, imported with the CLI; returns its id."""
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nutzung": use},
         "geometry": {"type": "Polygon", "coordinates": [[[x, 53.55], [x + 0.002, 53.55], [x + 0.002, 53.552],
                                                          [x, 53.55]]]}}
        for x, use in ((13.25, "WA"), (13.254, "GE"))]}
    path = tmp_path / "nutzung.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["layers", "import", str(path), "--municipality", town.slug, "--name", "Nutzung"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session.scalar(select(Layer.id))


def fill_categories(page, town, layer_id: int) -> None:
    """On the style page, colour by "nutzung", fill the list, and give its first value a colour of our own."""
    page.goto(f"/{town.slug}/gis/ebenen/{layer_id}/darstellung")
    page.locator("#categorise_by").select_option("nutzung")
    with page.expect_navigation():
        page.locator("main button[name=action][value=fill]").click()
    expect(page.locator("input[name^='categories-'][name$='-value']")).to_have_count(2)
    page.locator("input[name='categories-0-colour']").fill("#123456")


def saved_categories(app, layer_id: int) -> dict:
    with app.app_context():
        style = db.session.get(Layer, layer_id).style
        return {c["value"]: c["colour"] for c in style["categories"]} if style.get("categorise_by") == "nutzung" else {}


def test_colours_by_attribute_are_saved_and_drawn(app, page, watch, town, gis, land_use_layer):
    log_in(page, gis, PASSWORD)
    fill_categories(page, town, land_use_layer)
    first = page.locator("input[name='categories-0-value']").input_value()
    with page.expect_navigation():
        page.locator("main button[name=action][value=save]:not([hidden])").click()
    assert page.url.endswith(f"/{town.slug}/gis/ebenen/{land_use_layer}"), f"Save style did not save: {page.url}"
    categories = saved_categories(app, land_use_layer)
    assert set(categories) == {"WA", "GE"} and categories[first] == "#123456"
    # The map colours each feature by its value; the legend has one swatch per value, then one
    # in the plain fill colour for any other value.
    expect_drawn(page, 2)
    assert sorted(gis_pane_paths(page).evaluate_all("els => els.map(e => e.getAttribute('fill'))")) == sorted(
        categories.values())
    swatches = page.locator(".layer-switcher .layer-legend svg rect")
    fills = swatches.evaluate_all("els => els.map(e => e.getAttribute('fill'))")
    assert sorted(fills[:-1]) == sorted(categories.values()) and fills[-1] == saved_fill(app, land_use_layer)
    audit(page, watch)


def saved_fill(app, layer_id: int) -> str:
    with app.app_context():
        return clean_style(db.session.get(Layer, layer_id).style)["fill"]


def test_enter_in_the_style_form_saves_the_style(app, page, watch, town, gis, land_use_layer):
    """Enter in a text field submits with the form's first submit button: that must be "Save style",
    not "Fill the list", which throws away the colours chosen so far."""
    log_in(page, gis, PASSWORD)
    fill_categories(page, town, land_use_layer)
    label = page.locator("table.popup-table tbody tr").filter(
        has=page.locator("input[type=hidden][value='nutzung']")).locator("input[type=text], input:not([type])")
    label.fill("Art der Nutzung")
    with page.expect_navigation():
        label.press("Enter")
    assert page.url.endswith(f"/{town.slug}/gis/ebenen/{land_use_layer}"), f"Enter did not save: {page.url}"
    assert "#123456" in saved_categories(app, land_use_layer).values()
