"""geo.vector_tiles: Web-Mercator tile numbers and Mapbox Vector Tile encoding."""
from __future__ import annotations

import math

import mapbox_vector_tile
import pytest
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon, box, shape

from geo.bbox import BBox
from geo.vector_tiles import (MAX_LATITUDE, MAX_ZOOM, ORIGIN_SHIFT, check_tile, encode_tile, estimated_min_zoom,
                       is_valid_tile, lonlat_to_mercator, mercator_to_lonlat, tile_bounds_lonlat,
                       tile_bounds_mercator, tile_for_lonlat, tiles_covering)

#: Neubrandenburg market square and the zoom-14 tile that holds it.
LON, LAT, Z = 13.2615, 53.5575, 14


def osm_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The slippy-map formula from the OpenStreetMap wiki, as an independent reference."""
    n = 2**z
    lat_rad = math.radians(lat)
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(lat_rad)) / math.pi) / 2 * n)


def from_grid(z: int, x: int, y: int, gx: float, gy: float, extent: int = 4096) -> tuple[float, float]:
    """A point given in a tile's grid units (y down), in degrees."""
    min_x, _, max_x, max_y = tile_bounds_mercator(z, x, y, extent=extent)
    size = max_x - min_x
    return mercator_to_lonlat(min_x + gx / extent * size, max_y - gy / extent * size)


def grid_polygon(z, x, y, corners):
    return Polygon([from_grid(z, x, y, gx, gy) for gx, gy in corners])


def decode(data: bytes) -> dict:
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


def surveyor_area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


HERE = osm_tile(LON, LAT, Z)


# --- tile numbers and bounds -------------------------------------------------

def test_the_whole_world_at_zoom_0():
    assert tile_bounds_mercator(0, 0, 0) == pytest.approx((-ORIGIN_SHIFT, -ORIGIN_SHIFT, ORIGIN_SHIFT, ORIGIN_SHIFT))
    world = tile_bounds_lonlat(0, 0, 0)
    assert (world.west, world.east) == pytest.approx((-180, 180))
    assert (world.south, world.north) == pytest.approx((-MAX_LATITUDE, MAX_LATITUDE))
    assert MAX_LATITUDE == pytest.approx(85.0511287798)


def test_zoom_1_counts_y_from_the_north():
    assert tile_bounds_mercator(1, 1, 0) == pytest.approx((0, 0, ORIGIN_SHIFT, ORIGIN_SHIFT))
    south_west = tile_bounds_lonlat(1, 0, 1)
    assert (south_west.west, south_west.east, south_west.north) == pytest.approx((-180, 0, 0), abs=1e-9)


@pytest.mark.parametrize("lon, lat", [(LON, LAT), (6.0, 47.3), (15.0, 55.0), (-73.98, 40.75), (179.9, -84.9)])
@pytest.mark.parametrize("z", [0, 1, 7, 12, 18, MAX_ZOOM])
def test_point_to_tile_agrees_with_the_osm_formula_and_lies_inside(lon, lat, z):
    x, y = tile_for_lonlat(lon, lat, z)
    assert (x, y) == osm_tile(lon, lat, z)
    bounds = tile_bounds_lonlat(z, x, y)
    assert bounds.west <= lon <= bounds.east and bounds.south <= lat <= bounds.north


@pytest.mark.parametrize("z", [3, 12, 17])
def test_tile_centre_round_trips_and_neighbours_share_edges(z):
    x, y = tile_for_lonlat(LON, LAT, z)
    bounds = tile_bounds_lonlat(z, x, y)
    centre = from_grid(z, x, y, 2048, 2048)
    assert tile_for_lonlat(*centre, z) == (x, y)
    assert (bounds.west + bounds.east) / 2 == pytest.approx(centre[0])
    assert tile_bounds_lonlat(z, x + 1, y).west == pytest.approx(bounds.east)
    assert tile_bounds_lonlat(z, x, y + 1).north == pytest.approx(bounds.south)


def test_a_buffer_widens_the_bounds_by_grid_units():
    min_x, min_y, max_x, max_y = tile_bounds_mercator(Z, *HERE)
    size = max_x - min_x
    wide = tile_bounds_mercator(Z, *HERE, buffer=64, extent=4096)
    assert wide == pytest.approx((min_x - size / 64, min_y - size / 64, max_x + size / 64, max_y + size / 64))
    assert tile_bounds_lonlat(Z, *HERE, buffer=64).west < tile_bounds_lonlat(Z, *HERE).west


