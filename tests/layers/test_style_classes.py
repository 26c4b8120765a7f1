"""Numeric attributes in classes: the breaks, their cleaning, legend words in the reader's locale,
the style page that fills, previews and saves them, and what the public map receives."""
from __future__ import annotations

import html
import itertools
import json
import re

import pytest
from flask_babel import force_locale

from participation.extensions import db
from participation.layers.drawing import draw_layers
from participation.layers.models import Layer
from participation.layers.styles.classes import SEQUENTIAL, classify, decimals_for
from participation.layers.styles.legend import legend_rows
from participation.layers.styles.rules import MAX_CLASSES, clean_style, colour_distance
from participation.layers.styles.views import OTHER_VALUES_FILL
from tests.conftest import csrf_token

#: GRZ of twelve blocks (one without a value, one with text), a year, and a text zoning.
GRZ = [0.2, 0.25, 0.3, 0.3, 0.35, 0.4, 0.4, 0.45, 0.6, 0.8, None, "k. A."]
BLOCKS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"grz": grz, "baujahr": 1950 + 6 * i, "nutzung": "WA" if i % 2 else "MI",
                                       "eigentuemer": f"Person {i}"},
     "geometry": {"type": "Point", "coordinates": [13.25 + i / 1000, 53.55]}} for i, grz in enumerate(GRZ)]}


@pytest.fixture
def blocks(app, town, runner, tmp_path):
    """A published layer of BLOCKS, imported with the CLI; its id."""
    path = tmp_path / "bloecke.geojson"
    path.write_text(json.dumps(BLOCKS), encoding="utf-8")
    result = runner.invoke(args=["layers", "import", str(path), "--municipality", town.slug, "--name", "Blöcke"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session.scalar(db.select(Layer.id))


def form_data(client, url: str, **overrides) -> dict:
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, url), "fill": "#2f6f9f", "stroke": "#112233", "opacity": "0.5",
            "width": "2", "point": "circle", "categorise_by": "grz", "classify": "equal", "class_count": "5",
            "action": "fill"}
    data.update(dict(re.findall(r'name="(popup-\d+-attribute)" value="([^"]+)"', page)))
    data.update(overrides)
    return data


def class_rows(page: str) -> list[tuple[str, str, str]]:
    """(min, max, colour) of the class rows on a style page."""
    def values(part: str) -> list[str]:
        return [html.unescape(v) for v in re.findall(
            rf'<input[^>]*name="classes-\d+-{part}"[^>]*value="([^"]*)"', page)]
    return list(zip(values("min"), values("max"), values("colour"), strict=True))


def stored_style(app, layer_id: int) -> dict:
    with app.app_context():
        return clean_style(db.session.get(Layer, layer_id).style)


# --- the breaks --------------------------------------------------------------------------------


def test_equal_intervals_have_round_breaks_from_the_lowest_to_the_highest_value():
    assert classify([0.1, 0.9, 0.5], "equal", 5) == [(0.1, 0.26), (0.26, 0.42), (0.42, 0.58), (0.58, 0.74), (0.74, 0.9)]
    assert classify(list(range(1950, 2021)), "equal", 5)[:2] == [(1950, 1964), (1964, 1978)]


def test_quantiles_put_about_as_many_values_in_each_class_and_merge_repeated_breaks():
    values = [float(v) for v in range(1, 13)]
    assert classify(values, "quantile", 3) == [(1, 4), (4, 8), (8, 12)]
    # Nine of ten values are equal: no empty class, no range twice.
    assert classify([5.0] * 9 + [7.0], "quantile", 5) == [(5, 7)]
    assert classify([3.0, 3.0], "equal", 4) == [(3, 3)]


def test_the_count_is_kept_between_three_and_seven_and_decimals_follow_the_width():
    assert len(classify([float(v) for v in range(100)], "equal", 12)) == MAX_CLASSES
    assert len(classify([float(v) for v in range(100)], "quantile", 1)) == 3
    assert (decimals_for(0.16), decimals_for(14), decimals_for(0.0003)) == (2, 0, 5)


def test_sequential_colours_are_distinct_and_none_is_near_the_no_value_grey():
    for count, colours in SEQUENTIAL.items():
        assert len(colours) == count == len(set(colours))
        assert all(colour_distance(a, b) >= 20 for a, b in itertools.combinations(colours, 2))
        assert all(colour_distance(OTHER_VALUES_FILL, c) >= 20 for c in colours)


# --- cleaning ----------------------------------------------------------------------------------


