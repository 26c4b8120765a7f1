"""Default styles of XPlanung layers: the shape of the layer styles, PlanZV hues, used categories only."""
from __future__ import annotations

import itertools
import re
import warnings

import pytest

from geo.xplan.codes import CLASS_LABELS, is_presentation_object, translate
from geo.xplan.styles import BUILDING_AREA_COLOURS, BUILDING_USE_COLOURS, UNKNOWN_USE_FILL, default_style
from participation.layers.styles.rules import DEFAULT_STYLE, clean_style, colour_distance
from tests.geo.layers.conftest import REAL

COLOUR = re.compile(r"^#[0-9a-f]{6}$")
BAUGEBIET = "BP_BaugebietsTeilFlaeche"


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _check_shape(style: dict) -> None:
    assert set(style) == set(DEFAULT_STYLE)
    colours = [style["fill"], style["stroke"], *(c["colour"] for c in style["categories"])]
    assert all(COLOUR.match(colour) for colour in colours), colours
    assert 0 <= style["opacity"] <= 1 and 0 < style["width"] <= 20
    attributes = [style["categorise_by"]] if style["categorise_by"] else []
    assert clean_style(style, attributes) == style  # the layer settings accept it unchanged


@pytest.mark.parametrize("class_name", sorted(name for name in CLASS_LABELS if not is_presentation_object(name)))
def test_every_class_has_a_style_of_the_right_shape(class_name):
    _check_shape(default_style(class_name))


def test_an_unknown_class_gets_the_ordinary_default():
    style = default_style("BP_Neu")
    _check_shape(style)
    assert (style["fill"], style["stroke"], style["categorise_by"]) == (DEFAULT_STYLE["fill"],
                                                                          DEFAULT_STYLE["stroke"], None)


def test_baugebiete_are_categorised_by_art_with_words_as_labels():
    style = default_style(BAUGEBIET)
    _check_shape(style)
    assert style["categorise_by"] == "besondereArtDerBaulNutzung"
    labels = {c["value"]: c["label"] for c in style["categories"]}
    assert labels["1200"] == "Allgemeines Wohngebiet" and labels["1700"] == "Gewerbegebiet"
    assert len(labels) == len(BUILDING_USE_COLOURS)


def test_only_categories_that_occur_are_kept():
    style = default_style(BAUGEBIET, {"1200", 1500.0, "1700.0"})
    assert [c["value"] for c in style["categories"]] == ["1200", "1500", "1700"]


def test_without_besondere_art_the_allgemeine_art_colours_the_layer():
    style = default_style(BAUGEBIET, {"besondereArtDerBaulNutzung": set(), "allgArtDerBaulNutzung": {1000, 3000}})
    _check_shape(style)
    assert style["categorise_by"] == "allgArtDerBaulNutzung"
    assert [(c["value"], c["label"]) for c in style["categories"]] == [
        ("1000", "Wohnbaufläche"), ("3000", "Gewerbliche Baufläche")]
    assert default_style("FP_BebauungsFlaeche")["categorise_by"] == "besondereArtDerBaulNutzung"


def test_translated_layers_are_categorised_by_words():
    style = default_style(BAUGEBIET, {"Allgemeines Wohngebiet", "Mischgebiet"}, translated=True)
    assert [(c["value"], c["label"]) for c in style["categories"]] == [
        ("Allgemeines Wohngebiet", "Allgemeines Wohngebiet"), ("Mischgebiet", "Mischgebiet")]


@pytest.mark.parametrize("palette", [BUILDING_USE_COLOURS, BUILDING_AREA_COLOURS])
def test_categories_can_be_told_apart(palette):
    for first, second in itertools.combinations(palette.values(), 2):
        assert colour_distance(first, second) >= 10, (first, second)
    assert all(colour_distance(UNKNOWN_USE_FILL, colour) >= 20 for colour in palette.values())


def test_planzv_hues():
    red = [_rgb(BUILDING_USE_COLOURS[code]) for code in ("1000", "1100", "1200", "1300")]
    assert all(r > g and r > b for r, g, b in red)  # Wohngebiete red
    for code in ("1400", "1500", "1550", "1600"):  # gemischte Gebiete brown-orange
        r, g, b = _rgb(BUILDING_USE_COLOURS[code])
        assert r > g > b
    for code in ("1700", "1800"):  # Gewerbe grey
        assert max(_rgb(BUILDING_USE_COLOURS[code])) - min(_rgb(BUILDING_USE_COLOURS[code])) < 10
    r, g, b = _rgb(default_style("BP_GruenFlaeche")["fill"])
    assert g > r and g > b
    r, g, b = _rgb(default_style("BP_GewaesserFlaeche")["fill"])
    assert b > r and b > g
    r, g, b = _rgb(default_style("BP_GemeinbedarfsFlaeche")["fill"])
    assert r > g and b > g
    r, g, b = _rgb(default_style("BP_BauGrenze")["stroke"])
    assert b > r and b > g
    assert default_style("BP_Plan")["opacity"] == 0 and default_style("BP_BauGrenze")["opacity"] == 0


def _baugebiete(name: str) -> list[dict]:
    pyogrio = pytest.importorskip("pyogrio")
    path = REAL / "xplan" / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pyogrio.read_dataframe(path, layer=BAUGEBIET, read_geometry=False,
                                       WRITE_GFS="NO")  # no side file beside the shared data
    return frame.to_dict("records")


def _js_string(value: object) -> str:
    """What the map script's String(value) gives for a JSON number or text."""
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else str(number)


@pytest.mark.parametrize("name", ["Blankenese29_BP_xplan60_25832.gml", "BPlan002_BP_xplan54_25832.gml",
                                  "Rotherbaum27_BP_xplan52_25832.gml", "BP2070_BP_xplan51_gk3_31467.gml"])
def test_every_real_baugebiet_finds_its_category(name):
    records = _baugebiete(name)
    values = {r["besondereArtDerBaulNutzung"] for r in records}
    style = default_style(BAUGEBIET, values)
    categories = {c["value"] for c in style["categories"]}
    assert categories == {_js_string(v) for v in values}
    assert all(_js_string(r["besondereArtDerBaulNutzung"]) in categories for r in records)
    words = [translate(BAUGEBIET, r)["besondereArtDerBaulNutzung"] for r in records]
    by_words = default_style(BAUGEBIET, set(words), translated=True)
    assert {c["value"] for c in by_words["categories"]} == set(words)
