"""Small XPlanGML files written here: refusals, geometry forms, archives, rasters, the code tables."""
from __future__ import annotations

import math
import struct
import zipfile
import zlib
from datetime import date

import pytest

from geo.layers import Limits
from geo.xplan import status
from tests.geo.xplan.conftest import SQUARE, plan_gml

GML31 = "http://www.opengis.net/gml"


def _object(cls: str, gml_id: str, geometry: str, extra: str = "") -> str:
    return (f'<gml:featureMember><xplan:{cls} gml:id="{gml_id}">{extra}<xplan:position>{geometry}</xplan:position>'
            f'</xplan:{cls}></gml:featureMember>')


def _polygon(coords: str = SQUARE, srs: str = "EPSG:25832") -> str:
    return (f'<gml:Polygon srsName="{srs}"><gml:exterior><gml:LinearRing><gml:posList>{coords}</gml:posList>'
            f'</gml:LinearRing></gml:exterior></gml:Polygon>')


# -- refusals ----------------------------------------------------------------------------------------------------

def test_other_gml_is_not_xplan(write, refused):
    error = refused(write('<?xml version="1.0"?><wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" '
                          'xmlns:gml="http://www.opengis.net/gml"><gml:featureMember/></wfs:FeatureCollection>'))
    assert error.message.startswith("The file is not XPlanGML: its root element is <{root}>")
    assert error.params == {"root": "FeatureCollection", "namespace": "http://www.opengis.net/wfs"}


@pytest.mark.parametrize("version", ["3.0", "7.0"])
def test_unsupported_version_names_the_supported_ones(write, refused, version):
    major, minor = version.split(".")
    error = refused(write(plan_gml(f"http://www.xplanung.de/xplangml/{major}/{minor}")))
    assert error.message.startswith("XPlanGML version {version} is not supported")
    assert error.params == {"version": version, "supported": "4.1, 5.0–5.4 or 6.0"}


def test_plan_without_area_of_application(write, refused):
    plan = '<xplan:BP_Plan gml:id="P"><xplan:name>Ohne</xplan:name><xplan:planArt>1000</xplan:planArt></xplan:BP_Plan>'
    error = refused(write(plan_gml(plan=plan)))
    assert error.message == "The {plan_class} “{name}” has no area of application (raeumlicherGeltungsbereich)."
    assert error.params == {"plan_class": "BP_Plan", "name": "Ohne"}


def test_several_plans_are_refused_by_name(write, refused):
    second = plan_gml().split("<gml:featureMember>", 1)[1].split("</gml:featureMember>")[0].replace(
        "Testplan", "Zweiter").replace("PLAN_1", "PLAN_2")
    error = refused(write(plan_gml(members=f"<gml:featureMember>{second}</gml:featureMember>")))
    assert error.params["count"] == 2
    assert error.params["names"] == "BP_Plan “Testplan”, BP_Plan “Zweiter”"


def test_no_plan(write, refused):
    error = refused(write(plan_gml(plan=f'<xplan:BP_BauGrenze gml:id="B"><xplan:position>{_polygon()}'
                                        f'</xplan:position></xplan:BP_BauGrenze>')))
    assert error.message.startswith("The XPlanGML file contains no plan")
    assert error.params == {"classes": "1 × BP_BauGrenze"}


def test_not_well_formed(write, refused):
    error = refused(write(plan_gml()[:-30]))
    assert error.message == "The file is not well-formed XML ({reason}, line {line})."


def test_doctype_is_refused_before_parsing(write, refused):
    text = plan_gml().replace("<xplan:XPlanAuszug", '<!DOCTYPE x [<!ENTITY a "aaaa">]><xplan:XPlanAuszug', 1)
    assert "DOCTYPE or ENTITY" in refused(write(text)).message


def test_missing_srs_name_gets_a_guess(write, refused):
    error = refused(write(plan_gml(srs="").replace(' srsName=""', "")))
    assert error.message.startswith("The XPlanGML file states no coordinate reference system (srsName); its")
    assert "EPSG:25832" in error.params["guess"]


