"""XPlanung codes in words and the main rules of a plan object, against real plans and edge cases."""
from __future__ import annotations

import math
import re
import shutil
import warnings

import numpy as np
import pytest

from geo.xplan.codes import (
    CLASS_LABELS, CODE_LISTS, GROUP_ORDER, GROUPS, class_label, code_list, describe, german_number, group_of,
    is_presentation_object, roman, translate,
)
from geo.xplan.enumerations import ENUMERATIONS
from tests.geo.layers.conftest import REAL

XPLAN = REAL / "xplan"
USE_WORDS = (set(ENUMERATIONS["XP_BesondereArtDerBaulNutzung"].values())
             | set(ENUMERATIONS["XP_AllgArtDerBaulNutzung"].values()))


def _records(name: str, layer: str) -> list[dict]:
    pyogrio = pytest.importorskip("pyogrio")
    path = XPLAN / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL notes about the GML schema
        frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False,
                                       WRITE_GFS="NO")  # no side file beside the shared data
    return frame.to_dict("records")


def _layers(name: str, tmp_path) -> list[str]:
    pyogrio = pytest.importorskip("pyogrio")
    path = XPLAN / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    copy = tmp_path / name  # list_layers takes no open options, and GDAL writes a .gfs beside what it reads
    shutil.copyfile(path, copy)
    return [str(layer) for layer, _kind in pyogrio.list_layers(copy)]


@pytest.mark.parametrize("name, count", [
    ("Blankenese29_BP_xplan60_25832.gml", 42),
    ("BPlan002_BP_xplan54_25832.gml", 3),
    ("Rotherbaum27_BP_xplan52_25832.gml", 4),
    ("BP2070_BP_xplan51_gk3_31467.gml", 37),
])
def test_every_baugebiet_of_a_real_plan_starts_with_its_art_der_baulichen_nutzung(name, count):
    records = _records(name, "BP_BaugebietsTeilFlaeche")
    assert len(records) == count
    for record in records:
        text = describe("BP_BaugebietsTeilFlaeche", record)
        assert text.split(",")[0] in USE_WORDS, text
        assert not re.search(r"\b(nan|None|NaT)\b", text), text
        words = translate("BP_BaugebietsTeilFlaeche", record)
        assert words["besondereArtDerBaulNutzung"] in ENUMERATIONS["XP_BesondereArtDerBaulNutzung"].values()


def test_the_rules_of_blankenese29_read_as_on_the_plan():
    texts = {describe("BP_BaugebietsTeilFlaeche", r) for r in _records("Blankenese29_BP_xplan60_25832.gml",
                                                                       "BP_BaugebietsTeilFlaeche")}
    assert "Reines Wohngebiet, GRZ 0,4, II Vollgeschosse, nur Einzelhäuser, höchstens 2 Wohnungen je Wohngebäude" \
        in texts
    assert "Allgemeines Wohngebiet, GR 300 m², I Vollgeschoss, höchstens 5 Wohnungen je Wohngebäude" in texts


def test_bplan002_names_its_three_baugebiete_and_its_park():
    texts = sorted(describe("BP_BaugebietsTeilFlaeche", r)
                   for r in _records("BPlan002_BP_xplan54_25832.gml", "BP_BaugebietsTeilFlaeche"))
    assert texts == ["Allgemeines Wohngebiet", "Gewerbegebiet", "Mischgebiet"]
    parks = sorted(describe("BP_GruenFlaeche", r) for r in _records("BPlan002_BP_xplan54_25832.gml",
                                                                     "BP_GruenFlaeche"))
    assert parks == ["Private Grünfläche: Parkanlage", "Öffentliche Grünfläche: Parkanlage"]


def test_lists_of_codes_in_real_plans_become_words():
    # Rotherbaum27 (5.2) holds the Zweckbestimmung as an integer list, Blankenese29 (6.0) as "allgemein".
    rotherbaum = {describe("BP_GemeinbedarfsFlaeche", r)
                  for r in _records("Rotherbaum27_BP_xplan52_25832.gml", "BP_GemeinbedarfsFlaeche")}
    assert "Gemeinbedarfsfläche: Schule, Bildung und Forschung, GRZ 0,6, GFZ 1,2" in rotherbaum
    blankenese = _records("Blankenese29_BP_xplan60_25832.gml", "BP_GemeinbedarfsFlaeche")
    assert describe("BP_GemeinbedarfsFlaeche", blankenese[0]) == "Gemeinbedarfsfläche: Schule, Bildung und Forschung"
    trees = _records("Rotherbaum27_BP_xplan52_25832.gml", "BP_AnpflanzungBindungErhaltung")
    assert {translate("BP_AnpflanzungBindungErhaltung", r)["gegenstand"] for r in trees} == {
        "Bäume", "Bäume, Sträucher"}