def test_tiles_covering_a_box():
    bounds = tile_bounds_lonlat(Z, *HERE)
    inner = BBox(bounds.west + 1e-6, bounds.south + 1e-6, bounds.east - 1e-6, bounds.north - 1e-6)
    assert tiles_covering(inner, Z) == [HERE]
    x, y = HERE
    two_by_two = BBox(bounds.west + 1e-6, bounds.south - 1e-4, bounds.east + 1e-4, bounds.north - 1e-6)
    assert tiles_covering(two_by_two, Z) == [(x, y), (x + 1, y), (x, y + 1), (x + 1, y + 1)]


@pytest.mark.parametrize("z, x, y", [(0, 0, 0), (1, 1, 1), (MAX_ZOOM, 2**MAX_ZOOM - 1, 0), (Z, *HERE)])
def test_valid_tiles(z, x, y):
    assert is_valid_tile(z, x, y)
    check_tile(z, x, y)


@pytest.mark.parametrize("z, x, y", [
    (-1, 0, 0), (MAX_ZOOM + 1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 2, 0), (1, 0, -1), (Z, 2**Z, 0), (30, 0, 0),
])
def test_out_of_range_tiles(z, x, y):
    assert not is_valid_tile(z, x, y)
    with pytest.raises(ValueError, match="no such tile"):
        check_tile(z, x, y)
    with pytest.raises(ValueError):
        encode_tile([box(0, 0, 1, 1)], None, z, x, y)
    with pytest.raises(ValueError):
        tile_bounds_mercator(z, x, y)


@pytest.mark.parametrize("z, x, y", [(True, 0, 0), (1.0, 0, 0), ("1", 0, 0), (None, 0, 0), (1, 0.5, 0)])
def test_tile_numbers_must_be_integers(z, x, y):
    assert not is_valid_tile(z, x, y)
    with pytest.raises(TypeError):
        check_tile(z, x, y)


# --- encoding ----------------------------------------------------------------

def test_polygon_decodes_to_its_grid_position_with_id_and_given_properties():
    square = grid_polygon(Z, *HERE, [(1024, 1024), (3072, 1024), (3072, 3072), (1024, 3072)])
    data = encode_tile([square], [{"nutzung": "WA", "grz": 0.4, "geschosse": 3, "denkmal": False}], Z, *HERE,
                       ids=[42])
    layer = decode(data)["features"]
    assert layer["extent"] == 4096
    [feature] = layer["features"]
    assert feature["id"] == 42
    assert feature["properties"] == {"nutzung": "WA", "grz": 0.4, "geschosse": 3, "denkmal": False}
    decoded = shape(feature["geometry"])
    assert decoded.geom_type == "Polygon"
    assert decoded.symmetric_difference(box(1024, 1024, 3072, 3072)).area <= 4096 * 2  # a unit's rounding
    # MVT: exterior rings have a positive surveyor's area in the y-down grid (clockwise on screen).
    assert surveyor_area(feature["geometry"]["coordinates"][0]) > 0


def test_holes_and_multipolygons_survive():
    outer = [(500, 500), (3500, 500), (3500, 3500), (500, 3500)]
    hole = [(1500, 1500), (2500, 1500), (2500, 2500), (1500, 2500)]
    with_hole = Polygon([from_grid(Z, *HERE, *p) for p in outer], [[from_grid(Z, *HERE, *p) for p in hole]])
    pair = MultiPolygon([grid_polygon(Z, *HERE, [(0, 0), (100, 0), (100, 100), (0, 100)]),
                         grid_polygon(Z, *HERE, [(200, 200), (300, 200), (300, 300), (200, 300)])])
    features = decode(encode_tile([with_hole, pair], None, Z, *HERE))["features"]["features"]
    first, second = (shape(f["geometry"]) for f in features)
    assert len(first.interiors) == 1 and first.area == pytest.approx(3000**2 - 1000**2, rel=0.01)
    assert second.geom_type == "MultiPolygon" and len(second.geoms) == 2


