"""parse_area: project areas pasted or uploaded as GeoJSON."""
from __future__ import annotations

import json
import math
import time

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, mapping

from geo.areas import MAX_VERTICES, area_to_geojson, parse_area
from geo.errors import GeoInputError
from tests.geo import raises_catalogued

#: Corners of a block in Neubrandenburg (lon, lat).
LONLAT = [(13.25, 53.55), (13.26, 53.55), (13.26, 53.554), (13.25, 53.554), (13.25, 53.55)]
SQUARE = {"type": "Polygon", "coordinates": [LONLAT]}


def dumps(document) -> str:
    return json.dumps(document)


def feature(geometry) -> dict:
    return {"type": "Feature", "properties": {"name": "x"}, "geometry": geometry}


def same_shape(a, b, tolerance=1e-9) -> bool:
    a, b = (MultiPolygon([g]) if isinstance(g, Polygon) else g for g in (a, b))
    return shapely.normalize(a).equals_exact(shapely.normalize(b), tolerance)


def test_polygon():
    area = parse_area(dumps(SQUARE))
    assert isinstance(area, MultiPolygon)
    assert same_shape(area, MultiPolygon([Polygon(LONLAT)]))


def test_multipolygon_with_two_parts():
    other = [(x + 0.1, y) for x, y in LONLAT]
    area = parse_area(dumps({"type": "MultiPolygon", "coordinates": [[LONLAT], [other]]}))
    assert len(area.geoms) == 2
    assert area.area == pytest.approx(2 * Polygon(LONLAT).area)


def test_feature():
    assert same_shape(parse_area(dumps(feature(SQUARE))), Polygon(LONLAT))


def test_feature_collection_is_merged():
    right = [(x + 0.01, y) for x, y in LONLAT]  # shares the east edge of LONLAT
    document = {"type": "FeatureCollection", "features": [feature(SQUARE), feature(None), feature(
        {"type": "Polygon", "coordinates": [right]})]}
    area = parse_area(dumps(document))
    assert len(area.geoms) == 1
    merged = Polygon([(13.25, 53.55), (13.27, 53.55), (13.27, 53.554), (13.25, 53.554)])
    assert area.symmetric_difference(merged).area < 1e-12


def test_bytes_are_accepted():
    assert same_shape(parse_area(dumps(SQUARE).encode()), Polygon(LONLAT))


@pytest.mark.parametrize("epsg, name", [
    (25833, "urn:ogc:def:crs:EPSG::25833"),
    (25832, "EPSG:25832"),
    (25833, "EPSG:25833"),
])
def test_legacy_crs_is_reprojected(epsg, name):
    to_utm = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    metres = [to_utm.transform(lon, lat) for lon, lat in LONLAT]
    assert metres[0][0] > 1000  # really metres, not degrees
    document = {"type": "Polygon", "coordinates": [metres], "crs": {"type": "name", "properties": {"name": name}}}
    area = parse_area(dumps(document))
    coords = shapely.get_coordinates(area)
    assert len(coords) == len(LONLAT)
    for lon, lat in LONLAT:
        assert min(abs(x - lon) + abs(y - lat) for x, y in coords) < 1e-6


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326"])
def test_wgs84_names_are_not_reprojected(name):
    area = parse_area(dumps({**SQUARE, "crs": {"type": "name", "properties": {"name": name}}}))
    assert same_shape(area, Polygon(LONLAT))


@pytest.mark.parametrize("name", ["EPSG:999999", "urn:ogc:def:crs:EPSG::99999", "my own grid"])
def test_unknown_crs(name):
    error = raises_catalogued(parse_area, dumps({**SQUARE, "crs": {"type": "name", "properties": {"name": name}}}))
    assert error.params == {"crs": name}


@pytest.mark.parametrize("crs", ["EPSG:25833", {"type": "name"}, {"properties": {"name": {"epsg": 25833}}}, [1]])
def test_crs_in_a_form_not_understood(crs):
    error = raises_catalogued(parse_area, dumps({**SQUARE, "crs": crs}))
    assert "not understood" in error.message


@pytest.mark.parametrize("geometry", [
    mapping(Point(13.25, 53.55)),
    {"type": "LineString", "coordinates": LONLAT},
    {"type": "FeatureCollection", "features": [feature(SQUARE), feature(mapping(Point(13.25, 53.55)))]},
    {"type": "GeometryCollection", "geometries": [SQUARE]},
])
def test_other_geometry_types(geometry):
    error = raises_catalogued(parse_area, dumps(geometry))
    assert "polygons" in error.message


@pytest.mark.parametrize("document", [
    {"type": "FeatureCollection", "features": []},
    {"type": "FeatureCollection"},
    {"type": "Feature", "geometry": None},
    {"type": "Polygon", "coordinates": []},
])
def test_nothing_in_it(document):
    error = raises_catalogued(parse_area, dumps(document))
    assert error.message == "The file contains no area."


@pytest.mark.parametrize("data", [
    "", "{", "not json", "[1, 2]", '"Polygon"', "null", "42", b"\xff\xfe\x00{",
    '{"type": "Polygon", "coordinates": [[[0, 0], [1, NaN], [1, 0], [0, 0]]]}',
    '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1e999], [1, 0], [0, 0]]]}',
    '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}',
    '{"type": "Polygon", "coordinates": [[[0, 0], ["a", 1], [1, 0], [0, 0]]]}',
    '{"type": "Polygon"}',
    '{"type": "Cube", "coordinates": [1]}',
    '{"type": "FeatureCollection", "features": [1]}',
    '{"type": "FeatureCollection", "features": "abc"}',
    '{"type": "Feature", "geometry": 5}',
    "[" * 100_000 + "]" * 100_000,
])
def test_not_geojson(data):
    error = raises_catalogued(parse_area, data)
    assert error.message == "The file is not valid GeoJSON."