@pytest.mark.parametrize("name", [
    "Blankenese29_BP_xplan60_25832.gml", "BPlan002_BP_xplan54_25832.gml", "BP2070_BP_xplan51_gk3_31467.gml",
    "Rotherbaum27_BP_xplan52_25832.gml", "BP_6.0_small_xplan60_25832.gml", "StErhVO_Hamm_SO_xplan60_25832.gml",
])
def test_every_class_of_the_real_plans_is_known_and_described(name, tmp_path):
    for layer in _layers(name, tmp_path):
        assert layer in CLASS_LABELS, f"{layer} has no label"
        assert group_of(layer) in GROUP_ORDER
        if is_presentation_object(layer):
            continue
        for record in _records(name, layer):
            text = describe(layer, record)
            assert text.startswith(class_label(layer).split(" ")[0]) or text.split(",")[0] in USE_WORDS \
                or text.split(":")[0] in ENUMERATIONS["XP_ABEMassnahmenTypen"].values() \
                or text.startswith(("Öffentliche", "Private")), text
            assert not re.search(r"\b(nan|None|NaT)\b", text), text
            assert not any(ch.isdigit() for ch in text.split(",")[0]), text


def test_the_example_of_the_issue():
    properties = {"gml_id": "GML_1", "besondereArtDerBaulNutzung": "1200", "GRZ": 0.4, "Z": 2}
    assert describe("BP_BaugebietsTeilFlaeche", properties) == "Allgemeines Wohngebiet, GRZ 0,4, II Vollgeschosse"


@pytest.mark.parametrize("properties, expected", [
    ({}, "Baugebietsteilfläche"),
    ({"besondereArtDerBaulNutzung": None, "GRZ": math.nan, "Z": ""}, "Baugebietsteilfläche"),
    ({"besondereArtDerBaulNutzung": "7777"}, "Baugebietsteilfläche"),
    ({"allgArtDerBaulNutzung": "2000"}, "Gemischte Baufläche"),
    ({"allgArtDerBaulNutzung": 1000, "besondereArtDerBaulNutzung": 1100.0}, "Reines Wohngebiet"),
    ({"besondereArtDerBaulNutzung": "2100", "sondernutzung": "1500"}, "Sonstiges Sondergebiet (Einzelhandelsgebiet)"),
    ({"GRZ": 0.4000000001}, "Baugebietsteilfläche, GRZ 0,4"),
    ({"GRZ": "0.30000000000000004", "GFZ": "0,8"}, "Baugebietsteilfläche, GRZ 0,3, GFZ 0,8"),
    ({"GFZmin": 0.8, "GFZmax": 1.2}, "Baugebietsteilfläche, GFZ 0,8–1,2"),
    ({"GRZmin": 0.2}, "Baugebietsteilfläche, GRZ mindestens 0,2"),
    ({"GR": 1200.0, "GF": 2500}, "Baugebietsteilfläche, GR 1.200 m², GF 2.500 m²"),
    ({"Z": 1}, "Baugebietsteilfläche, I Vollgeschoss"),
    ({"Z": np.float64(4.0)}, "Baugebietsteilfläche, IV Vollgeschosse"),
    ({"Zmin": 2, "Zmax": 3}, "Baugebietsteilfläche, II–III Vollgeschosse"),
    ({"Zmax": 3}, "Baugebietsteilfläche, höchstens III Vollgeschosse"),
    ({"Zmin": 1}, "Baugebietsteilfläche, mindestens I Vollgeschoss"),
    ({"Zzwingend": 5.0}, "Baugebietsteilfläche, V Vollgeschosse zwingend"),
    ({"Z": 2.5}, "Baugebietsteilfläche, 2,5 Vollgeschosse"),
    ({"bauweise": "1000", "bebauungsArt": "4000.0"}, "Baugebietsteilfläche, offene Bauweise, nur Einzel- und Doppelhäuser"),
    ({"dachform": [3100, 3200], "DNmin": 30, "DNmax": 45}, "Baugebietsteilfläche, Satteldach, Walmdach, Dachneigung 30–45°"),
    ({"dachform": np.array([1000, 4242])}, "Baugebietsteilfläche, Flachdach"),
    ({"bezugspunkt": 1000, "h": 6.5, "hoehenbezug": 2000}, "Baugebietsteilfläche, Traufhöhe 6,5 m über Geländeoberkante"),
    ({"bezugspunkt": "2000", "hMin": 9, "hMax": 12}, "Baugebietsteilfläche, Firsthöhe 9–12 m"),
    ({"h": 18}, "Baugebietsteilfläche, Höhe 18 m"),
    ({"MaxZahlWohnungen": 1.0}, "Baugebietsteilfläche, höchstens 1 Wohnung je Wohngebäude"),
])
def test_describe_edge_cases(properties, expected):
    assert describe("BP_BaugebietsTeilFlaeche", properties) == expected


