"""XPlanung plan objects in words: class labels, layer groups, code lists and the main rules.

The XPlanGML reader yields the attributes of a plan object with raw codes
(``{"besondereArtDerBaulNutzung": "1200", "GRZ": 0.4, "Z": 2}``). This module turns
them into what a resident reads on a plan: ``translate`` replaces codes by words,
``describe`` sums up the main rules ("Allgemeines Wohngebiet, GRZ 0,4, II Vollgeschosse").

The rules are given in German in every interface language: terms such as
"Allgemeines Wohngebiet" or "GRZ" are defined by BauNVO and BauGB and have no official
English counterpart; a free translation could misstate what the statute allows, and the
German term is what residents find in the plan document and at the town hall.
"""
from __future__ import annotations

import math
import re
from numbers import Integral, Real

from geo.xplan.classes import (  # noqa: F401  (re-exported: the vocabulary of a plan in one place)
    BUILDING_USE, BUILDING_USE_CLASSES, BUILDABLE, CLASS_LABELS, GREEN_WATER, GROUP_ORDER, GROUPS, OTHER,
    PRESENTATION_OBJECTS, PROTECTION, PUBLIC_SUPPLY, TRAFFIC,
)
from geo.xplan.enumerations import ENUMERATIONS

#: Attributes with one meaning in every class.
_ATTRIBUTE_LISTS = {
    "allgArtDerBaulNutzung": "XP_AllgArtDerBaulNutzung",
    "besondereArtDerBaulNutzung": "XP_BesondereArtDerBaulNutzung",
    "sondernutzung": "XP_Sondernutzungen",
    "bauweise": "BP_Bauweise",
    "bebauungsArt": "BP_BebauungsArt",
    "dachform": "BP_Dachform",
    "nutzungsform": "XP_Nutzungsform",
    "massnahme": "XP_ABEMassnahmenTypen",
    "gegenstand": "XP_AnpflanzungBindungErhaltungsGegenstand",
    "rechtsstand": "XP_Rechtsstand",
    "abweichungBauNVO": "XP_AbweichungBauNVOTypen",
    "hoehenbezug": "XP_ArtHoehenbezug",
    "bezugspunkt": "XP_ArtHoehenbezugspunkt",
}
#: The Zweckbestimmung of these classes; XPlanGML 6.0 nests it as "allgemein".
_PURPOSE_ATTRIBUTES = ("zweckbestimmung", "allgemein", "besondereZweckbestimmung")
_PURPOSE_LISTS = {
    "BP_GruenFlaeche": "XP_ZweckbestimmungGruen", "FP_Gruen": "XP_ZweckbestimmungGruen",
    "BP_GemeinbedarfsFlaeche": "XP_ZweckbestimmungGemeinbedarf", "FP_Gemeinbedarf": "XP_ZweckbestimmungGemeinbedarf",
    "BP_SpielSportanlagenFlaeche": "XP_ZweckbestimmungSpielSportanlage",
    "FP_SpielSportanlage": "XP_ZweckbestimmungSpielSportanlage",
    "BP_VerEntsorgung": "XP_ZweckbestimmungVerEntsorgung", "FP_VerEntsorgung": "XP_ZweckbestimmungVerEntsorgung",
    "BP_VerkehrsflaecheBesondererZweckbestimmung": "XP_ZweckbestimmungStrassenverkehr",
    "SO_Strassenverkehr": "XP_ZweckbestimmungStrassenverkehr",
    "FP_Strassenverkehr": "FP_ZweckbestimmungStrassenverkehr",
    "BP_NebenanlagenFlaeche": "BP_ZweckbestimmungNebenanlagen",
    "BP_GemeinschaftsanlagenFlaeche": "BP_ZweckbestimmungGemeinschaftsanlagen",
    "BP_WaldFlaeche": "XP_ZweckbestimmungWald", "FP_WaldFlaeche": "XP_ZweckbestimmungWald",
    "BP_LandwirtschaftsFlaeche": "XP_ZweckbestimmungLandwirtschaft",
    "FP_LandwirtschaftsFlaeche": "XP_ZweckbestimmungLandwirtschaft",
    "FP_Landwirtschaft": "XP_ZweckbestimmungLandwirtschaft",
    "BP_GewaesserFlaeche": "XP_ZweckbestimmungGewaesser", "FP_Gewaesser": "XP_ZweckbestimmungGewaesser",
    "BP_WasserwirtschaftsFlaeche": "XP_ZweckbestimmungWasserwirtschaft",
    "FP_Wasserwirtschaft": "XP_ZweckbestimmungWasserwirtschaft",
    "BP_KennzeichnungsFlaeche": "XP_ZweckbestimmungKennzeichnung", "FP_Kennzeichnung": "XP_ZweckbestimmungKennzeichnung",
}
#: Attributes whose list depends on the class.
_CLASS_ATTRIBUTE_LISTS = {
    **{(name, attribute): enumeration for name, enumeration in _PURPOSE_LISTS.items()
       for attribute in _PURPOSE_ATTRIBUTES},
    ("BP_Plan", "planArt"): "BP_PlanArt", ("FP_Plan", "planArt"): "FP_PlanArt",
    ("BP_Plan", "rechtsstand"): "BP_Rechtsstand", ("FP_Plan", "rechtsstand"): "FP_Rechtsstand",
    ("BP_Plan", "verfahren"): "BP_Verfahren", ("BP_Bereich", "verfahren"): "BP_Verfahren",
    ("FP_Plan", "verfahren"): "FP_Verfahren", ("FP_Bereich", "verfahren"): "FP_Verfahren",
    ("BP_Bereich", "bedeutung"): "XP_BedeutungenBereich", ("FP_Bereich", "bedeutung"): "XP_BedeutungenBereich",
    ("SO_Bereich", "bedeutung"): "XP_BedeutungenBereich",
    ("BP_Wegerecht", "typ"): "BP_WegerechtTypen", ("BP_NutzungsartenGrenze", "typ"): "BP_AbgrenzungenTypen",
    ("BP_SchutzPflegeEntwicklungsFlaeche", "ziel"): "XP_SPEZiele",
    ("BP_SchutzPflegeEntwicklungsMassnahme", "ziel"): "XP_SPEZiele",
    ("FP_SchutzPflegeEntwicklung", "ziel"): "XP_SPEZiele",
    ("SO_Denkmalschutzrecht", "artDerFestlegung"): "SO_KlassifizNachDenkmalschutzrecht",
    ("SO_Schienenverkehrsrecht", "artDerFestlegung"): "SO_KlassifizNachSchienenverkehrsrecht",
    ("SO_Schienenverkehr", "artDerFestlegung"): "SO_KlassifizNachSchienenverkehrsrecht",
    ("SO_Luftverkehrsrecht", "artDerFestlegung"): "SO_KlassifizNachLuftverkehrsrecht",
    ("SO_Luftverkehr", "artDerFestlegung"): "SO_KlassifizNachLuftverkehrsrecht",
    ("SO_Gewaesser", "artDerFestlegung"): "SO_KlassifizGewaesser",
    ("SO_Wasserwirtschaft", "artDerFestlegung"): "SO_KlassifizWasserwirtschaft",
    ("SO_SchutzgebietWasserrecht", "artDerFestlegung"): "SO_KlassifizSchutzgebietWasserrecht",
    ("SO_SchutzgebietWasserrecht", "zone"): "SO_SchutzzonenWasserrecht",
    ("SO_Strassenverkehr", "einteilung"): "SO_StrassenEinteilung",
    ("SO_Strassenverkehrsrecht", "einteilung"): "SO_StrassenEinteilung",
    ("SO_Gebiet", "gebietsArt"): "SO_GebietsArt",
}
#: Class-specific attributes that say what kind of object it is, in the order they are tried.
_KIND_ATTRIBUTES = (*_PURPOSE_ATTRIBUTES, "artDerFestlegung", "gebietsArt", "typ", "ziel")
#: Leaves of nested keys ("zweckbestimmung.allgemein", "hoehenangabe.bezugspunkt") that are coded; a nested
#: rechtscharakter or rechtsstand belongs to something else (a changed plan, a reference) and is left alone.
_NESTED_CODED = frozenset(set(_ATTRIBUTE_LISTS) - {"rechtsstand"}) | frozenset(_PURPOSE_ATTRIBUTES)
_RECHTSCHARAKTER_BY_PREFIX = {"BP": "BP_Rechtscharakter", "FP": "FP_Rechtscharakter", "SO": "SO_Rechtscharakter"}

