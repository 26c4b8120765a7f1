"""A shapefile whose .prj names no CRS is treated like one without a .prj: ask, with guesses."""
from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Point

#: Text that looks like WKT (GDAL refuses the whole file for it) and text that does not.
GARBAGE = ['PROJCS["ETRS89 / UTM zone 32N",GEOGCS["ETRS89",DATUM["x"]]]', 'GEOGCS["x",FOO]',
           "Lorem ipsum dolor sit amet", ""]


def _shapefile_zip(tmp_path, prj: str | None):
    """Two points near Hamburg in UTM 32N coordinates, zipped with the given .prj text."""
    folder = tmp_path / "shp"
    folder.mkdir()
    frame = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(565000, 5933000), Point(566000, 5934000)],
                             crs=25832)
    frame.to_file(folder / "punkte.shp", engine="pyogrio")
    if prj is None:
        (folder / "punkte.prj").unlink()
    else:
        (folder / "punkte.prj").write_text(prj)
    path = tmp_path / "punkte.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, part.name)
    return path


@pytest.mark.parametrize("prj", GARBAGE)
def test_unreadable_prj_asks_for_the_crs_with_guesses(tmp_path, refused, prj):
    error = refused(_shapefile_zip(tmp_path, prj))
    assert "could not be read" not in error.message
    assert error.message.startswith("The shapefile's .prj file does not name a coordinate reference system")
    assert error.params["suggested"] == [25832, 25833]


def test_unreadable_prj_imports_when_the_crs_is_chosen(tmp_path, inspect):
    report = inspect(_shapefile_zip(tmp_path, GARBAGE[0]), crs=25832).report
    assert (report.feature_count, report.source_crs_epsg, report.crs_origin) == (2, 25832, "user")
    assert 9.9 < report.extent[0] < 10.1 and 53.5 < report.extent[1] < 53.6  # Hamburg


def test_readable_and_missing_prj_are_unchanged(tmp_path, refused, inspect):
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    readable = inspect(_shapefile_zip(tmp_path / "with", 'PROJCS["ETRS89 / UTM zone 32N",GEOGCS["ETRS89",'
                                      'DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],'
                                      'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
                                      'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
                                      'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],'
                                      'PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],'
                                      'UNIT["Meter",1.0]]')).report
    assert readable.crs_origin == "file"
    missing = refused(_shapefile_zip(tmp_path / "without", None))
    assert "the .prj file is missing" in missing.message and missing.params["suggested"] == [25832, 25833]