def test_unknown_srs_name(write, refused):
    error = refused(write(plan_gml(srs="urn:example:crs:nonsense")))
    assert error.params == {"srs": "urn:example:crs:nonsense"}


def test_feature_limit(write, refused):
    members = "".join(_object("BP_BauGrenze", f"B{i}", _polygon()) for i in range(5))
    error = refused(write(plan_gml(members=members)), limits=Limits(max_features=3))
    assert error.params == {"limit": 3}


def test_other_suffix(write, refused):
    assert refused(write(plan_gml(), "plan.json")).params == {"suffix": ".json"}


# -- geometry ----------------------------------------------------------------------------------------------------

def test_arc_curve_and_ring_of_curves(write, read):
    # A half disc of radius 50 around (565050, 5940000): straight segment, then an arc back.
    half_disc = ('<gml:Polygon srsName="EPSG:25832"><gml:exterior><gml:Ring><gml:curveMember><gml:Curve>'
                 '<gml:segments><gml:LineStringSegment><gml:posList>565000 5940000 565100 5940000</gml:posList>'
                 '</gml:LineStringSegment><gml:Arc><gml:posList>565100 5940000 565050 5940050 565000 5940000'
                 '</gml:posList></gml:Arc></gml:segments></gml:Curve></gml:curveMember></gml:Ring></gml:exterior>'
                 '</gml:Polygon>')
    plan = read(write(plan_gml(members=_object("BP_GruenFlaeche", "G", half_disc))))
    [objects] = plan.object_classes
    area = objects.features.to_crs(25832).area.iloc[0]
    assert area == pytest.approx(math.pi * 50**2 / 2, rel=0.01)
    assert not plan.warnings  # counter-clockwise, as XPlanung wants


def test_clockwise_exterior_ring_is_reported(write, read):
    clockwise = "565000 5940000 565000 5940100 565100 5940100 565100 5940000 565000 5940000"
    plan = read(write(plan_gml(members=_object("BP_BauGrenze", "B", _polygon(clockwise)))))
    assert [w.params for w in plan.warnings] == [{"name": "BP_BauGrenze", "count": 1}]


def test_lat_lon_urn_is_swapped_to_lon_lat(write, read):
    square = "53.55 10.0 53.55 10.01 53.56 10.01 53.56 10.0 53.55 10.0"
    plan = read(write(plan_gml(srs="urn:ogc:def:crs:EPSG::4258").replace(SQUARE, square)))
    assert plan.source_epsg == 4258
    assert plan.area.bounds == pytest.approx((10.0, 53.55, 10.01, 53.56), abs=1e-4)


def test_gml31_multi_geometries_and_skipped_objects(write, read):
    members = (_object("BP_StrassenbegrenzungsLinie", "L", '<gml:MultiCurve srsName="EPSG:25832"><gml:curveMember>'
                       '<gml:LineString><gml:posList>565000 5940000 565100 5940100</gml:posList></gml:LineString>'
                       '</gml:curveMember></gml:MultiCurve>')
               + _object("BP_BauGrenze", "BAD", '<gml:LineString srsName="EPSG:25832"><gml:posList count="3">'
                         '565000 5940000 565100 5940100</gml:posList></gml:LineString>')
               + '<gml:featureMember><xplan:BP_Dummy gml:id="D"><xplan:text>x</xplan:text></xplan:BP_Dummy>'
                 '</gml:featureMember>')
    plan = read(write(plan_gml("4.1", gml=GML31, members=members)))
    assert plan.version == "4.1"
    assert [(o.name, len(o.features)) for o in plan.object_classes] == [("BP_StrassenbegrenzungsLinie", 1)]
    assert plan.object_classes[0].features.geometry.iloc[0].geom_type == "MultiLineString"
    assert [(w.params.get("name"), w.params.get("gml_id")) for w in plan.warnings] == [
        ("BP_BauGrenze", "BAD"), ("BP_Dummy", None)]


def test_progress_is_called_per_class(write, read):
    members = "".join(_object(cls, cls, _polygon()) for cls in ("BP_BauGrenze", "BP_GruenFlaeche", "SO_Gebiet"))
    calls = []
    read(write(plan_gml(members=members)), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


# -- archives, references, rasters -------------------------------------------------------------------------------

def _png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + header
            + struct.pack(">I", zlib.crc32(b"IHDR" + header)))