#: attribute or (class, attribute) -> code -> words. ``code_list`` picks the right one.
CODE_LISTS: dict[str | tuple[str, str], dict[str, str]] = {
    **{attribute: ENUMERATIONS[name] for attribute, name in _ATTRIBUTE_LISTS.items()},
    **{key: ENUMERATIONS[name] for key, name in _CLASS_ATTRIBUTE_LISTS.items()},
    **{(name, "rechtscharakter"): ENUMERATIONS[_RECHTSCHARAKTER_BY_PREFIX.get(name[:2], "XP_Rechtscharakter")]
       for name in CLASS_LABELS},
}

_LIST_TEXT = re.compile(r"^\s*(?:array\()?\[\s*(-?\d+(?:[\s,]+-?\d+)*)\s*\]")
_INTEGER_TEXT = re.compile(r"^-?\d+(?:\.0*)?$")


def class_name_of(name: str) -> str:
    """`name` without an XML namespace prefix (``xplan:BP_Plan`` -> ``BP_Plan``)."""
    return str(name).rsplit(":", 1)[-1].strip()


def class_label(class_name: str) -> str:
    """The German label of a plan object class, or the class name when it is not known."""
    name = class_name_of(class_name)
    return CLASS_LABELS.get(name, name)


def group_of(class_name: str) -> str:
    """The layer-switcher group of a class; unknown classes go to "Sonstiges"."""
    return GROUPS.get(class_name_of(class_name), OTHER)