def test_clean_style_keeps_only_finite_ordered_ranges_and_at_most_seven():
    rows = [{"min": 0, "max": 1, "colour": "#FDE725", "label": "niedrig"},
            {"min": "nan", "max": 2, "colour": "#000000"},       # not a number
            {"min": 0.5, "max": 2, "colour": "#000001"},         # overlaps the one before
            {"min": 3, "max": 2, "colour": "#000002"},           # upside down
            {"min": True, "max": 4, "colour": "#000003"},        # a boolean is no number
            {"min": 1, "max": float("inf"), "colour": "#000004"},
            *({"min": 10 + i, "max": 11 + i, "colour": "javascript:x"} for i in range(10))]
    style = clean_style({"categorise_by": "grz", "classes": rows, "categories": [{"value": "A", "colour": "#ff0000"}],
                         "classify": {"method": "quantile", "count": 9}}, ["grz"])
    assert style["classes"][0] == {"min": 0.0, "max": 1.0, "colour": "#fde725", "label": "niedrig"}
    assert len(style["classes"]) == MAX_CLASSES and [c["min"] for c in style["classes"][1:3]] == [10.0, 11.0]
    assert all(c["colour"] == "#2f6f9f" for c in style["classes"][1:])  # bad colours fall back
    assert style["categories"] == [] and style["classify"] is None     # 9 classes were never allowed
    assert clean_style({"categorise_by": "grz", "classify": {"method": "equal", "count": 4}})["classify"] == {
        "method": "equal", "count": 4}
    assert clean_style({"categorise_by": None, "classes": rows})["classes"] == []


def test_legend_rows_write_ranges_for_the_locale(app):
    style = clean_style({"categorise_by": "grz", "fill": "#8c8c8c", "classes": [
        {"min": 0.2, "max": 0.4, "colour": "#fde725"}, {"min": 0.4, "max": 0.8, "colour": "#21918c", "label": "dicht"},
        {"min": 1950, "max": 12500.5, "colour": "#440154"}]})
    with app.test_request_context(), force_locale("de"):
        german = [row["label"] for row in legend_rows(style)]
    with app.test_request_context(), force_locale("en"):
        english = [row["label"] for row in legend_rows(style)]
    assert german == ["0,2 – 0,4", "dicht", "1950 – 12.500,5", "Anderer oder kein Wert"]
    assert english == ["0.2 – 0.4", "dicht", "1950 – 12,500.5", "Other or no value"]
    assert [row["fill"] for row in legend_rows(style)] == ["#fde725", "#21918c", "#440154", "#8c8c8c"]


# --- the style page ----------------------------------------------------------------------------


def test_a_numeric_attribute_fills_classes_not_thirty_values(app, client, town, gis, blocks):
    url = f"/{town.slug}/gis/ebenen/{blocks}/darstellung"
    page = client.post(url, data=form_data(client, url, classify="quantile", class_count="4")).get_data(as_text=True)
    rows = class_rows(page)
    assert [(low, high) for low, high, _c in rows] == [("0.2", "0.3"), ("0.3", "0.35"), ("0.35", "0.45"), ("0.45", "0.8")]
    assert [colour for _l, _h, colour in rows] == SEQUENTIAL[4]
    assert 'name="categories-0-value"' not in page
    # The default fill is close to a class colour: the features without a number get grey.
    assert re.search(rf'id="fill"[^>]*value="{OTHER_VALUES_FILL}"', page)
    assert "0,2 – 0,3" in html.unescape(page)  # the range an empty label stands for, in German
    assert stored_style(app, blocks)["classes"] == []  # nothing saved by filling

    years = client.post(url, data=form_data(client, url, categorise_by="baujahr", class_count="3")).get_data(as_text=True)
    assert [(low, high) for low, high, _c in class_rows(years)] == [("1950", "1972"), ("1972", "1994"), ("1994", "2016")]


def test_a_text_attribute_keeps_categories_and_each_value_mode_gives_numbers_categories(client, town, gis, blocks):
    url = f"/{town.slug}/gis/ebenen/{blocks}/darstellung"
    page = client.post(url, data=form_data(client, url, categorise_by="nutzung")).get_data(as_text=True)
    assert class_rows(page) == [] and 'value="WA"' in page and 'value="MI"' in page
    values = client.post(url, data=form_data(client, url, categorise_by="baujahr", classify="values")).get_data(
        as_text=True)
    assert class_rows(values) == [] and 'value="1950"' in values and 'value="2016"' in values


