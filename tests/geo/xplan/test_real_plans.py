"""Every real XPlanGML file in ../shared/data/real/ reads, or is refused with a precise reason.

Feature and layer counts come from ../shared/data/real/SOURCES.md (what GDAL reads): there every
class is a layer, so the plan, its Bereiche, text sections and raster descriptions count too.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date
from typing import NamedTuple

import pytest
import shapely

from geo.errors import GeoInputError
from geo.layers.sandbox import run_limited
from geo.xplan import KINDS, LEGAL_STATUSES, read_plan
from tests.geo.xplan.conftest import REAL

pytestmark = pytest.mark.skipif(not (REAL / "xplan").is_dir(),
                                reason=f"real XPlanGML files not found in {REAL / 'xplan'}")


class Expected(NamedTuple):
    version: str
    plan_class: str
    name: str
    kind: str
    rechtsstand: str | None
    legal_status: str | None
    epsg: int
    #: (features, layers) as SOURCES.md gives them
    sources: tuple[int, int]
    #: (features, classes) that are structure, not content: the plan, its Bereiche, XP_Rasterdarstellung
    structure: tuple[int, int]


PLANS = {
    "xplan/BP2070_BP_xplan51_gk3_31467.gml":
        Expected("5.1", "BP_Plan", "BP2070", "bebauungsplan", None, None, 31467, (314, 16), (2, 2)),
    "xplan/BP_6.0_small_xplan60_25832.gml":
        Expected("6.0", "BP_Plan", "BPlan002_6-0_SoapUI-XPlanManagerAPI", "bebauungsplan", "3000", "adopted", 25832,
                 (14, 7), (2, 2)),
    "xplan/BPlan002_BP_xplan54_25832.gml":
        Expected("5.4", "BP_Plan", "BPlan002_5-4", "bebauungsplan", "3000", "adopted", 25832, (15, 8), (3, 3)),
    "xplan/Blankenese29_BP_xplan60_25832.gml":
        Expected("6.0", "BP_Plan", "Blankenese29_Testplan_60", "bebauungsplan", "3000", "adopted", 25832, (491, 16),
                 (2, 2)),
    "xplan/Denkmalbereichssatzung_BP_xplan53_25833.gml":
        Expected("5.3", "BP_Plan", "Denkmalbereichssatzung Eisenbahnersiedlung", "bebauungsplan", "1000",
                 "planning_decision", 25833, (1, 1), (1, 1)),
    "xplan/Rotherbaum27_BP_xplan52_25832.gml":
        Expected("5.2", "BP_Plan", "Rotherbaum27", "bebauungsplan", "3000", "adopted", 25832, (165, 23), (3, 3)),
    "xplan/StErhVO_Hamm_SO_xplan60_25832.gml":
        Expected("6.0", "SO_Plan", "StErhVO_Hamm_Testplan_60", "erhaltungssatzung", None, None, 25832, (6, 4), (2, 2)),
    "xplan/XPlanArchiv_BP_5.3_with_raster_25832.zip":
        Expected("5.3", "BP_Plan", "BPlan002_5-3_1_SoapUI-XPlanManagerAPI", "bebauungsplan", "50001", "repealed",
                 25832, (79, 20), (3, 3)),
    "xplan/XPlanArchiv_Eidelstedt4_xplan41_advURN.zip":
        Expected("4.1", "BP_Plan", "Eidelstedt 4", "bebauungsplan", "4000", "in_force", 25832, (56, 14), (2, 2)),
    "xplan/XPlanArchiv_FP_6.0.2_25832.zip":
        Expected("6.0", "FP_Plan", "FPlan_SO-Objekte-Test_6-0-2_SoapUI-XPlanManagerAPI", "fnp_aenderung", "3000",
                 "adopted", 25832, (15, 15), (2, 2)),
    # broken/: read, with a warning
    "broken/xplan52_archive_ring_orientation_bom.zip":
        Expected("5.2", "BP_Plan", "xplan52-Laufrichtungsfehler_SoapUI-XPlanManagerAPI", "bebauungsplan", "2000",
                 "early_participation", 25832, (17, 10), (2, 2)),
}
REFUSALS = {
    "broken/xplan41_archive_truncated_geltungsbereich_ring.zip":
        "area of application (raeumlicherGeltungsbereich) of the {plan_class} “{name}” cannot be read",
    "broken/xplan53_gk3_coords_labelled_25833.gml": "the file's CRS label is probably wrong",
    "broken/xplan60_schema_invalid_planArtCode.gml": "has no planArt, which XPlanGML requires",
    "broken/gdal_billionlaugh_xml_bomb.gml": "DOCTYPE or ENTITY declaration",
}


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """Each real file read once: name -> XPlan (or the GeoInputError it raised)."""
    out = {}
    for name in list(PLANS) + list(REFUSALS):
        work = tmp_path_factory.mktemp("xplan")
        try:
            out[name] = read_plan(REAL / name, work)
        except GeoInputError as exc:
            out[name] = exc
    return out


@pytest.mark.parametrize("name", list(PLANS))
def test_real_plan_reads(plans, name):
    plan, expected = plans[name], PLANS[name]
    assert not isinstance(plan, Exception), plan
    assert (plan.version, plan.plan_class, plan.name, plan.kind, plan.rechtsstand, plan.legal_status,
            plan.source_epsg) == expected[:7]
    assert plan.kind in KINDS and (plan.legal_status is None or plan.legal_status in LEGAL_STATUSES)
    assert plan.gml_id and plan.area.geom_type == "MultiPolygon" and plan.area.is_valid and not plan.area.is_empty
    west, south, east, north = plan.area.bounds
    assert 5 < west < east < 16 and 47 < south < north < 56
    features, layers = expected.sources
    structure_features, structure_layers = expected.structure
    objects = sum(len(o.features) for o in plan.object_classes)
    assert objects + len(plan.texts) + structure_features == features
    assert len(plan.object_classes) + (1 if plan.texts else 0) + structure_layers == layers
    for objects in plan.object_classes:
        frame = objects.features
        assert frame.crs.to_epsg() == 4326 and frame.geometry.notna().all() and frame.geometry.is_valid.all()
        assert frame["gml_id"].is_unique
        rows = frame.drop(columns="geometry").to_dict("records")
        json.dumps(rows, allow_nan=False)  # plain JSON-able values, no NaN
        minx, miny, maxx, maxy = frame.total_bounds
        assert 5 < minx <= maxx < 16 and 47 < miny <= maxy < 56


@pytest.mark.parametrize("name", list(REFUSALS))
def test_broken_plan_is_refused_with_a_reason(plans, name):
    error = plans[name]
    assert isinstance(error, GeoInputError), f"{name} was read"
    assert REFUSALS[name] in error.message


def test_truncated_ring_names_the_count(plans):
    error = plans["broken/xplan41_archive_truncated_geltungsbereich_ring.zip"]
    assert error.params["name"] == "Eidelstedt 4"
    assert "declares 90 positions but holds 3" in error.params["reason"]


def test_mislabelled_crs_suggests_gauss_krueger_and_reads_with_it(plans, tmp_path):
    error = plans["broken/xplan53_gk3_coords_labelled_25833.gml"]
    assert error.params["suggested"] == [31467]
    plan = read_plan(REAL / "broken/xplan53_gk3_coords_labelled_25833.gml", tmp_path, crs=31467)
    assert plan.source_epsg == 31467
    assert plan.area.bounds == pytest.approx((8.678, 53.135, 8.714, 53.148), abs=0.01)  # Bremen, as BP2070
    assert plan.dates == {"display_starts_on": date(2021, 8, 20)}  # the later of two auslegungsStartDatum


def test_wrong_ring_direction_is_reported(plans):
    plan = plans["broken/xplan52_archive_ring_orientation_bom.zip"]
    [warning] = plan.warnings
    assert warning.message.startswith("Polygons of class {name} with rings in the wrong direction")
    assert warning.params == {"name": "BP_BaugebietsTeilFlaeche", "count": 1}


def test_blankenese_texts_and_the_objects_they_govern(plans):
    plan = plans["xplan/Blankenese29_BP_xplan60_25832.gml"]
    assert len(plan.texts) == 12
    assert {t.schluessel for t in plan.texts} == {"§2 Nr.1", "§2 Nr.2", "§2 Nr.3", "§2 Nr.4", "§2 Nr.5"} | {
        f"§2 Nr.5.{i}" for i in range(1, 8)}
    assert all(t.text for t in plan.texts)
    texts = {t.schluessel: t for t in plan.texts}
    assert texts["§2 Nr.5.7"].text == "Bei Verblendung mit Vormauersteinen sind rote Ziegelsteine zu verwenden."
    assert texts["§2 Nr.5.7"].object_ids == ["GML_8d116d2f-509e-4597-9c8f-5bb5527abe66"]
    assert sum(1 for t in plan.texts if t.object_ids) == 9
    ids = {gml_id for o in plan.object_classes for gml_id in o.features["gml_id"]}
    assert all(set(t.object_ids) <= ids for t in plan.texts)
    assert plan.number == "29" and plan.dates == {"adopted_on": date(1991, 7, 2)}  # rechtsverordnungsDatum


def test_blankenese_60_nested_and_numeric_attributes(plans):
    plan = plans["xplan/Blankenese29_BP_xplan60_25832.gml"]
    frame = next(o.features for o in plan.object_classes if o.name == "BP_BaugebietsTeilFlaeche")
    assert len(frame) == 42
    first = frame.set_index("gml_id").loc["GML_4b97d1c5-89ef-4fe9-a1f8-94a5b06f3144"]
    assert (first["GRZ"], first["besondereArtDerBaulNutzung"], first["flaechenschluss"]) == (0.4, "1100", True)
    assert first["Z"] is None
    small = plans["xplan/BP_6.0_small_xplan60_25832.gml"]
    green = next(o.features for o in small.object_classes if o.name == "BP_GruenFlaeche")
    assert set(green["zweckbestimmung"]) == {"1000"}  # 6.0: zweckbestimmung/BP_KomplexeZweckbestGruen/allgemein


def test_raster_of_the_53_archive_near_hamburg(plans):
    plan = plans["xplan/XPlanArchiv_BP_5.3_with_raster_25832.zip"]
    [raster] = plan.rasters
    assert raster.path.name == "BPlan002_5-3.png" and raster.georeference == "world file"
    assert raster.bounds == pytest.approx((9.864, 53.5774, 9.8671, 53.5792), abs=0.0005)
    assert shapely.box(*raster.bounds).intersects(plan.area)
    [scan] = plan.references
    assert (scan.kind, scan.url, scan.archive_path) == ("scan", "BPlan002_5-3.png", raster.path)
    assert plan.dates == {"planning_decision_on": date(2017, 9, 18), "display_starts_on": date(2019, 3, 7),
                          "display_ends_on": date(2019, 4, 8), "adopted_on": date(2019, 4, 25),
                          "in_force_from": date(2020, 8, 1)}
    assert len(plan.texts) == 18 and not plan.warnings


def test_eidelstedt_41_adv_urn(plans):
    with zipfile.ZipFile(REAL / "xplan/XPlanArchiv_Eidelstedt4_xplan41_advURN.zip") as archive:
        assert b'srsName="urn:adv:crs:ETRS89_UTM32"' in archive.read("xplan.gml")
    plan = plans["xplan/XPlanArchiv_Eidelstedt4_xplan41_advURN.zip"]
    assert plan.source_epsg == 25832 and plan.dates == {"in_force_from": date(1973, 10, 16)}
    assert plan.area.bounds == pytest.approx((9.900, 53.592, 9.909, 53.598), abs=0.002)


def test_references_outside_an_archive_are_kept_with_a_warning(plans):
    denkmal = plans["xplan/Denkmalbereichssatzung_BP_xplan53_25833.gml"]
    [satzung] = denkmal.references
    assert (satzung.kind, satzung.mime_type, satzung.archive_path) == ("legal_text", "application/pdf", None)
    assert satzung.url.startswith("https://www.wustermark.de/")
    rotherbaum = plans["xplan/Rotherbaum27_BP_xplan52_25832.gml"]
    assert [(r.kind, r.url) for r in rotherbaum.references] == [("scan", "Rotherbaum27.png")]
    assert [w.params for w in rotherbaum.warnings] == [{"name": "Rotherbaum27.png"}]


def _gdal_area(path, layer):
    """Area of a layer as GDAL reads it (runs in the sandbox child, where GDAL may be loaded)."""
    import pyogrio  # noqa: PLC0415 (GDAL only in the child)

    return float(pyogrio.read_dataframe(path, layer=layer).to_crs(25832).area.sum())


def test_arcs_match_gdal(plans, tmp_path):
    # StErhVO's area is made of 12 gml:Arc segments among 399 line strings; GDAL strokes them too.
    copy = tmp_path / "StErhVO.gml"  # GDAL writes a .gfs beside what it reads
    shutil.copyfile(REAL / "xplan/StErhVO_Hamm_SO_xplan60_25832.gml", copy)
    expected = run_limited(_gdal_area, copy, "SO_Gebiet", timeout=60, memory_bytes=2**31)
    plan = plans["xplan/StErhVO_Hamm_SO_xplan60_25832.gml"]
    [gebiet] = plan.object_classes
    assert gebiet.features.to_crs(25832).area.sum() == pytest.approx(expected, rel=1e-5)
    assert len(plan.texts) == 3 and plan.dates == {"adopted_on": date(2021, 1, 18)}  # genehmigungsDatum