def _geotiff(width: int, height: int, left: float, top: float, size: float, epsg: int) -> bytes:
    """A little-endian TIFF whose first directory holds size and GeoTIFF georeference tags (no pixels)."""
    entries = [(256, 4, 1, width), (257, 4, 1, height)]
    extra = b""
    base = 8 + 2 + 12 * 5 + 4  # header, entry count, five entries, next-directory offset
    scale = struct.pack("<3d", size, size, 0.0)
    tie = struct.pack("<6d", 0, 0, 0, left, top, 0)
    keys = struct.pack("<8H", 1, 1, 0, 1, 3072, 0, 1, epsg)
    for tag, kind, data in ((33550, 12, scale), (33922, 12, tie), (34735, 3, keys)):
        entries.append((tag, kind, len(data) // (8 if kind == 12 else 2), base + len(extra)))
        extra += data
    directory = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + b"\0" * 4
    return b"II*\x00" + struct.pack("<I", 8) + directory + extra


def test_archive_with_documents_and_rasters(tmp_path, read):
    members = ('<gml:featureMember><xplan:XP_Rasterdarstellung gml:id="R"><xplan:refScan><xplan:XP_ExterneReferenz>'
               '<xplan:georefURL>scan.pgw</xplan:georefURL><xplan:referenzURL>scan.png</xplan:referenzURL>'
               '</xplan:XP_ExterneReferenz></xplan:refScan></xplan:XP_Rasterdarstellung></gml:featureMember>')
    refs = ('<xplan:externeReferenz><xplan:XP_SpezExterneReferenz><xplan:referenzName>Begründung</xplan:referenzName>'
            '<xplan:referenzURL>docs/Begr%C3%BCndung.pdf</xplan:referenzURL><xplan:typ>1010</xplan:typ>'
            '</xplan:XP_SpezExterneReferenz></xplan:externeReferenz><xplan:externeReferenz><xplan:XP_SpezExterneReferenz>'
            '<xplan:referenzURL>fehlt.pdf</xplan:referenzURL><xplan:typ>1050</xplan:typ></xplan:XP_SpezExterneReferenz>'
            '</xplan:externeReferenz><xplan:planArt>')
    text = plan_gml("5.4", members=members).replace("<xplan:planArt>", refs, 1)
    archive = tmp_path / "XPlanArchiv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("xplan.gml", text)
        zf.writestr("docs/Begründung.pdf", b"%PDF-1.4")
        zf.writestr("scan.png", _png(200, 200))
        zf.writestr("scan.pgw", "0.5\n0\n0\n-0.5\n565000.25\n5940099.75\n")
        zf.writestr("karte.tif", _geotiff(100, 100, 565000, 5940100, 1.0, 25832))
        zf.writestr("ohne.jpg", b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x10\x00\x20\x03" + b"\0" * 12)
    plan = read(archive)
    by_kind = {r.kind: r for r in plan.references}
    assert by_kind["justification"].archive_path.name == "Begründung.pdf"
    assert by_kind["justification"].name == "Begründung"
    assert by_kind["environmental_report"].archive_path is None
    assert by_kind["scan"].archive_path.name == "scan.png"
    rasters = {r.path.name: r for r in plan.rasters}
    assert set(rasters) == {"scan.png", "karte.tif"}
    assert (rasters["scan.png"].width, rasters["scan.png"].height) == (200, 200)
    assert rasters["scan.png"].bounds == pytest.approx(rasters["karte.tif"].bounds, abs=1e-6)  # same 100 m square
    assert rasters["karte.tif"].bounds == pytest.approx(plan.area.bounds, abs=1e-6)
    assert rasters["karte.tif"].georeference == "GeoTIFF"
    assert sorted(w.params["name"] for w in plan.warnings) == ["fehlt.pdf", "ohne.jpg"]


def test_archive_with_several_unnamed_plans(tmp_path, refused):
    archive = tmp_path / "zwei.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.gml", plan_gml())
        zf.writestr("b.gml", plan_gml())
    assert refused(archive).params == {"names": "a.gml, b.gml"}


def test_archive_path_traversal_is_refused(tmp_path, refused):
    archive = tmp_path / "boese.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../xplan.gml", plan_gml())
    assert "points outside the archive" in refused(archive).message


# -- code tables ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("plan_class", "arts", "extra", "expected"), [
    ("BP_Plan", ["1000"], {}, "bebauungsplan"),
    ("BP_Plan", ["10001"], {}, "bebauungsplan"),
    ("BP_Plan", ["3000"], {}, "vorhabenbezogener_bebauungsplan"),
    ("BP_Plan", ["3100"], {}, "vorhabenbezogener_bebauungsplan"),
    ("BP_Plan", ["7000"], {}, "gestaltungssatzung"),
    ("BP_Plan", ["1000"], {"has_sperre": True, "has_content": False}, "veraenderungssperre"),
    ("BP_Plan", ["1000"], {"has_sperre": True}, "bebauungsplan"),
    ("BP_Plan", ["4000"], {}, "other"),
    ("FP_Plan", ["1000"], {}, "fnp_aenderung"),
    ("SO_Plan", [], {"gebietsarten": {"17001"}}, "erhaltungssatzung"),
    ("SO_Plan", [], {"gebietsarten": {"2100"}}, "erhaltungssatzung"),
    ("SO_Plan", [], {"gebietsarten": {"1100"}}, "other"),
    ("RP_Plan", ["1000"], {}, "other"),
])
def test_kind(plan_class, arts, extra, expected):
    options = {"gebietsarten": set(), "has_sperre": False, "has_content": True} | extra
    assert status.kind(plan_class, arts, **options) == expected