def test_default_ids_are_positions_and_the_layer_is_called_features():
    points = [Point(from_grid(Z, *HERE, 100 * i, 100)) for i in range(1, 4)]
    decoded = decode(encode_tile(points, None, Z, *HERE))
    assert list(decoded) == ["features"]
    assert [f["id"] for f in decoded["features"]["features"]] == [0, 1, 2]
    named = decode(encode_tile(points, None, Z, *HERE, layer_name="parzellen"))
    assert list(named) == ["parzellen"]


def test_geometry_is_clipped_to_the_tile_and_its_buffer():
    x, y = HERE
    west, south, east, north = (tile_bounds_lonlat(Z, x - 3, y + 3).west, tile_bounds_lonlat(Z, x - 3, y + 3).south,
                                tile_bounds_lonlat(Z, x + 3, y - 3).east, tile_bounds_lonlat(Z, x + 3, y - 3).north)
    huge = box(west, south, east, north)  # seven tiles across
    road = LineString([(west, (south + north) / 2), (east, (south + north) / 2)])
    features = decode(encode_tile([huge, road], None, Z, x, y, buffer=64))["features"]["features"]
    for feature in features:
        xs, ys = zip(*shape(feature["geometry"]).exterior.coords) if feature["geometry"]["type"] == "Polygon" \
            else zip(*shape(feature["geometry"]).coords)
        assert min(xs) == -64 and max(xs) == 4096 + 64
        assert min(ys) >= -64 and max(ys) <= 4096 + 64
    assert shape(features[0]["geometry"]).equals(box(-64, -64, 4160, 4160))
    unbuffered = decode(encode_tile([huge], None, Z, x, y, buffer=0))["features"]["features"]
    assert shape(unbuffered[0]["geometry"]).equals(box(0, 0, 4096, 4096))


def test_geometry_beyond_the_buffer_is_left_out_and_nothing_left_is_the_empty_tile():
    x, y = HERE
    elsewhere = tile_bounds_lonlat(Z, x + 2, y)
    far = box(elsewhere.west, elsewhere.south, elsewhere.east, elsewhere.north)
    near = grid_polygon(Z, x, y, [(10, 10), (200, 10), (200, 200), (10, 200)])
    assert [f["id"] for f in decode(encode_tile([far, near], None, Z, x, y))["features"]["features"]] == [1]
    assert encode_tile([far], None, Z, x, y) == b""
    assert encode_tile([], [], Z, x, y) == b""


def test_missing_empty_and_collapsing_geometries_are_dropped():
    x, y = HERE
    kept = grid_polygon(Z, x, y, [(10, 10), (200, 10), (200, 200), (10, 200)])
    # A fifth of a grid unit across (about 10 cm at zoom 14): it rounds to a point.
    tiny = grid_polygon(Z, x, y, [(100.1, 100.1), (100.3, 100.1), (100.3, 100.3), (100.1, 100.3)])
    short = LineString([from_grid(Z, x, y, 300.1, 300.1), from_grid(Z, x, y, 300.3, 300.3)])
    data = encode_tile([None, Polygon(), tiny, kept, LineString(), short], None, Z, x, y)
    assert [f["id"] for f in decode(data)["features"]["features"]] == [3]
    assert encode_tile([None, Polygon(), tiny, short], None, Z, x, y) == b""
    # The same square is drawn where it is large enough: 64 times larger at zoom 20.
    at_20 = tile_for_lonlat(tiny.centroid.x, tiny.centroid.y, 20)
    [feature] = decode(encode_tile([tiny], None, 20, *at_20))["features"]["features"]
    assert feature["geometry"]["type"] == "Polygon"