def is_presentation_object(class_name: str) -> bool:
    """True for presentation objects (labels and symbols of the drawn plan), which are not layers."""
    name = class_name_of(class_name)
    return name in PRESENTATION_OBJECTS or name.endswith("_Praesentationsobjekt")


def code_list(class_name: str, attribute: str, version: str | None = None) -> dict[str, str] | None:
    """code -> words for `attribute` of `class_name`, or None when the attribute is not coded.

    `version` is the XPlanGML version ("5.4", "6.0" …) when known: from 6.0 on one
    Rechtscharakter list serves every class, before it each plan type had its own.
    """
    name = class_name_of(class_name)
    if "." in attribute:  # the reader flattens data types into "type.field" keys
        attribute = attribute.rsplit(".", 1)[-1]
        if attribute not in _NESTED_CODED:
            return None
    if attribute == "rechtscharakter":
        prefix = name[:2]
        if (version and str(version).startswith("6")) or prefix not in _RECHTSCHARAKTER_BY_PREFIX:
            return ENUMERATIONS["XP_Rechtscharakter"]
        return ENUMERATIONS[_RECHTSCHARAKTER_BY_PREFIX[prefix]]
    if (name, attribute) in CODE_LISTS:
        return CODE_LISTS[(name, attribute)]
    return CODE_LISTS.get(attribute)


def _missing(value: object) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def _items(value: object) -> list | None:
    """The members of a list-valued attribute, or None for a single value."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return [item for item in value if not _missing(item)]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        listed = value.tolist()
        return [item for item in listed if not _missing(item)] if isinstance(listed, list) else None
    if isinstance(value, str) and (match := _LIST_TEXT.match(value)):
        return re.split(r"[\s,]+", match.group(1))
    return None


def _code(value: object) -> str | None:
    """A code as the lists key it ("1000"), from 1000, 1000.0, "1000" or "1000.0"; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        number = float(value)
        return str(int(number)) if math.isfinite(number) and number == int(number) else None
    if isinstance(value, str) and _INTEGER_TEXT.match(value.strip()):
        return str(int(float(value.strip())))
    return None


