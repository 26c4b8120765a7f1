"""The style page: filling categories from an attribute, and one colour per legend entry."""
from __future__ import annotations

import html
import itertools
import json
import re

import pytest

from participation.extensions import db
from participation.layers.models import Layer
from participation.layers.styles.rules import DEFAULT_STYLE, colour_distance
from participation.layers.styles.views import OTHER_VALUES_FILL, PALETTE
from tests.conftest import csrf_token
from tests.layers.test_layer_pages import finished_upload, post_upload, style_form

#: 25 features: "art" has 25 values (more than the palette), "leer" none, "zone" three, "land" one.
MANY = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"art": f"A{i:02d}", "leer": None, "zone": "WA" if i % 3 else "GE" if i % 2 else "MI",
                                       "land": "MV"},
     "geometry": {"type": "Point", "coordinates": [13.25 + i / 1000, 53.55]}} for i in range(25)]}


@pytest.fixture
def many(app, client, town, gis):
    upload = finished_upload(app, post_upload(client, town, json.dumps(MANY).encode(), "many.geojson"))
    token = csrf_token(client, f"/{town.slug}/gis/hochladen/{upload.id}")
    client.post(f"/{town.slug}/gis/hochladen/{upload.id}/veroeffentlichen", data={"csrf_token": token})
    return upload.layer_id


def fill(client, town, layer_id, attribute, **overrides):
    url, data, _rows = style_form(client, town, layer_id, categorise_by=attribute, action="fill", **overrides)
    page = client.post(url, data=data).get_data(as_text=True)
    colours = re.findall(r'name="categories-\d+-colour"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="categories-\d+-colour"',
                         page)
    return html.unescape(page), [a or b for a, b in colours]


def test_the_palette_has_no_two_colours_alike():
    assert len(set(PALETTE)) == len(PALETTE) >= 20
    assert min(colour_distance(a, b) for a, b in itertools.combinations(PALETTE, 2)) >= 15
    assert min(colour_distance(OTHER_VALUES_FILL, c) for c in PALETTE) >= 15


def test_an_attribute_without_values_says_there_is_nothing_to_colour_by(client, town, gis, many):
    page, colours = fill(client, town, many, "leer")
    assert "nothing to colour by" in page or "nichts, wonach" in page
    assert "0 values found" not in page and "0 Werte gefunden" not in page
    assert colours == []


def test_the_number_of_values_found_is_said_in_words_that_fit_it(client, town, gis, many):
    page, colours = fill(client, town, many, "zone")
    assert "3 values found." in page or "3 Werte gefunden." in page
    page, colours = fill(client, town, many, "land")
    assert "1 value found." in page or "1 Wert gefunden." in page
    assert len(colours) == 1


def test_more_values_than_colours_never_repeat_a_colour(client, town, gis, many):
    page, colours = fill(client, town, many, "art")
    assert len(colours) == len(PALETTE) and len(set(colours)) == len(colours)
    assert "Lorem" not in page and ("distinguishable colours" in page or "unterscheidbare Farben" in page)


def test_other_values_get_a_fill_no_category_uses(client, town, gis, many):
    page, colours = fill(client, town, many, "zone", fill=DEFAULT_STYLE["fill"])  # near the first palette colour
    assert re.search(rf'id="fill"[^>]*value="{OTHER_VALUES_FILL}"|value="{OTHER_VALUES_FILL}"[^>]*id="fill"', page)
    _page, _colours = fill(client, town, many, "zone", fill="#c0398a")  # a fill of one's own is kept
    assert re.search(r'id="fill"[^>]*value="#c0398a"|value="#c0398a"[^>]*id="fill"', _page)


def test_saving_two_entries_in_one_colour_is_refused(app, client, town, gis, many):
    url, data, _rows = style_form(client, town, many, categorise_by="zone", fill="#336699")
    data.update({"categories-0-value": "WA", "categories-0-colour": "#ff0000", "categories-0-label": "WA",
                 "categories-1-value": "GE", "categories-1-colour": "#FF0000", "categories-1-label": "GE"})
    response = client.post(url, data=data)
    assert response.status_code == 200 and "kern-error" in response.get_data(as_text=True)
    data.update({"categories-1-colour": "#336699"})  # the colour of "other values"
    assert client.post(url, data=data).status_code == 200
    data.update({"categories-1-colour": "#0000ff"})
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert [c["colour"] for c in db.session.get(Layer, many).style["categories"]] == ["#ff0000", "#0000ff"]


def test_the_server_colours_a_feature_as_the_map_script_does():
    from participation.layers.styles.legend import feature_fill  # noqa: PLC0415
    from participation.layers.styles.rules import clean_style  # noqa: PLC0415
    categories = clean_style({"fill": "#111111", "categorise_by": "art", "categories": [
        {"value": "WA", "colour": "#ff0000"}, {"value": "true", "colour": "#00ff00"}, {"value": "3", "colour": "#0000ff"}]})
    assert feature_fill(categories, {"art": "WA"}) == "#ff0000"
    assert feature_fill(categories, {"art": True}) == "#00ff00" and feature_fill(categories, {"art": 3.0}) == "#0000ff"
    assert feature_fill(categories, {"art": "MI"}) == feature_fill(categories, {}) == "#111111"
    classes = clean_style({"fill": "#111111", "categorise_by": "grz", "classes": [
        {"min": 0, "max": 0.4, "colour": "#aaaaaa"}, {"min": 0.4, "max": 0.8, "colour": "#bbbbbb"}]})
    assert feature_fill(classes, {"grz": "0,4"}) == "#aaaaaa"  # a shared break goes to the lower class
    assert feature_fill(classes, {"grz": 0.5}) == "#bbbbbb" and feature_fill(classes, {"grz": 0.9}) == "#111111"
    assert feature_fill(classes, {"grz": "viel"}) == "#111111"