def test_low_zoom_is_simplified_to_half_a_screen_pixel():
    centre_x, centre_y = 2048, 2048
    # About 1.8 km across at zoom 14, with 400 vertices zig-zagging 12 grid units (1.5 screen pixels):
    # visible at zoom 14, a tenth of a pixel at zoom 10.
    ring = [(centre_x + (1500 + 12 * (t % 2)) * math.cos(t / 400 * 2 * math.pi),
             centre_y + (1500 + 12 * (t % 2)) * math.sin(t / 400 * 2 * math.pi)) for t in range(400)]
    wiggly = grid_polygon(Z, *HERE, ring)

    def vertices(z: int) -> int:
        x, y = tile_for_lonlat(wiggly.centroid.x, wiggly.centroid.y, z)
        [feature] = decode(encode_tile([wiggly], None, z, x, y))["features"]["features"]
        return len(feature["geometry"]["coordinates"][0])

    assert vertices(10) < 40 < 300 < vertices(Z)
    small = encode_tile([wiggly], None, 10, *tile_for_lonlat(wiggly.centroid.x, wiggly.centroid.y, 10))
    large = encode_tile([wiggly], None, Z, *HERE)
    assert len(small) * 4 < len(large)
    # Half a screen pixel is 8 grid units at extent 4096: the outline stays within it (plus rounding).
    [feature] = decode(large)["features"]["features"]
    assert shape(feature["geometry"]).hausdorff_distance(Polygon(ring)) <= 8 + 1.5


def test_properties_are_exactly_those_given_in_mvt_types():
    point = Point(from_grid(Z, *HERE, 2000, 2000))
    given = {"name": "Bahnhof", "missing": None, "list": [1, "a"], "object": {"a": 1}, "big": 2**70,
             "nan": float("nan"), "ok": 1.5}
    [feature] = decode(encode_tile([point], [given], Z, *HERE))["features"]["features"]
    assert feature["properties"] == {"name": "Bahnhof", "list": '[1,"a"]', "object": '{"a":1}',
                                     "big": str(2**70), "ok": 1.5}
    [bare] = decode(encode_tile([point], [None], Z, *HERE))["features"]["features"]
    assert bare["properties"] == {}


def test_a_collection_keeps_its_parts_of_the_highest_dimension():
    mixed = GeometryCollection([Point(from_grid(Z, *HERE, 100, 100)),
                                grid_polygon(Z, *HERE, [(1000, 1000), (2000, 1000), (2000, 2000), (1000, 2000)]),
                                LineString([from_grid(Z, *HERE, 0, 0), from_grid(Z, *HERE, 4000, 4000)])])
    [feature] = decode(encode_tile([mixed], None, Z, *HERE))["features"]["features"]
    assert feature["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize("geometries, properties, ids, error", [
    (["POINT (1 2)"], None, None, TypeError),
    ([Point(LON, LAT)], ["nutzung"], None, TypeError),
    ([Point(LON, LAT)], [{}, {}], None, ValueError),
    ([Point(LON, LAT)], None, [-1], ValueError),
    ([Point(LON, LAT)], None, [1.5], ValueError),
    ([Point(LON, LAT)], None, [1, 2], ValueError),
])
def test_bad_input_is_refused(geometries, properties, ids, error):
    with pytest.raises(error):
        encode_tile(geometries, properties, Z, *HERE, ids=ids)


@pytest.mark.parametrize("options", [{"extent": 0}, {"buffer": -1}, {"extent": 4096.0}, {"layer_name": ""}])
def test_bad_options_are_refused(options):
    with pytest.raises(ValueError):
        encode_tile([Point(LON, LAT)], None, Z, *HERE, **options)


# --- how far out a layer is drawn ------------------------------------------------

def test_estimated_min_zoom():
    town = BBox(13.20, 53.52, 13.34, 53.61)  # about 9 km × 10 km
    assert estimated_min_zoom(500, town, 1000) == 0
    (west, south), (east, north) = lonlat_to_mercator(town.west, town.south), lonlat_to_mercator(town.east, town.north)

    def per_tile(count: int, z: int) -> float:
        size = 2 * ORIGIN_SHIFT / 2**z
        return count * min(size, east - west) * min(size, north - south) / ((east - west) * (north - south))

    zoom = estimated_min_zoom(100_000, town, 5000)
    assert 10 <= zoom <= 15
    # At that zoom an evenly spread tile holds at most 5000 features, one zoom out more.
    assert per_tile(100_000, zoom) <= 5000 < per_tile(100_000, zoom - 1)
    assert estimated_min_zoom(400_000, town, 5000) == zoom + 1
    assert estimated_min_zoom(10**9, BBox(LON, LAT, LON, LAT), 5000) == MAX_ZOOM
    with pytest.raises(ValueError):
        estimated_min_zoom(10, town, 0)
    with pytest.raises(TypeError):
        estimated_min_zoom(10, (1, 2, 3, 4), 5)
