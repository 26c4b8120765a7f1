"""parse_point and point_in_area: residents' pins."""
from __future__ import annotations

import pytest
from shapely.geometry import MultiPolygon, Point, Polygon

from geo.points import parse_point, point_in_area
from tests.geo import raises_catalogued

SQUARE = MultiPolygon([Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])])


def test_valid_numbers():
    point = parse_point(13.25, 53.55)
    assert isinstance(point, Point) and (point.x, point.y) == (13.25, 53.55)


def test_numeric_strings_from_a_form():
    point = parse_point("13.25", " 53.55 ")
    assert (point.x, point.y) == (13.25, 53.55)


def test_integer_limits_are_inside():
    assert parse_point(-180, 90).equals(Point(-180, 90))
    assert parse_point(180, -90).equals(Point(180, -90))


@pytest.mark.parametrize("lon, lat", [
    ("abc", "1"), ("", "1"), (None, 1), (1, None), ([1], 2), ({}, 2),
    (float("nan"), 1), (1, float("nan")), ("nan", "1"), (float("inf"), 1), ("-inf", 1), ("1e999", 1),
    (10**400, 1),  # too large for a float
    (True, 1), (1, False),
])
def test_not_longitude_and_latitude(lon, lat):
    error = raises_catalogued(parse_point, lon, lat)
    assert error.message == "The position must be given as longitude and latitude."


@pytest.mark.parametrize("lon, lat", [(180.0001, 0), (-181, 0), (0, 90.5), (0, -91), ("200", "10")])
def test_out_of_range(lon, lat):
    error = raises_catalogued(parse_point, lon, lat)
    assert "range" in error.message


def test_inside():
    assert point_in_area(Point(1, 1), SQUARE)


@pytest.mark.parametrize("point", [Point(0, 0), Point(2, 1), Point(1, 2)])
def test_boundary_counts_as_inside(point):
    assert point_in_area(point, SQUARE)


@pytest.mark.parametrize("point", [Point(2.0001, 1), Point(-1, -1), Point(1, 3)])
def test_outside(point):
    assert not point_in_area(point, SQUARE)


def test_hole_is_outside():
    ring = MultiPolygon([Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (3, 1), (3, 3), (1, 3)]])])
    assert not point_in_area(Point(2, 2), ring)
    assert point_in_area(Point(0.5, 0.5), ring)


def test_no_area_allows_anywhere():
    assert point_in_area(Point(100, 10), None)
    assert point_in_area(Point(100, 10), MultiPolygon())