@pytest.mark.parametrize(("plan_class", "code", "expected"), [
    ("BP_Plan", "1000", "planning_decision"), ("BP_Plan", "2200", "early_participation"),
    ("BP_Plan", "2400", "public_display"), ("BP_Plan", "3000", "adopted"), ("BP_Plan", "4000", "in_force"),
    ("BP_Plan", "4500", "in_force"), ("BP_Plan", "5000", "repealed"), ("BP_Plan", "50001", "repealed"),
    ("FP_Plan", "4000", "in_force"), ("FP_Plan", "4500", None), ("RP_Plan", "6000", "repealed"),
    ("LP_Plan", "3000", "adopted"), ("BP_Plan", "1234", None), ("BP_Plan", None, None),
])
def test_legal_status(plan_class, code, expected):
    assert status.legal_status(plan_class, code) == expected


def test_unknown_rechtsstand_is_a_warning(write, read):
    plan = read(write(plan_gml().replace("<xplan:rechtsstand>2400<", "<xplan:rechtsstand>777<")))
    assert (plan.rechtsstand, plan.legal_status) == ("777", None)
    assert [w.params for w in plan.warnings] == [{"code": "777", "plan_class": "BP_Plan"}]


def test_dates_take_the_last_display():
    attributes = {"auslegungsStartDatum": ["2020-01-06", "2021-03-01"], "auslegungsEndDatum": ["2020-02-07",
                  "2021-04-02"], "satzungsbeschlussDatum": "2021-06-10", "rechtsverordnungsDatum": "2021-07-01",
                  "inkrafttretensDatum": "kein Datum"}
    assert status.plan_dates(attributes) == {"display_starts_on": date(2021, 3, 1), "display_ends_on": date(2021, 4, 2),
                                             "adopted_on": date(2021, 6, 10)}


def test_synthetic_plan_values(write, read):
    plan = read(write(plan_gml()))
    assert (plan.version, plan.plan_class, plan.gml_id, plan.name, plan.number) == ("6.0", "BP_Plan", "PLAN_1",
                                                                                     "Testplan", "7")
    assert (plan.kind, plan.rechtsstand, plan.legal_status, plan.source_epsg) == ("bebauungsplan", "2400",
                                                                                  "public_display", 25832)
    assert plan.object_classes == [] and plan.texts == [] and plan.warnings == []