def _words(value: object, table: dict[str, str]) -> object:
    items = _items(value)
    if items is None:
        code = _code(value)
        return table.get(code, value) if code is not None else value
    return ", ".join(table.get(_code(item) or "", str(item)) for item in items)


def translate(class_name: str, properties: dict, version: str | None = None) -> dict:
    """A copy of `properties` with coded values replaced by their words.

    Unknown codes and uncoded attributes keep their value; a list of codes becomes the
    words joined with ", ". Numbers, text and missing values are left as they are.
    """
    translated = dict(properties)
    for attribute, value in properties.items():
        table = code_list(class_name, attribute, version)
        if table is not None and not _missing(value):
            translated[attribute] = _words(value, table)
    return translated


def _number(value: object) -> float | None:
    if isinstance(value, bool) or _missing(value):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def german_number(number: float) -> str:
    """`number` as German text: decimal comma, thousands point, no float noise (0.4000000001 -> "0,4")."""
    text = f"{round(number, 4):.4f}".rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    if len(whole) > 3:
        whole = f"{int(whole):,}".replace(",", ".")
    text = sign + whole + ("," + fraction if fraction else "")
    return "0" if text in ("-0", "") else text


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: float) -> str:
    """A whole number of storeys as a Roman numeral (2 -> "II"); anything else as a German number."""
    if abs(number - round(number)) > 1e-6 or not 1 <= round(number) < 4000:
        return german_number(number)
    rest, text = int(round(number)), ""
    for value, letters in _ROMAN:
        while rest >= value:
            text, rest = text + letters, rest - value
    return text


def _measure(properties: dict, name: str, unit: str = "") -> str | None:
    """``GRZ 0,4``, ``GFZ 0,8–1,2``, ``GR 300 m²`` from the value, its min/max or its zwingend form."""
    suffix = f" {unit}" if unit else ""
    exact, low, high = (_number(properties.get(name + key)) for key in ("", "min", "max"))
    required = _number(properties.get(name + "zwingend"))
    if required is not None:
        return f"{name} {german_number(required)}{suffix} zwingend"
    if low is not None and high is not None:
        return f"{name} {german_number(low)}–{german_number(high)}{suffix}"
    if exact is not None or high is not None:
        return f"{name} {german_number(exact if exact is not None else high)}{suffix}"
    if low is not None:
        return f"{name} mindestens {german_number(low)}{suffix}"
    return None


def _storeys(properties: dict) -> list[str]:
    """The number of full storeys (Vollgeschosse) in Roman numerals, as a plan writes it."""
    def storeys(number: float) -> str:
        return f"{roman(number)} {'Vollgeschoss' if number == 1 else 'Vollgeschosse'}"

    exact, low, high, required = (_number(properties.get(key)) for key in ("Z", "Zmin", "Zmax", "Zzwingend"))
    parts = []
    if low is not None and high is not None:
        parts.append(f"{roman(low)}–{roman(high)} Vollgeschosse")
    elif exact is not None:
        parts.append(storeys(exact))
    elif high is not None:
        parts.append(f"höchstens {storeys(high)}")
    elif low is not None:
        parts.append(f"mindestens {storeys(low)}")
    if required is not None:
        parts.append(f"{storeys(required)} zwingend")
    return parts


def _height(properties: dict) -> str | None:
    """``Firsthöhe 12 m über Geländeoberkante`` from an XP_Hoehenangabe flattened into the properties."""
    exact, low, high, required = (_number(properties.get(key)) for key in ("h", "hMin", "hMax", "hZwingend"))
    if low is not None and high is not None:
        value = f"{german_number(low)}–{german_number(high)} m"
    elif required is not None or exact is not None or high is not None:
        chosen = next(number for number in (required, exact, high) if number is not None)
        value = ("zwingend " if chosen is required else "") + f"{german_number(chosen)} m"
    elif low is not None:
        value = f"mindestens {german_number(low)} m"
    else:
        return None
    point = _words(properties.get("bezugspunkt"), ENUMERATIONS["XP_ArtHoehenbezugspunkt"])
    base = _words(properties.get("hoehenbezug"), ENUMERATIONS["XP_ArtHoehenbezug"])
    name = point if isinstance(point, str) and not _missing(point) and _code(point) is None else "Höhe"
    base_text = f" {base}" if isinstance(base, str) and not _missing(base) and _code(base) is None else ""
    return f"{name} {value}{base_text}"