def test_metres_without_crs():
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
    document = {"type": "Polygon", "coordinates": [[to_utm.transform(*p) for p in LONLAT]]}
    error = raises_catalogued(parse_area, dumps(document))
    assert "EPSG:4326" in error.message


def test_bow_tie_is_repaired():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    assert not shapely.is_valid(Polygon(bow_tie["coordinates"][0]))
    area = parse_area(dumps(bow_tie))
    assert isinstance(area, MultiPolygon) and area.is_valid and not area.is_empty
    assert area.area == pytest.approx(0.5)


def test_overlapping_bow_ties_are_repaired_before_merging():
    # A union of two invalid polygons fails in GEOS; each is repaired first.
    def tie(dx):
        return feature({"type": "Polygon", "coordinates": [[[dx, 0], [dx + 1, 1], [dx + 1, 0], [dx, 1], [dx, 0]]]})
    area = parse_area(dumps({"type": "FeatureCollection", "features": [tie(0), tie(0.2)]}))
    assert area.is_valid and area.area > 0.5


def test_zero_area_polygon():
    error = raises_catalogued(parse_area, dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}))
    assert error.message == "The area is empty."


def test_third_dimension_is_dropped():
    document = {"type": "Polygon", "coordinates": [[[x, y, 42.0] for x, y in LONLAT]]}
    area = parse_area(dumps(document))
    assert not area.has_z
    assert same_shape(area, Polygon(LONLAT))
    assert all(len(c) == 2 for c in area_to_geojson(area)["coordinates"][0][0])


def ring(count: int) -> dict:
    """A polygon with `count` coordinates (the closing one included)."""
    circle = Point(13.25, 53.55).buffer(0.01, quad_segs=1)
    polygon = shapely.segmentize(circle, circle.length / (count - 1) * 1.0000001)
    coords = list(polygon.exterior.coords)[: count - 1]
    coords.append(coords[0])
    assert len(coords) == count
    return {"type": "Polygon", "coordinates": [coords]}


def test_many_vertices_are_accepted_up_to_the_limit():
    area = parse_area(dumps(ring(MAX_VERTICES)))
    assert shapely.get_num_coordinates(area) == MAX_VERTICES


def test_too_many_vertices():
    error = raises_catalogued(parse_area, dumps(ring(MAX_VERTICES + 1)))
    assert error.params == {"limit": MAX_VERTICES}


def test_area_to_geojson_round_trips():
    area = parse_area(dumps(SQUARE))
    assert same_shape(parse_area(dumps(area_to_geojson(area))), area)


# --- Bounded work: a small input must not buy minutes of GEOS time (issue 9, finding 4) ---

def star(vertices: int) -> list[tuple[float, float]]:
    """A ring that crosses itself about vertices²/4 times: make_valid's worst case."""
    step = vertices // 2
    ring = [(13.25 + 0.01 * math.cos(2 * math.pi * i * step / vertices),
             53.55 + 0.01 * math.sin(2 * math.pi * i * step / vertices)) for i in range(vertices)]
    return [*ring, ring[0]]


def circle(vertices: int) -> list[tuple[float, float]]:
    ring = [(13.25 + 0.01 * math.cos(2 * math.pi * i / vertices),
             53.55 + 0.01 * math.sin(2 * math.pi * i / vertices)) for i in range(vertices)]
    return [*ring, ring[0]]


def seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def test_self_intersecting_star_is_stopped_in_a_time_proportional_to_a_plain_merge(monkeypatch):
    # Baseline: two plain rings of the same size, which take the same path (a merge in the child process).
    plain = dumps({"type": "FeatureCollection", "features": [
        feature({"type": "Polygon", "coordinates": [circle(151)]}),
        feature({"type": "Polygon", "coordinates": [[(x + 0.05, y) for x, y in circle(151)]]})]})
    parse_area(plain)  # starts the child-process server once
    baseline = min(seconds(lambda: parse_area(plain)) for _ in range(3))
    monkeypatch.setattr("geo.areas.AREA_TIMEOUT_SECONDS", max(3 * baseline, 0.2), raising=False)

    start = time.perf_counter()
    with pytest.raises(GeoInputError):  # unbounded, 151 vertices took about 25 s
        parse_area(dumps({"type": "Polygon", "coordinates": [star(151)]}))
    assert time.perf_counter() - start < 6 * baseline + 0.5


def test_vertex_limit_is_checked_before_the_repair():
    # Both refused for their size; the crossing one must not be repaired first (hours of GEOS).
    plain = dumps({"type": "Polygon", "coordinates": [circle(MAX_VERTICES + 1)]})
    crossing = dumps({"type": "Polygon", "coordinates": [star(MAX_VERTICES + 1)]})
    baseline = min(seconds(lambda: raises_catalogued(parse_area, plain)) for _ in range(3))
    spent = seconds(lambda: raises_catalogued(parse_area, crossing))
    assert spent < 10 * baseline + 0.3  # without the early check: ≈ 20 × (repairing a 50 000-vertex star)


def test_a_bow_tie_is_still_repaired():
    bow_tie = [(13.25, 53.55), (13.26, 53.554), (13.26, 53.55), (13.25, 53.554), (13.25, 53.55)]
    area = parse_area(dumps({"type": "Polygon", "coordinates": [bow_tie]}))
    assert len(area.geoms) == 2 and area.area > 0
