"""Popups that speak the legend's words: value labels per popup row ("WA = Allgemeines Wohngebiet"),
entered on the style page, cleaned and limited, and handed to the map script."""
from __future__ import annotations

import html
import json
import re

import pytest

from participation.extensions import db
from participation.layers.models import Layer
from participation.layers.styles.forms import parse_value_labels
from participation.layers.styles.rules import MAX_VALUE_LABEL_LENGTH, MAX_VALUE_LABELS, clean_popup
from tests.layers.test_style_classes import blocks, form_data  # noqa: F401 (blocks is a fixture)


def test_clean_popup_keeps_text_labels_and_limits_them():
    many = {f"C{i}": f"Label {i}" for i in range(MAX_VALUE_LABELS + 10)}
    rows = clean_popup([
        {"attribute": "nutzung", "label": "Art", "values": {" WA ": " Allgemeines Wohngebiet ", "MI": "", "": "x",
                                                            "GE": 7, "x" * 300: "lang"}},
        {"attribute": "grz", "label": "GRZ", "values": many},
        {"attribute": "art", "values": ["not", "a", "dict"]},
    ], ["nutzung", "grz", "art"])
    assert rows[0]["values"] == {"WA": "Allgemeines Wohngebiet", "GE": "7", "x" * MAX_VALUE_LABEL_LENGTH: "lang"}
    assert len(rows[1]["values"]) == MAX_VALUE_LABELS and list(rows[1]["values"])[0] == "C0"
    assert rows[2] == {"attribute": "art", "label": "art"}  # no labels: stored as before


def test_value_label_lines_are_read_and_bad_lines_named():
    labels, errors = parse_value_labels("WA = Allgemeines Wohngebiet\n\nMI=Mischgebiet\nGE = Gewerbe = Industrie\r\n")
    assert labels == {"WA": "Allgemeines Wohngebiet", "MI": "Mischgebiet", "GE": "Gewerbe = Industrie"}
    assert errors == []
    _labels, errors = parse_value_labels("WA Wohngebiet\nMI = \nWA = a\nWA = b")
    assert len(errors) == 3 and errors[0].startswith(("Line 1", "Zeile 1")) and ("WA" in errors[2])
    _labels, errors = parse_value_labels("\n".join(f"{i} = x" for i in range(MAX_VALUE_LABELS + 1)))
    assert len(errors) == 1


def test_value_labels_are_saved_shown_again_and_reach_the_map_script(app, client, town, gis, blocks):  # noqa: F811
    url = f"/{town.slug}/gis/ebenen/{blocks}/darstellung"
    data = form_data(client, url, action="save", categorise_by="")
    rows = {value: name.rsplit("-", 1)[0] for name, value in data.items() if re.fullmatch(r"popup-\d+-attribute", name)}
    data.update({f"{rows['nutzung']}-show": "y", f"{rows['nutzung']}-label": "Art der Nutzung",
                 f"{rows['nutzung']}-values": "WA = Allgemeines Wohngebiet\nMI = Mischgebiet",
                 f"{rows['baujahr']}-values": "1950 = Nachkriegszeit"})  # not shown: not stored
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Layer, blocks).popup == [{"attribute": "nutzung", "label": "Art der Nutzung", "values": {
            "WA": "Allgemeines Wohngebiet", "MI": "Mischgebiet"}}]
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert re.search(r'<textarea[^>]*name="popup-\d+-values"[^>]*>\s*WA = Allgemeines Wohngebiet\nMI = Mischgebiet</textarea>',
                     page)
    shown = html.unescape(client.get(f"/{town.slug}/gis/ebenen/{blocks}").get_data(as_text=True))
    [config] = json.loads(re.search(r"data-layers='([^']*)'", shown).group(1))
    assert config["popup"][0]["values"] == {"WA": "Allgemeines Wohngebiet", "MI": "Mischgebiet"}
    # Labels are words for codes, not more attributes: still only the popup's attribute is public.
    features = client.get(f"/api/v1/layers/{blocks}/features").get_json()["features"]
    assert {key for f in features for key in f["properties"]} == {"nutzung"}


@pytest.mark.parametrize("text", ["WA Wohngebiet", "\n".join(f"C{i} = x" for i in range(MAX_VALUE_LABELS + 1))])
def test_bad_value_labels_are_refused_with_a_message(app, client, town, gis, blocks, text):  # noqa: F811
    url = f"/{town.slug}/gis/ebenen/{blocks}/darstellung"
    data = form_data(client, url, action="save", categorise_by="")
    row = next(name.rsplit("-", 1)[0] for name, value in data.items() if value == "nutzung" and name.startswith("popup"))
    data.update({f"{row}-show": "y", f"{row}-values": text})
    response = client.post(url, data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="popup-\d+-values"', page)
    assert "Wertbezeichnungen von nutzung" in page  # the error summary names the field
    with app.app_context():
        assert db.session.get(Layer, blocks).popup in (None, [])