@pytest.mark.parametrize("class_name, properties, expected", [
    ("BP_GruenFlaeche", {"zweckbestimmung": 1600}, "Grünfläche: Spielplatz"),
    ("BP_GruenFlaeche", {"allgemein": "1000", "nutzungsform": "2000"}, "Öffentliche Grünfläche: Parkanlage"),
    ("BP_StrassenVerkehrsFlaeche", {"nutzungsform": 2000}, "Öffentliche Straßenverkehrsfläche"),
    ("BP_VerkehrsflaecheBesondererZweckbestimmung", {"zweckbestimmung": "1100"},
     "Verkehrsfläche besonderer Zweckbestimmung: Fußgängerbereich"),
    ("BP_AnpflanzungBindungErhaltung", {"massnahme": 2000, "gegenstand": [1000, 2000]}, "Anpflanzung: Bäume, Sträucher"),
    ("SO_Gebiet", {"gebietsArt": 2400}, "Gebiet nach besonderem Städtebaurecht"),
    ("xplan:BP_WaldFlaeche", {}, "Waldfläche"),
    ("BP_Unbekannt", {"GRZ": 0.5}, "BP_Unbekannt, GRZ 0,5"),
])
def test_describe_other_classes(class_name, properties, expected):
    assert describe(class_name, properties) == expected


def test_rules_stay_german_in_english():
    properties = {"besondereArtDerBaulNutzung": "1200", "GRZ": 0.4, "Z": 2}
    assert describe("BP_BaugebietsTeilFlaeche", properties, language="en") == describe(
        "BP_BaugebietsTeilFlaeche", properties, language="de")


def test_translate_replaces_codes_and_keeps_everything_else():
    properties = {"gml_id": "GML_1", "allgArtDerBaulNutzung": "1000", "besondereArtDerBaulNutzung": 1200,
                  "GRZ": 0.4, "Z": 2, "bauweise": 3000.0, "dachform": "7777", "gegenstand": "[1000  2000]",
                  "rechtscharakter": np.int32(1000), "rechtsstand": "1000", "text": None}
    words = translate("BP_BaugebietsTeilFlaeche", properties)
    assert words == {"gml_id": "GML_1", "allgArtDerBaulNutzung": "Wohnbaufläche",
                     "besondereArtDerBaulNutzung": "Allgemeines Wohngebiet", "GRZ": 0.4, "Z": 2,
                     "bauweise": "abweichende Bauweise", "dachform": "7777", "gegenstand": "Bäume, Sträucher",
                     "rechtscharakter": "Festsetzung", "rechtsstand": "geplant", "text": None}
    assert properties["allgArtDerBaulNutzung"] == "1000"  # the input is not changed
    assert translate("BP_BaugebietsTeilFlaeche", {"dachform": 7777})["dachform"] == 7777
    assert translate("BP_BaugebietsTeilFlaeche", {"dachform": [3100, 7777]})["dachform"] == "Satteldach, 7777"


def test_the_same_attribute_means_different_things_in_different_classes():
    assert translate("BP_Plan", {"rechtsstand": "3000"})["rechtsstand"] == "Satzung"
    assert translate("FP_Plan", {"rechtsstand": "4000"})["rechtsstand"] == "Wirksam"
    assert translate("BP_GruenFlaeche", {"rechtsstand": "3000"})["rechtsstand"] == "fortfallend"
    assert translate("BP_GruenFlaeche", {"zweckbestimmung": 1000})["zweckbestimmung"] == "Parkanlage"
    assert translate("BP_GemeinbedarfsFlaeche", {"zweckbestimmung": 1000})["zweckbestimmung"] == \
        "Öffentliche Verwaltung"
    assert translate("FP_Strassenverkehr", {"zweckbestimmung": 1000})["zweckbestimmung"] == "Autobahn"
    # SO_Gebiet "typ" belongs to an external reference, not to a code list of the object
    assert translate("SO_Gebiet", {"typ": 3100.0})["typ"] == 3100.0
    assert translate("BP_Plan", {"planArt": "3000"})["planArt"] == "Vorhabenbezogener Bebauungsplan"


def test_rechtscharakter_follows_the_version():
    assert translate("FP_Gruen", {"rechtscharakter": 3000})["rechtscharakter"] == "Hinweis"
    assert translate("FP_Gruen", {"rechtscharakter": 3000}, version="6.0")["rechtscharakter"] == "Darstellung"
    assert translate("BP_GruenFlaeche", {"rechtscharakter": 7000})["rechtscharakter"] == "Kennzeichnung"
    assert code_list("LP_SchutzBestimmterTeileVonNaturUndLandschaft", "rechtscharakter") is \
        ENUMERATIONS["XP_Rechtscharakter"]


