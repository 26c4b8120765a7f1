"""XPlanGML import: a plan becomes one statute with its area, dates, plan layers, text and period;
importing it again updates the same statute and layers; refusals store nothing. The upload page
with its job, and ``flask statutes import-xplan``.

The real plans are AGPL/GPL test data read in place from ../shared/data/real/xplan/ (skipped when absent).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import func, select

from geo.errors import GeoInputError
from participation.accounts.models import Role
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.maps.services import arrange_map
from participation.municipalities.models import Municipality
from participation.statutes.cli import COMMAND_LINE
from participation.statutes.documents import document_path
from participation.statutes.models import DocumentKind, LegalStatus, PeriodKind, Statute, StatuteKind
from participation.statutes.xplan_import import import_xplan
from participation.statutes.xplan_layers import RULES
from tests.conftest import csrf_token, wait_for_jobs

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real" / "xplan"
DEMO = Path(__file__).resolve().parents[2] / "participation" / "demo" / "files" / "bplan_nr12_am_muehlenteich.gml"

# file -> (kind, legal status, layers, paragraphs)
REAL_PLANS = {
    "BP2070_BP_xplan51_gk3_31467.gml": (StatuteKind.BEBAUUNGSPLAN, LegalStatus.PLANNING_DECISION, 13, 0),
    "BP_6.0_small_xplan60_25832.gml": (StatuteKind.BEBAUUNGSPLAN, LegalStatus.ADOPTED, 4, 0),
    "BPlan002_BP_xplan54_25832.gml": (StatuteKind.BEBAUUNGSPLAN, LegalStatus.ADOPTED, 4, 0),
    "Blankenese29_BP_xplan60_25832.gml": (StatuteKind.BEBAUUNGSPLAN, LegalStatus.ADOPTED, 12, 12),
    "Denkmalbereichssatzung_BP_xplan53_25833.gml": (StatuteKind.BEBAUUNGSPLAN, LegalStatus.PLANNING_DECISION, 0, 0),
    "Rotherbaum27_BP_xplan52_25832.gml": (StatuteKind.BEBAUUNGSPLAN, LegalStatus.ADOPTED, 17, 12),
    "StErhVO_Hamm_SO_xplan60_25832.gml": (StatuteKind.ERHALTUNGSSATZUNG, LegalStatus.PLANNING_DECISION, 1, 3),
    "XPlanArchiv_BP_5.3_with_raster_25832.zip": (StatuteKind.BEBAUUNGSPLAN, LegalStatus.REPEALED, 14, 18),
    "XPlanArchiv_Eidelstedt4_xplan41_advURN.zip": (StatuteKind.BEBAUUNGSPLAN, LegalStatus.IN_FORCE, 10, 0),
    "XPlanArchiv_FP_6.0.2_25832.zip": (StatuteKind.FNP_AENDERUNG, LegalStatus.ADOPTED, 13, 0),
}
#: A square of Neubrandenburg, far from the Hamburg test plans.
ELSEWHERE = MultiPolygon([Polygon([(13.2, 53.5), (13.3, 53.5), (13.3, 53.6), (13.2, 53.6)])])
NOT_XPLAN = b'<?xml version="1.0"?><FeatureCollection xmlns="http://www.opengis.net/wfs"/>'
VERSION_3 = (b'<?xml version="1.0"?><xplan:XPlanAuszug xmlns:xplan="http://www.xplanung.de/xplangml/3/0" '
             b'xmlns:gml="http://www.opengis.net/gml/3.2"/>')


def real(name: str) -> Path:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"real XPlanGML test plans not found in {REAL}")
    return path


def counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count(Statute.id))), db.session.scalar(select(func.count(Layer.id))),
            db.session.scalar(select(func.count(LayerFeature.id))))


@pytest.mark.parametrize("name", sorted(REAL_PLANS))
def test_every_real_plan_imports_as_a_statute_with_its_layers(ctx, town, name):
    kind, status, layers, paragraphs = REAL_PLANS[name]
    town = db.session.get(Municipality, town.id)
    result = import_xplan(town, real(name), COMMAND_LINE)
    db.session.commit()

    statute = db.session.get(Statute, result.statute.id)
    assert result.created and not statute.is_published  # a draft until a planner publishes it
    assert (statute.kind, statute.status) == (kind, status)
    assert statute.xplan_id and statute.xplan_version == result.version
    west, south, east, north = statute.area.bounds
    assert 5 < west < east < 16 and 47 < south < north < 56
    assert len(statute.map.layers) == layers == len(result.classes)
    assert sum(len(s.paragraphs) for s in statute.sections) == paragraphs
    for item in statute.map.layers:
        version = item.layer.current_version
        assert version is not None and version.feature_count > 0
        assert version.report["xplan_plan"] == statute.xplan_id
        feature = db.session.scalars(select(LayerFeature).where(LayerFeature.version_id == version.id)).first()
        assert feature.properties["xplan_class"] == version.report["xplan_class"]
        assert feature.properties["gml_id"] and feature.properties[RULES]
        assert item.layer.popup[0]["attribute"] == RULES
    # Presentation objects (labels of the drawn plan) are no layers.
    assert not any(item.layer.current_version.report["xplan_class"].startswith("XP_P") for item in statute.map.layers)
    assert statute.search_text.startswith(statute.title) or statute.number in statute.search_text


def test_zoning_areas_are_styled_and_described_in_words_with_the_codes_kept(ctx, town):
    result = import_xplan(db.session.get(Municipality, town.id), real("Blankenese29_BP_xplan60_25832.gml"),
                          COMMAND_LINE)
    db.session.commit()
    statute = db.session.get(Statute, result.statute.id)
    zoning = next(item.layer for item in statute.map.layers
                  if item.layer.current_version.report["xplan_class"] == "BP_BaugebietsTeilFlaeche")
    assert zoning.name == "BP 29 – Baugebietsteilfläche"
    assert zoning.current_version.feature_count == 42
    assert zoning.style["categorise_by"] == "besondereArtDerBaulNutzung"
    assert {category["label"] for category in zoning.style["categories"]} & {"Reines Wohngebiet",
                                                                             "Allgemeines Wohngebiet"}
    row = next(row for row in zoning.popup if row["attribute"] == "besondereArtDerBaulNutzung")
    features = db.session.scalars(select(LayerFeature).where(LayerFeature.version_id == zoning.current_version_id))
    for feature in features:
        code = str(feature.properties["besondereArtDerBaulNutzung"])
        assert code.isdigit()  # the raw code is kept …
        assert row["values"][code] in feature.properties[RULES]  # … and shown in words
    # The paragraphs name plan objects that are on the statute's map (a click highlights them).
    named = {gml_id for section in statute.sections for paragraph in section.paragraphs
             for gml_id in paragraph.plan_objects}
    assert named
    on_map = set(db.session.scalars(select(LayerFeature.properties["gml_id"].as_string()).join(
        Layer, Layer.current_version_id == LayerFeature.version_id).where(Layer.id.in_(
            [item.layer_id for item in statute.map.layers]))))
    assert named <= on_map
    assert [section.number for section in statute.sections] == ["§ 2"]
    assert statute.sections[0].paragraphs[0].number == "Nr.1"


def test_display_dates_become_the_display_period_and_dates_are_taken(ctx, town):
    result = import_xplan(db.session.get(Municipality, town.id), real("XPlanArchiv_BP_5.3_with_raster_25832.zip"),
                          COMMAND_LINE)
    db.session.commit()
    statute = db.session.get(Statute, result.statute.id)
    assert [(p.kind, p.starts_on, p.ends_on) for p in statute.periods] == [
        (PeriodKind.DISPLAY, date(2019, 3, 7), date(2019, 4, 8))]
    assert (statute.planning_decision_on, statute.adopted_on, statute.in_force_from) == (
        date(2017, 9, 18), date(2019, 4, 25), date(2020, 8, 1))


def test_the_raster_plan_of_an_archive_becomes_a_document_drawn_on_the_map(ctx, town):
    town = db.session.get(Municipality, town.id)
    path = real("XPlanArchiv_BP_5.3_with_raster_25832.zip")
    result = import_xplan(town, path, COMMAND_LINE)
    db.session.commit()
    statute = db.session.get(Statute, result.statute.id)
    [document] = statute.documents
    assert (document.kind, document.media_type, document.filename) == (DocumentKind.PLAN, "image/png",
                                                                        "BPlan002_5-3.png")
    west, south, east, north = document.overlay_bounds
    assert 9.86 < west < east < 9.87 and 53.57 < south < north < 53.58  # Hamburg
    assert document_path(document).is_file()
    assert (result.documents, result.overlays) == (1, 1)
    again = import_xplan(town, path, COMMAND_LINE)  # the same file is not stored twice
    db.session.commit()
    assert again.documents == 0 and len(db.session.get(Statute, statute.id).documents) == 1


def test_importing_again_updates_the_statute_and_adds_layer_versions(ctx, town):
    town = db.session.get(Municipality, town.id)
    path = real("Rotherbaum27_BP_xplan52_25832.gml")
    first = import_xplan(town, path, COMMAND_LINE)
    db.session.commit()
    statute = db.session.get(Statute, first.statute.id)
    anchors = [p.anchor for s in statute.sections for p in s.paragraphs]
    # The planner rearranges the map and publishes the statute.
    rows = [(item.layer_id, index % 2 == 0) for index, item in enumerate(reversed(statute.map.layers))]
    arrange_map(statute.map, town, None, rows)
    statute.title = "Rotherbaum 27 (by hand)"
    db.session.commit()
    before = counts()

    second = import_xplan(town, path, COMMAND_LINE)
    db.session.commit()
    statute = db.session.get(Statute, first.statute.id)
    assert second.statute.id == first.statute.id and not second.created
    assert counts()[:2] == before[:2]  # no second statute, no duplicate layers
    assert [(item.layer_id, item.visible) for item in statute.map.layers] == rows  # the arrangement is kept
    assert {item.version for item in second.classes} == {2}
    for item in statute.map.layers:
        assert item.layer.current_version.number == 2 and len(item.layer.versions) == 2
    assert statute.title == "Rotherbaum27"  # the plan's name
    assert [p.anchor for s in statute.sections for p in s.paragraphs] == anchors  # same text, same anchors


def test_a_hand_written_text_is_kept_and_the_import_says_so(ctx, town, create_statute):
    statute = create_statute(town=town, number="29", published=True,
                             sections=[("§ 1", "Geltung", ["Ein eigener Text."])])
    result = import_xplan(db.session.get(Municipality, town.id), real("Blankenese29_BP_xplan60_25832.gml"),
                          COMMAND_LINE)
    db.session.commit()
    assert result.statute.id == statute.id  # found by kind and number
    assert result.published  # it was published and stays so
    assert [p.text for s in result.statute.sections for p in s.paragraphs] == ["Ein eigener Text."]
    assert any("text of its own" in message for message, _params in result.warnings)


def test_a_plan_outside_the_town_boundary_is_refused_and_nothing_is_stored(ctx, town):
    town = db.session.get(Municipality, town.id)
    town.boundary = ELSEWHERE
    db.session.commit()
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "statute-documents"
    files = set(folder.iterdir()) if folder.exists() else set()
    with pytest.raises(GeoInputError) as refused:
        import_xplan(town, real("XPlanArchiv_BP_5.3_with_raster_25832.zip"), COMMAND_LINE)
    db.session.rollback()
    assert "beyond the town's boundary" in refused.value.message
    assert counts() == (0, 0, 0)
    assert (set(folder.iterdir()) if folder.exists() else set()) == files  # no document file either


def test_the_demo_plan_imports_with_its_text_in_paragraphs(ctx, town):
    result = import_xplan(db.session.get(Municipality, town.id), DEMO, COMMAND_LINE)
    db.session.commit()
    assert result.classes and result.statute.area is not None
    first = result.statute.sections[0]
    # A text section written as "heading, (1) …, (2) …" becomes a section with its paragraphs.
    assert (first.number, first.heading) == ("§ 1", "Art der baulichen Nutzung")
    assert [p.number for p in first.paragraphs] == ["(1)", "(2)", "(3)"]
    assert first.paragraphs[0].text.startswith("Die allgemeinen Wohngebiete WA 1 bis WA 4")
    assert all(p.plan_objects for p in first.paragraphs)


# The upload page and its job -----------------------------------------------------------------------------


def upload(client, town, content: bytes, name: str):
    url = f"/{town.slug}/satzungen/import"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "file": (__import__("io").BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_a_planner_imports_a_plan_in_the_browser_and_reads_the_report(app, client, town, planner):
    response = upload(client, town, real("BPlan002_BP_xplan54_25832.gml").read_bytes(), "BPlan002.gml")
    assert response.status_code == 302
    page_url = response.headers["Location"]
    assert f"/{town.slug}/satzungen/import/" in page_url
    wait_for_jobs(app)
    page = client.get(page_url).get_data(as_text=True)
    assert "Die Satzung „BPlan002_5-4“ wurde angelegt." in page
    assert "Importbericht" in page and "Baugebietsteilfläche" in page
    with app.app_context():
        statute = db.session.scalar(select(Statute))
        assert statute is not None and not statute.is_published
        assert f"/{town.slug}/satzungen/{statute.id}" in page
        assert len(statute.map.layers) == 4
        job = db.session.scalar(select(Job))
        assert job.status is JobStatus.FINISHED
    assert list((Path(app.config["UPLOAD_FOLDER"]) / "xplan-imports").iterdir()) == []  # the file is gone
    status = client.get(f"{page_url}/status").get_json()
    assert status["done"] and status["status"] == "finished"


@pytest.mark.parametrize("content, expected", [
    (NOT_XPLAN, "ist kein XPlanGML"),
    (VERSION_3, "XPlanGML-Version 3.0"),
])
def test_a_file_that_cannot_be_imported_gets_a_translated_reason(app, client, town, planner, content, expected):
    response = upload(client, town, content, "plan.gml")
    wait_for_jobs(app)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Der Plan kann nicht importiert werden" in page
    assert expected in page
    with app.app_context():
        assert counts() == (0, 0, 0)


def test_the_form_refuses_other_files(client, town, planner):
    response = upload(client, town, b"a,b\n1,2\n", "plan.csv")
    assert response.status_code == 200
    assert "XPlanGML-Datei (.gml) oder ein XPlanArchiv (.zip)" in response.get_data(as_text=True)


def test_only_the_town_staff_imports_and_follows_imports(app, client, town, create_user, create_town, login):
    url = f"/{town.slug}/satzungen/import"
    assert client.get(url).status_code == 302  # to the login
    login(create_user(Role.RESIDENT))
    assert client.get(url).status_code == 403
    other = create_town()
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(create_user(Role.PLANNER, towns=[other]))
    assert client.get(url).status_code == 403
    with app.app_context():
        job = Job(kind="xplan_import", payload={"town_id": town.id}, status=JobStatus.FINISHED)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    assert client.get(f"/{other.slug}/satzungen/import/{job_id}").status_code == 404  # another town's import
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(create_user(Role.GIS, towns=[town]))
    assert client.get(url).status_code == 200


# The command line ----------------------------------------------------------------------------------------


def test_the_command_line_imports_and_publishes(app, runner, town):
    result = runner.invoke(args=["statutes", "import-xplan", town.slug, str(real("BPlan002_BP_xplan54_25832.gml")),
                                 "--publish"])
    assert result.exit_code == 0, result.output
    assert "(created)" in result.output and "[published]" in result.output
    assert "BP_BaugebietsTeilFlaeche: 3 features" in result.output
    with app.app_context():
        statute = db.session.scalar(select(Statute))
        assert statute.is_published
        assert db.session.scalar(select(func.count(LayerVersion.id))) == 4


def test_the_command_line_says_why_a_file_is_refused(runner, town, tmp_path):
    path = tmp_path / "plan.gml"
    path.write_bytes(NOT_XPLAN)
    result = runner.invoke(args=["statutes", "import-xplan", town.slug, str(path)])
    assert result.exit_code != 0
    assert "XPlanGML" in result.output
