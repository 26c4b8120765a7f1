"""Every real file in ../shared/data/real/ imports, or is refused with a precise reason.

The expectations come from ../shared/data/real/SOURCES.md (feature counts, EPSG codes).
"""
from __future__ import annotations

import pytest

from geo.layers import GERMANY
from tests.geo.layers.conftest import REAL

# file -> (layer to pick or None, features, source EPSG (None: non-EPSG WKT), extra checks)
IMPORTS = {
    "geojson/koeln_sanierungsgebiete_crs84.geojson": (None, 4, 4326),
    "geojson/koeln_umweltzone_poly_and_multipoly.geojson": (None, 6, 4326),
    "geopackage/berlin_bezirke_25833.gpkg": (None, 12, 25833),
    "kml/jena_ortsteile_geoserver_multigeometry.kml": (None, 30, 4326),
    "kml/jena_saalehorizontale_gpsies_3d.kml": (None, 2, 4326),
    "kml/koeln_sanierungsgebiete_ogr.kml": (None, 4, 4326),
    "shapefile/freiberger_mulde_gk4_31468_latin1_no_cpg.zip": (None, 430, 31468),
    "shapefile/harmonie_BB_parzellen_25833.zip": (None, 32, 25833),
    "shapefile/harmonie_BW_fiona_etrs89_geographic_4258.zip": (None, 16, 4258),
    "shapefile/harmonie_BY_daw_25832_with_cpg.zip": (None, 2, 25832),
    "shapefile/harmonie_HE_two_layers_gk3_31467.zip": ("SCHLAG", 1, 31467),
    "shapefile/harmonie_SL_schlag_gk2_31466.zip": (None, 8, 31466),
    "shapefile/harmonie_TH_FNNH_BS_25832.zip": (None, 20, 25832),
    "shapefile/koeln_fnp_aktuell_utm32_fe2500000.zip": (None, 2120, None),
    "xplan/BP2070_BP_xplan51_gk3_31467.gml": ("BP_Plan", 1, 31467),
    "xplan/BP_6.0_small_xplan60_25832.gml": ("BP_BaugebietsTeilFlaeche", 3, 25832),
    "xplan/BPlan002_BP_xplan54_25832.gml": ("BP_Plan", 1, 25832),
    "xplan/Blankenese29_BP_xplan60_25832.gml": ("BP_BaugebietsTeilFlaeche", 42, 25832),
    "xplan/Denkmalbereichssatzung_BP_xplan53_25833.gml": (None, 1, 25833),
    "xplan/Rotherbaum27_BP_xplan52_25832.gml": ("BP_AnpflanzungBindungErhaltung", 31, 25832),
    "xplan/StErhVO_Hamm_SO_xplan60_25832.gml": ("SO_Plan", 1, 25832),
    "xplan/XPlanArchiv_BP_5.3_with_raster_25832.zip": ("BP_Plan", 1, 25832),
    "xplan/XPlanArchiv_Eidelstedt4_xplan41_advURN.zip": ("BP_Plan", 1, 25832),
    "xplan/XPlanArchiv_FP_6.0.2_25832.zip": ("FP_Plan", 1, 25832),
    # broken/: documented repairs or odd-but-valid uploads that import
    "broken/Bezirk Neukölln Grenze.fgb": (None, 1, 25833),
    "broken/harmonie_BW_utf8_dbf_cpg_removed.zip": (None, 16, 4258),
    "broken/harmonie_MV_zone_prefixed_5650_plus_empty_layer.zip": (None, 106, 5650),
    "broken/koeln_cityboundary_bare_geometry.geojson": (None, 1, 4326),
    "broken/koeln_stadtteile_invalid_geom_fe2500000.zip": (None, 86, None),
    "broken/xplan41_archive_truncated_geltungsbereich_ring.zip": ("BP_Plan", 1, 25832),
    "broken/xplan52_archive_ring_orientation_bom.zip": ("BP_Plan", 1, 25832),
    "broken/xplan60_schema_invalid_planArtCode.gml": ("BP_Plan", 1, 25832),
}
REFUSALS = {
    "broken/agger_gk2_missing_prj.zip": "the coordinates would fit {guess}",
    "broken/gdal_billionlaugh_xml_bomb.gml": "DOCTYPE or ENTITY declaration",
    "broken/gdal_truncated.kml": "could not be read; it is probably incomplete or damaged",
    "broken/null_geometry_feature.geojson": "outside the plausible area",
    "broken/vg2500_lan_shp_only_no_shx_dbf_prj.zip": "has no {missing} file",
}
# Multi-layer files are refused once a layer is chosen.
LAYER_REFUSALS = {
    ("broken/xplan53_gk3_coords_labelled_25833.gml", "BP_Plan"): "the file's CRS label is probably wrong",
}

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"real GIS files not found in {REAL}")


def _real_files():
    if not REAL.is_dir():
        return []
    return sorted(p.relative_to(REAL).as_posix() for p in REAL.rglob("*") if p.is_file() and p.name != "SOURCES.md")