def _word(class_name: str, properties: dict, attribute: str, version: str | None) -> str | None:
    """The words for a coded attribute; codes the lists do not know are left out (a bare number tells
    a resident nothing)."""
    value = properties.get(attribute)
    table = code_list(class_name, attribute, version)
    if table is None or _missing(value):
        return None
    items = _items(value)
    codes = [_code(item) for item in items] if items is not None else [_code(value)]
    words = [table[code] for code in codes if code in table]
    return ", ".join(words) if words else None


def _head(name: str, properties: dict, version: str | None) -> str:
    label = class_label(name)
    if name in BUILDING_USE_CLASSES:
        use = (_word(name, properties, "besondereArtDerBaulNutzung", version)
               or _word(name, properties, "allgArtDerBaulNutzung", version))
        special = _word(name, properties, "sondernutzung", version)
        if use and special:
            return f"{use} ({special})"
        return use or special or label
    form = _code(properties.get("nutzungsform"))
    if form in ("1000", "2000") and label.split(" ")[0].endswith(("fläche", "Fläche")):
        label = ("Private " if form == "1000" else "Öffentliche ") + label
    elif form in ("1000", "2000"):
        label = f"{label}, {ENUMERATIONS['XP_Nutzungsform'][form]}"
    if name.endswith("AnpflanzungBindungErhaltung"):
        measure = _word(name, properties, "massnahme", version)
        subject = _word(name, properties, "gegenstand", version)
        if measure:
            return f"{measure}: {subject}" if subject else measure
        return f"{label}: {subject}" if subject else label
    for attribute in _KIND_ATTRIBUTES:
        if (name, attribute) in CODE_LISTS and (kind := _word(name, properties, attribute, version)):
            return f"{label}: {kind}"
    return label


def describe(class_name: str, properties: dict, language: str = "de", version: str | None = None) -> str:
    """The main rules of a plan object in words, e.g. "Allgemeines Wohngebiet, GRZ 0,4, II Vollgeschosse".

    Parameters
    ----------
    class_name : the XPlanGML class ("BP_BaugebietsTeilFlaeche"), with or without namespace prefix.
    properties : the object's flat attributes with raw codes, as the reader yields them.
    language : the interface language. Plan rules stay German in every language (see the module
        docstring): they are statutory terms without an official translation.
    version : the XPlanGML version when known, see `code_list`.

    Returns the class label alone when nothing else is known.
    """
    del language  # deliberately German for every interface language
    name = class_name_of(class_name)
    # 6.0 nests some rules in data types ("dachgestaltung.DN", "hoehenangabe.h"); a flat key wins.
    properties = {**{key.rsplit(".", 1)[-1]: value for key, value in properties.items() if "." in key},
                  **properties}
    parts = [_head(name, properties, version)]
    for measure, unit in (("GRZ", ""), ("GR", "m²"), ("GFZ", ""), ("GF", "m²"), ("BMZ", ""), ("BM", "m³")):
        if text := _measure(properties, measure, unit):
            parts.append(text)
    parts += _storeys(properties)
    if bauweise := _word(name, properties, "bauweise", version):
        parts.append(bauweise)
    if kind := _word(name, properties, "bebauungsArt", version):
        parts.append(f"nur {kind}")
    if (flats := _number(properties.get("MaxZahlWohnungen"))) is not None:
        parts.append(f"höchstens {german_number(flats)} {'Wohnung' if flats == 1 else 'Wohnungen'} je Wohngebäude")
    if roof := _word(name, properties, "dachform", version):
        parts.append(roof)
    if pitch := _measure(properties, "DN", "°"):
        parts.append(pitch.replace("DN ", "Dachneigung ", 1).replace(" °", "°"))
    if height := _height(properties):
        parts.append(height)
    return ", ".join(parts)
