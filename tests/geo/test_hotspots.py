"""Hot spots by DBSCAN in metres: clusters with their size, centre, radius and top categories; noise left out."""
from __future__ import annotations

import math

import pytest

from geo.errors import GeoInputError
from geo.hotspots import find_hotspots, metric_crs_at

LAT = 53.55
#: One metre east and north, in degrees, near LAT.
EAST = 1 / (111_320 * math.cos(math.radians(LAT)))
NORTH = 1 / 110_574


def _ring(lon: float, lat: float, n: int, metres: float):
    """`n` points on a circle of `metres` around (lon, lat)."""
    return [(lon + metres * math.cos(2 * math.pi * i / n) * EAST, lat + metres * math.sin(2 * math.pi * i / n) * NORTH)
            for i in range(n)]


def test_two_clusters_are_found_largest_first_and_lonely_points_are_left_out():
    market = _ring(13.26, LAT, 7, 20)  # seven comments 20 m from the fountain
    school = _ring(13.27, LAT, 5, 15)
    lonely = [(13.28, LAT), (13.2805, LAT + 0.002)]  # more than 50 m from anything
    points = market + school + lonely
    categories = ["Traffic"] * 4 + ["Green"] * 2 + [None] + ["Play"] * 5 + ["Traffic", "Green"]
    spots = find_hotspots([p[0] for p in points], [p[1] for p in points], categories, 25833)
    assert [s.count for s in spots] == [7, 5]
    first, second = spots
    assert first.members == list(range(7)) and second.members == list(range(7, 12))
    assert first.top_categories == [("Traffic", 4), ("Green", 2)]  # no category is not a category
    assert second.top_categories == [("Play", 5)]
    assert (first.longitude, first.latitude) == pytest.approx((13.26, LAT), abs=1e-6)
    assert first.radius == pytest.approx(20, abs=0.5) and second.radius == pytest.approx(15, abs=0.5)


def test_the_distance_is_measured_in_metres_not_degrees():
    # Five comments 12 m apart in a row: the middle one has all five within 24 m, none has five within
    # 20 m. In degrees (0.00018° apart) any distance would take them all.
    points = [(13.26 + i * 12 * EAST, LAT) for i in range(5)]
    lon, lat = [p[0] for p in points], [p[1] for p in points]
    assert [s.count for s in find_hotspots(lon, lat, [None] * 5, 25833, distance=25)] == [5]
    assert find_hotspots(lon, lat, [None] * 5, 25833, distance=20) == []


def test_fewer_comments_than_a_hot_spot_needs_give_none():
    points = _ring(13.26, LAT, 4, 5)
    assert find_hotspots([p[0] for p in points], [p[1] for p in points], [None] * 4, 25833, min_comments=5) == []


def test_distances_need_a_metric_crs():
    with pytest.raises(GeoInputError, match="EPSG:4326"):
        find_hotspots([13.26] * 5, [LAT] * 5, [None] * 5, 4326)


@pytest.mark.parametrize("longitude, crs", [(6.96, 25832), (11.99, 25832), (12.0, 25833), (13.4, 25833)])
def test_the_utm_zone_of_a_place_in_germany(longitude, crs):
    assert metric_crs_at(longitude) == crs
