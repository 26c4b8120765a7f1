"""Cleaning, reprojection and the report, on layers built in memory."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS

from geo.errors import GeoInputError
from geo.layers.reader import LayerInfo, RawLayer
from geo.layers.validate import validate_layer

LAYER = LayerInfo(key="test", dataset="test.gpkg", name="test", feature_count=0, geometry_type="Polygon")
BOWTIE = shapely.Polygon([(500000, 5700000), (500100, 5700100), (500100, 5700000), (500000, 5700100)])
SQUARE = shapely.box(500000, 5700000, 500100, 5700100)


def _raw(geometries, crs=25832, **columns):
    geometry = np.array(geometries, dtype=object)
    attributes = pd.DataFrame(columns or {"name": [f"f{i}" for i in range(len(geometry))]})
    return RawLayer(attributes=attributes, geometry=geometry, crs=CRS.from_epsg(crs) if crs else None,
                    crs_origin="file" if crs else "none", encoding="UTF-8", encoding_origin="file",
                    driver="GPKG", unreadable=0)


def test_report_describes_the_layer():
    gdf, report = validate_layer(_raw([SQUARE, BOWTIE, None, shapely.Polygon()],
                                      name=["Markt", "Weg", "leer", "nichts"], area=[1.5, 2, 3, 4]), LAYER)
    assert report.feature_count == 2 == len(gdf)
    assert (report.repaired_invalid, report.dropped_empty, report.z_dropped) == (1, 2, 0)
    assert report.attributes == [("name", "string"), ("area", "float")]
    assert report.source_crs_epsg == 25832 and report.source_crs_name == "ETRS89 / UTM zone 32N"
    assert gdf.crs.to_epsg() == 4326 and gdf.is_valid.all()
    assert list(gdf["name"]) == ["Markt", "Weg"]
    assert 8.9 < report.extent[0] < 9.1 and 51.4 < report.extent[1] < 51.5
    assert report.as_dict()["geometry_types"] == {"Polygon": 1, "MultiPolygon": 1}


def test_z_is_dropped_and_counted():
    point = shapely.Point(500000, 5700000, 87.5)
    gdf, report = validate_layer(_raw([point, shapely.Point(500010, 5700000)]), LAYER)
    assert report.z_dropped == 1 and not gdf.has_z.any()


def test_user_crs_replaces_the_files():
    gk3 = shapely.Point(3478519, 5889194)
    with pytest.raises(GeoInputError, match="label is probably wrong"):
        validate_layer(_raw([gk3], crs=25833), LAYER)
    gdf, report = validate_layer(_raw([gk3], crs=25833), LAYER, crs=CRS.from_epsg(31467))
    assert report.crs_origin == "user" and report.source_crs_epsg == 31467


def test_no_crs_asks_for_one():
    with pytest.raises(GeoInputError) as caught:
        validate_layer(_raw([SQUARE], crs=None), LAYER)
    assert caught.value.params["suggested"] == [25832, 25833]


def test_only_empty_geometries_is_refused():
    with pytest.raises(GeoInputError, match="no features with a geometry"):
        validate_layer(_raw([None, shapely.Point()]), LAYER)


def test_plausible_area_is_configurable():
    with pytest.raises(GeoInputError, match="outside the plausible area"):
        validate_layer(_raw([SQUARE]), LAYER, area=(10.0, 46.0, 17.0, 56.0))


def test_argument_types_are_checked():
    with pytest.raises(TypeError):
        validate_layer(_raw([SQUARE]), LAYER, crs=25832)
    with pytest.raises(ValueError):
        validate_layer(_raw([SQUARE]), LAYER, area=(17, 46, 4, 56))