def test_classes_groups_and_presentation_objects():
    assert set(CLASS_LABELS) == set(GROUPS)
    assert set(GROUPS.values()) <= set(GROUP_ORDER)
    assert class_label("BP_BaugebietsTeilFlaeche") == "Baugebietsteilfläche"
    assert class_label("BP_UeberbaubareGrundstuecksFlaeche") == "Überbaubare Grundstücksfläche"
    assert group_of("BP_StrassenVerkehrsFlaeche") == "Verkehr"
    assert group_of("BP_GruenFlaeche") == "Grün und Wasser"
    assert group_of("BP_Neu") == "Sonstiges"
    assert is_presentation_object("XP_PPO") and is_presentation_object("xplan:XP_PTO")
    assert not is_presentation_object("BP_BaugebietsTeilFlaeche")


def test_code_lists_are_well_formed():
    for key, table in CODE_LISTS.items():
        assert table, key
        for code, words in table.items():
            assert code.isdigit() and words.strip() and not words[0].isdigit(), (key, code)


def test_german_numbers_and_roman_numerals():
    assert german_number(1234.5) == "1.234,5"
    assert german_number(0.30000000000000004) == "0,3"
    assert german_number(-0.0) == "0"
    assert german_number(12345678) == "12.345.678"
    assert [roman(n) for n in (1, 2, 3, 4, 9, 14)] == ["I", "II", "III", "IV", "IX", "XIV"]
    assert roman(0) == "0" and roman(2.5) == "2,5"


def test_nested_keys_of_the_reader_are_understood():
    properties = {"zweckbestimmung.allgemein": ["12000", "1200"], "zweckbestimmung.detaillierteZweckbestimmung": "X",
                  "hoehenangabe.bezugspunkt": "2000", "hoehenangabe.h": 12.0, "aendert.rechtscharakter": "1000"}
    words = translate("BP_GemeinbedarfsFlaeche", properties)
    assert words["zweckbestimmung.allgemein"] == "Schule, Bildung und Forschung"
    assert words["zweckbestimmung.detaillierteZweckbestimmung"] == "X"
    assert words["hoehenangabe.bezugspunkt"] == "Firsthöhe"
    assert words["aendert.rechtscharakter"] == "1000"  # the Rechtscharakter of a changed plan, another list
    assert describe("BP_GemeinbedarfsFlaeche", properties) == \
        "Gemeinbedarfsfläche: Schule, Bildung und Forschung, Firsthöhe 12 m"


def test_plans_read_by_the_xplan_reader_are_described():
    """End to end with the platform's own reader, where it is present."""
    xplan = pytest.importorskip("geo.xplan")
    if not hasattr(xplan, "read_plan"):
        pytest.skip("the XPlanGML reader is not there yet")
    path = XPLAN / "Blankenese29_BP_xplan60_25832.gml"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as work:
        plan = xplan.read_plan(path, Path(work))
    classes = {objects.name: objects.features for objects in plan.object_classes}
    baugebiete = classes["BP_BaugebietsTeilFlaeche"].drop(columns="geometry").to_dict("records")
    assert len(baugebiete) == 42
    for record in baugebiete:
        assert describe("BP_BaugebietsTeilFlaeche", record, version=plan.version).split(",")[0] in USE_WORDS
    school = classes["BP_GemeinbedarfsFlaeche"].drop(columns="geometry").to_dict("records")[0]
    assert describe("BP_GemeinbedarfsFlaeche", school).startswith("Gemeinbedarfsfläche: Schule")


@pytest.mark.parametrize("name", ["XPlanArchiv_BP_5.3_with_raster_25832.zip",
                                  "XPlanArchiv_Eidelstedt4_xplan41_advURN.zip", "XPlanArchiv_FP_6.0.2_25832.zip"])
def test_every_class_in_the_real_archives_has_a_label(name, tmp_path):
    xplan = pytest.importorskip("geo.xplan")
    if not hasattr(xplan, "read_plan"):
        pytest.skip("the XPlanGML reader is not there yet")
    if not (XPLAN / name).exists():
        pytest.skip(f"{name} is not present")
    plan = xplan.read_plan(XPLAN / name, tmp_path)
    for objects in plan.object_classes:
        assert objects.name in CLASS_LABELS, objects.name
        for record in objects.features.drop(columns="geometry").to_dict("records"):
            assert not re.search(r"\b(nan|None)\b|^\d", describe(objects.name, record, version=plan.version))
