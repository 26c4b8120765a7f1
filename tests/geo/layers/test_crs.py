"""CRS helpers: AdV URNs, the user's choice, guesses and plausibility messages."""
from __future__ import annotations

import pytest
from pyproj import CRS

from geo.errors import GeoInputError
from geo.layers.crs import (GERMANY, adv_epsg, crs_from_user, fitting_crs, implausible_error,
                            missing_crs_error, srs_name_in, to_lonlat)

GK3_BREMEN = (3478519.0, 5889194.0, 3479519.0, 5890194.0)


@pytest.mark.parametrize(("urn", "epsg"), [
    ("urn:adv:crs:ETRS89_UTM32", 25832), ("urn:adv:crs:ETRS89_UTM33", 25833),
    ("urn:adv:crs:DE_DHDN_3GK3", 31467), ("urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH", 25832),
    ("URN:ADV:CRS:etrs89_utm33", 25833), ("EPSG:25832", None), ("urn:adv:crs:UNKNOWN", None),
])
def test_adv_urns(urn, epsg):
    assert adv_epsg(urn) == epsg


def test_srs_name_is_found_in_a_stream(tmp_path):
    path = tmp_path / "a.gml"
    path.write_text("<a>" + " " * 300_000 + '<gml:Envelope srsName="urn:adv:crs:ETRS89_UTM32"/></a>')
    assert srs_name_in(path) == "urn:adv:crs:ETRS89_UTM32"


@pytest.mark.parametrize("value", [25832, "25832", "EPSG:25832", "urn:adv:crs:ETRS89_UTM32"])
def test_user_choice(value):
    assert crs_from_user(value).to_epsg() == 25832


def test_unknown_user_choice():
    with pytest.raises(GeoInputError, match="not known"):
        crs_from_user("EPSG:999999")
    with pytest.raises(TypeError):
        crs_from_user(25832.0)


def test_guesses_from_coordinates():
    assert fitting_crs(GK3_BREMEN) == [31467]
    assert fitting_crs((33249606.0, 5893000.0, 33260000.0, 5900000.0)) == [5650]
    assert fitting_crs((2581475.0, 5629900.0, 2625625.0, 5664500.0)) == [31466]
    assert fitting_crs((1.0, 2.0, 3.0, 4.0)) == []


def test_missing_crs_lists_the_choices():
    error = missing_crs_error((1.0, 2.0, 3.0, 4.0), GERMANY)
    assert "EPSG:25833" in str(error) and "EPSG:31469" in str(error) and error.params["suggested"] == []


def test_wrong_label_is_explained():
    crs = CRS.from_epsg(25833)
    error = implausible_error(GK3_BREMEN, crs, to_lonlat(GK3_BREMEN, crs), GERMANY)
    assert "label is probably wrong" in error.message and error.params["suggested"] == [31467]


def test_swapped_projected_axes_are_explained():
    crs = CRS.from_epsg(25832)
    swapped = (5700000.0, 480000.0, 5701000.0, 481000.0)
    error = implausible_error(swapped, crs, to_lonlat(swapped, crs), GERMANY)
    assert "axes are swapped" in error.message


def test_far_away_data_gets_the_generic_message():
    crs = CRS.from_epsg(4326)
    error = implausible_error((-122.5, 37.7, -122.4, 37.8), crs, (-122.5, 37.7, -122.4, 37.8), GERMANY)
    assert "Check the coordinate reference system" in error.message
