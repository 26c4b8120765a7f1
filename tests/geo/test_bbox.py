"""parse_bbox: what Leaflet sends, and what a client may send instead."""
from __future__ import annotations

import pytest

from geo.bbox import BBox, parse_bbox
from tests.geo import raises_catalogued


def test_valid_bbox():
    assert parse_bbox("13.2,53.5,13.3,53.6") == BBox(13.2, 53.5, 13.3, 53.6)


def test_spaces_and_negative_numbers():
    assert parse_bbox(" -1.5, -2 ,3e0,4") == BBox(-1.5, -2.0, 3.0, 4.0)


def test_a_single_point_is_a_box():
    assert parse_bbox("1,2,1,2") == BBox(1, 2, 1, 2)


@pytest.mark.parametrize("text", [None, ""])
def test_missing(text):
    error = raises_catalogued(parse_bbox, text)
    assert "missing" in error.message


@pytest.mark.parametrize("text", [
    "1,2,3",
    "1,2,3,4,5",
    "a,b,c,d",
    "1,2,3,four",
    "1,,3,4",
    "nan,2,3,4",
    "1,NaN,3,4",
    "inf,2,3,4",
    "-inf,2,3,4",
    "1,2,3,1e999",
])
def test_not_four_finite_numbers(text):
    error = raises_catalogued(parse_bbox, text)
    assert error.message == "The bbox must be four numbers: west,south,east,north."


@pytest.mark.parametrize("text", ["1,2,3,91", "1,-91,3,4", "1,100,3,100", "190,2,200,4", "-200,2,-190,4"])
def test_out_of_range(text):
    error = raises_catalogued(parse_bbox, text)
    assert "range" in error.message


@pytest.mark.parametrize("text", ["3,2,1,4", "1,4,3,2"])
def test_inverted(text):
    error = raises_catalogued(parse_bbox, text)
    assert "west ≤ east" in error.message


def test_longitudes_beyond_the_world_are_clamped():
    # Leaflet reports views wider than the world when zoomed out.
    assert parse_bbox("-540.5,-10,720,10") == BBox(-180.0, -10.0, 180.0, 10.0)
    assert parse_bbox("-190,0,10,1") == BBox(-180.0, 0.0, 10.0, 1.0)


def test_latitude_limits_are_inclusive():
    assert parse_bbox("-180,-90,180,90") == BBox(-180, -90, 180, 90)