def test_classes_are_saved_and_reach_the_legend_and_the_map_script(app, client, town, gis, blocks):
    url = f"/{town.slug}/gis/ebenen/{blocks}/darstellung"
    data = form_data(client, url, action="save", fill="#8c8c8c", **{
        "classes-0-min": "0.2", "classes-0-max": "0.4", "classes-0-colour": "#fde725", "classes-0-label": "",
        "classes-1-min": "0.4", "classes-1-max": "0.8", "classes-1-colour": "#21918c", "classes-1-label": "dicht",
        "classes-2-min": "", "classes-2-max": "", "classes-2-colour": "#440154", "classes-2-label": ""})
    assert client.post(url, data=data).status_code == 302
    style = stored_style(app, blocks)
    assert style["classes"] == [{"min": 0.2, "max": 0.4, "colour": "#fde725", "label": ""},
                                {"min": 0.4, "max": 0.8, "colour": "#21918c", "label": "dicht"}]
    assert style["classify"] == {"method": "equal", "count": 5} and style["categories"] == []

    shown = html.unescape(client.get(f"/{town.slug}/gis/ebenen/{blocks}").get_data(as_text=True))
    legend = re.search(r'<ul class="layer-legend".*?</ul>', shown, re.S).group(0)
    assert re.findall(r'fill="(#[0-9a-f]{6})"', legend) == ["#fde725", "#21918c", "#8c8c8c"]
    assert ["0,2 – 0,4", "dicht", "Anderer oder kein Wert"] == re.findall(
        r'<span class="kern-body kern-body--small">([^<]+)</span>', legend)
    with app.test_request_context(), force_locale("de"):
        [config] = draw_layers([(db.session.get(Layer, blocks), True)]).configs
    assert [c["label"] for c in config["style"]["classes"]] == ["0,2 – 0,4", "dicht"]  # for the popup

    # Only the colouring attribute leaves the server, not the owners.
    features = client.get(f"/api/v1/layers/{blocks}/features").get_json()["features"]
    assert {key for f in features for key in f["properties"]} == {"grz"}


@pytest.mark.parametrize("rows, message", [
    ({"classes-0-min": "0.5", "classes-0-max": "0.2"}, "must not be below the lower end"),
    ({"classes-0-min": "0.2", "classes-0-max": "0.5", "classes-1-min": "0.4", "classes-1-max": "0.8"}, "overlapping"),
    ({"classes-0-min": "0.2", "classes-0-max": ""}, "both ends"),
    ({"classes-0-min": "nan", "classes-0-max": "1"}, "Enter a number"),
    ({"classes-0-min": "0", "classes-0-max": "1", "classes-0-colour": "#2f6f9f"}, "already used in the legend"),
])
def test_bad_ranges_are_refused_with_a_message(app, client, town, gis, blocks, rows, message):
    url = f"/{town.slug}/gis/ebenen/{blocks}/darstellung"
    data = form_data(client, url, action="save", **{"classes-0-colour": "#fde725", "classes-1-colour": "#21918c",
                                                     **rows})
    response = client.post(url, data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "kern-error" in page
    assert message in page or _german(message) in page
    assert stored_style(app, blocks)["classes"] == []


def _german(message: str) -> str:
    return {"must not be below the lower end": "darf nicht unter dem unteren",
            "overlapping": "überlappen", "both ends": "beide Enden", "Enter a number": "Geben Sie eine Zahl",
            "already used in the legend": "in der Legende schon für „Anderer oder kein Wert“"}[message]


def test_preview_draws_the_style_as_entered_and_saves_nothing(app, client, town, gis, blocks):
    url = f"/{town.slug}/gis/ebenen/{blocks}/darstellung"
    before = stored_style(app, blocks)
    data = form_data(client, url, action="preview", fill="#8c8c8c", **{
        "classes-0-min": "0.2", "classes-0-max": "0.5", "classes-0-colour": "#fde725", "classes-0-label": "locker",
        "classes-1-min": "0.5", "classes-1-max": "0.8", "classes-1-colour": "#440154", "classes-1-label": ""})
    response = client.post(url, data=data)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    [config] = json.loads(re.search(r"data-layers='([^']*)'", page).group(1))
    assert [(c["min"], c["max"], c["label"]) for c in config["style"]["classes"]] == [
        (0.2, 0.5, "locker"), (0.5, 0.8, "0,5 – 0,8")]
    # The GIS team's own address with every attribute: the public one has only the saved style's.
    assert config["source"]["url"] == f"/{town.slug}/gis/ebenen/{blocks}/versionen/1/vorschau"
    legend = re.search(r'<ul class="layer-legend".*?</ul>', page, re.S).group(0)
    assert ["locker", "0,5 – 0,8", "Anderer oder kein Wert"] == re.findall(
        r'<span class="kern-body kern-body--small">([^<]+)</span>', legend)
    assert "noch nicht gespeichert" in page or "not saved yet" in page
    assert stored_style(app, blocks) == before