def test_every_real_file_has_an_expectation():
    assert sorted(IMPORTS.keys() | REFUSALS.keys() | {n for n, _ in LAYER_REFUSALS}) == _real_files()


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_real_file_imports(inspect, name):
    layer, count, epsg = IMPORTS[name]
    result = inspect(REAL / name, layer=layer)
    report = result.report
    assert report.feature_count == count == len(result.gdf)
    assert report.source_crs_epsg == epsg
    assert result.gdf.crs.to_epsg() == 4326
    west, south, east, north = report.extent
    assert GERMANY[0] <= west <= east <= GERMANY[2] and GERMANY[1] <= south <= north <= GERMANY[3]
    assert result.gdf.geometry.is_valid.all() and not result.gdf.geometry.has_z.any()


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_real_file_is_refused_with_a_precise_reason(refused, name):
    assert REFUSALS[name] in refused(REAL / name).message


@pytest.mark.parametrize(("name", "layer"), sorted(LAYER_REFUSALS))
def test_real_layer_is_refused_with_a_precise_reason(refused, name, layer):
    assert LAYER_REFUSALS[name, layer] in refused(REAL / name, layer=layer).message


def test_multi_layer_files_ask_which_layer(inspect):
    result = inspect(REAL / "xplan/Rotherbaum27_BP_xplan52_25832.gml")
    assert result.needs_layer_choice and result.report is None
    by_key = {layer.key: layer for layer in result.layers}
    assert len(by_key) == 23
    assert by_key["BP_Plan"].usable
    assert not by_key["BP_TextAbschnitt"].usable  # attributes only: listed but flagged


def test_empty_layer_is_listed_but_the_other_one_is_imported(inspect):
    result = inspect(REAL / "broken/harmonie_MV_zone_prefixed_5650_plus_empty_layer.zip")
    empty = [l for l in result.layers if l.feature_count == 0]
    assert [l.name for l in empty] == ["139530620006_hinweispunkte"]
    assert result.report.layer == "139530620006_teilflaechen"


def test_layer_without_geometry_is_refused_when_chosen(refused):
    error = refused(REAL / "xplan/StErhVO_Hamm_SO_xplan60_25832.gml", layer="XP_TextAbschnitt")
    assert "has no geometries" in error.message


def test_latin1_dbf_without_cpg_keeps_its_umlauts(inspect):
    gdf = inspect(REAL / "shapefile/freiberger_mulde_gk4_31468_latin1_no_cpg.zip").gdf
    assert "Krötenbach: Quelle - Mdg. Gimmlitz" in set(gdf["NAME"])
    assert not gdf["NAME"].str.contains("Ã").any()


def test_utf8_dbf_without_cpg_is_detected_and_noted(inspect):
    result = inspect(REAL / "broken/harmonie_BW_utf8_dbf_cpg_removed.zip")
    assert "Hoffläche" in set(result.gdf["bez"])
    assert result.report.encoding_origin == "detected"
    assert result.report.notes[0][1] == {"encoding": "UTF-8"}


def test_cp1252_dbf_and_invalid_polygon_are_repaired(inspect):
    result = inspect(REAL / "broken/koeln_stadtteile_invalid_geom_fe2500000.zip")
    assert {"Dellbrück", "Neustadt/Süd"} <= set(result.gdf["STT_NAME"])
    assert result.report.repaired_invalid == 1


def test_adv_urn_is_mapped_and_noted(inspect):
    report = inspect(REAL / "xplan/XPlanArchiv_Eidelstedt4_xplan41_advURN.zip", layer="BP_Plan").report
    assert report.crs_origin == "adv-urn"
    assert report.notes == [("The AdV coordinate reference system name was read as EPSG:{epsg}.", {"epsg": 25832})]


def test_unclosed_ring_is_closed_and_counted(inspect):
    report = inspect(REAL / "broken/xplan41_archive_truncated_geltungsbereich_ring.zip", layer="BP_Plan").report
    assert report.repaired_invalid == 1


def test_3d_track_loses_z_and_reports_it(inspect):
    assert inspect(REAL / "kml/jena_saalehorizontale_gpsies_3d.kml").report.z_dropped == 2


def test_missing_prj_suggests_gk2_and_imports_when_chosen(refused, inspect):
    assert refused(REAL / "broken/agger_gk2_missing_prj.zip").params["suggested"] == [31466]
    report = inspect(REAL / "broken/agger_gk2_missing_prj.zip", crs="EPSG:31466").report
    assert (report.feature_count, report.source_crs_epsg, report.crs_origin) == (13, 31466, "user")


def test_gk_coordinates_labelled_utm33_import_with_the_right_crs(refused, inspect):
    path = REAL / "broken/xplan53_gk3_coords_labelled_25833.gml"
    assert refused(path, layer="BP_Plan").params["suggested"] == [31467]
    report = inspect(path, layer="BP_Plan", crs=31467).report
    assert 8.6 < report.extent[0] < 8.8 and 53.0 < report.extent[1] < 53.2  # Bremen


def test_null_geometry_is_dropped_and_counted(inspect):
    result = inspect(REAL / "broken/null_geometry_feature.geojson", area=(-180, -90, 180, 90))
    assert (result.report.feature_count, result.report.dropped_empty) == (1, 1)


def test_reading_does_not_write_into_the_source_folder(inspect):
    before = sorted(REAL.rglob("*"))
    inspect(REAL / "xplan/BPlan002_BP_xplan54_25832.gml", layer="BP_Plan")
    assert sorted(REAL.rglob("*")) == before

