"""Default map styles for the layers of an imported XPlanGML plan.

The colours follow the conventions residents know from printed plans: the Planzeichenverordnung
(PlanZV 1990, Anlage "Planzeichen", sections 1–13: Wohnbauflächen red, gemischte Bauflächen
brown, gewerbliche grey, Sonderbauflächen orange, Gemeinbedarf magenta, Verkehr yellow, Grün
green, Wald dark green, Wasser blue, Baugrenze blue) as the XPlanung reference styles of the
XLeitstelle and the xplanbox SLDs render them. The hues are PlanZV's; the exact shades are ours,
chosen so that neighbouring categories stay apart on screen (CIE ΔE ≥ 10).

A style has the shape of ``participation.layers.styles.rules.DEFAULT_STYLE`` (this package may
not import it) and passes its ``clean_style`` unchanged.
"""
from __future__ import annotations

from collections.abc import Mapping

from geo.xplan.codes import BUILDING_USE_CLASSES, class_name_of
from geo.xplan.enumerations import ENUMERATIONS

#: PlanZV 1.1–1.4: the Baugebiete of BauNVO §§ 2–11 in shades of their Baufläche's colour.
BUILDING_USE_COLOURS = {
    "1000": "#f4a582",  # Kleinsiedlungsgebiet (WS)
    "1100": "#d7301f",  # Reines Wohngebiet (WR)
    "1200": "#f06a4f",  # Allgemeines Wohngebiet (WA)
    "1300": "#a50f15",  # Besonderes Wohngebiet (WB)
    "1400": "#dfb07a",  # Dorfgebiet (MD)
    "1450": "#ecd2ad",  # Dörfliches Wohngebiet (MDW)
    "1500": "#b8772e",  # Mischgebiet (MI)
    "1550": "#94602a",  # Urbanes Gebiet (MU)
    "1600": "#6e4318",  # Kerngebiet (MK)
    "1700": "#bdbdbd",  # Gewerbegebiet (GE)
    "1800": "#7a7a7a",  # Industriegebiet (GI)
    "2000": "#fee391",  # Sondergebiet, das der Erholung dient (SO)
    "2100": "#fe9929",  # Sonstiges Sondergebiet (SO)
    "3000": "#e3cf4f",  # Wochenendhausgebiet
    "4000": "#fdbb47",  # Sondergebiet (BauNVO 1962/68)
    "9999": "#c9b3d6",  # Sonstiges Gebiet
}
#: PlanZV 1.1–1.4: the Bauflächen of a Flächennutzungsplan, and of Baugebiete without a besondere Art.
BUILDING_AREA_COLOURS = {
    "1000": "#e34a33",  # Wohnbaufläche: red
    "2000": "#b8772e",  # Gemischte Baufläche: brown
    "3000": "#a3a3a3",  # Gewerbliche Baufläche: grey
    "4000": "#fe9929",  # Sonderbaufläche: orange
    "9999": "#c9b3d6",  # Sonstige Baufläche
}
#: Fill of a Baugebiet whose Art is unknown; far from every category colour above.
UNKNOWN_USE_FILL = "#4d9ec7"

_LINE, _OUTLINE = {"opacity": 0.0, "width": 2.5}, {"opacity": 0.0, "width": 3.0}
#: class -> what differs from the base style; "stroke" defaults to a darker "fill".
_CLASS_STYLES: dict[str, dict] = {
    **{name: {"fill": "#1a1a1a", "stroke": "#1a1a1a", **_OUTLINE}  # Geltungsbereich: outline only
       for name in ("BP_Plan", "FP_Plan", "SO_Plan", "BP_Bereich", "FP_Bereich", "SO_Bereich")},
    "BP_UeberbaubareGrundstuecksFlaeche": {"fill": "#2166ac", "opacity": 0.08, "width": 1.5},
    "BP_BauGrenze": {"fill": "#2166ac", "stroke": "#2166ac", **_LINE},  # PlanZV 3.5: blue
    "BP_BauLinie": {"fill": "#c51b1b", "stroke": "#c51b1b", **_LINE},  # PlanZV 3.4: red
    "BP_NutzungsartenGrenze": {"fill": "#525252", "stroke": "#525252", "opacity": 0.0, "width": 1.5},
    "BP_FirstRichtungsLinie": {"fill": "#525252", "stroke": "#525252", "opacity": 0.0, "width": 1.5},
    "BP_StrassenbegrenzungsLinie": {"fill": "#3d3d3d", "stroke": "#3d3d3d", **_LINE},
    "BP_BereichOhneEinAusfahrtLinie": {"fill": "#3d3d3d", "stroke": "#3d3d3d", **_LINE},
    "BP_HoehenMass": {"fill": "#525252", "point": "triangle"},
    "BP_SpezielleBauweise": {"fill": "#2166ac", "opacity": 0.15},
    "BP_NebenanlagenFlaeche": {"fill": "#9e9ac8", "opacity": 0.3},
    "BP_GemeinschaftsanlagenFlaeche": {"fill": "#9e9ac8", "opacity": 0.3},
    "BP_GemeinschaftsanlagenZuordnung": {"fill": "#9e9ac8", "opacity": 0.0, "width": 1.5},
    # PlanZV 6: Verkehrsflächen yellow, their boundary line dark
    **{name: {"fill": "#f6d55c"} for name in (
        "BP_StrassenVerkehrsFlaeche", "FP_Strassenverkehr", "SO_Strassenverkehr", "SO_Strassenverkehrsrecht")},
    "BP_VerkehrsflaecheBesondererZweckbestimmung": {"fill": "#e8b93a"},
    "BP_EinfahrtPunkt": {"fill": "#3d3d3d", "point": "triangle"},
    "BP_Wegerecht": {"fill": "#e8b93a", "opacity": 0.15, "width": 1.5},
    **{name: {"fill": "#8c8c8c"} for name in (
        "SO_Schienenverkehr", "SO_Schienenverkehrsrecht", "SO_Luftverkehr", "SO_Luftverkehrsrecht")},
    "SO_Sichtflaeche": {"fill": "#f6d55c", "opacity": 0.15},
    # PlanZV 9, 12, 13: Grün green, Wald dark green, Landwirtschaft pale green
    **{name: {"fill": "#74c476"} for name in ("BP_GruenFlaeche", "FP_Gruen")},
    **{name: {"fill": "#1f7a3a"} for name in ("BP_WaldFlaeche", "FP_WaldFlaeche", "SO_Forstrecht")},
    **{name: {"fill": "#d4e89a"} for name in (
        "BP_LandwirtschaftsFlaeche", "FP_LandwirtschaftsFlaeche", "FP_Landwirtschaft")},
    "BP_AnpflanzungBindungErhaltung": {"fill": "#2f9e44", "opacity": 0.3, "point": "circle"},
    # PlanZV 10: Wasserflächen blue
    **{name: {"fill": "#4a90d9"} for name in ("BP_GewaesserFlaeche", "FP_Gewaesser", "SO_Gewaesser")},
    **{name: {"fill": "#9ecae1"} for name in (
        "BP_WasserwirtschaftsFlaeche", "FP_Wasserwirtschaft", "SO_Wasserwirtschaft", "SO_Wasserrecht")},
    # PlanZV 4 and 7: Gemeinbedarf magenta, Versorgung ochre
    **{name: {"fill": "#d63694"} for name in ("BP_GemeinbedarfsFlaeche", "FP_Gemeinbedarf")},
    **{name: {"fill": "#f28cc4"} for name in ("BP_SpielSportanlagenFlaeche", "FP_SpielSportanlage")},
    **{name: {"fill": "#c9a227"} for name in ("BP_VerEntsorgung", "FP_VerEntsorgung")},
    # PlanZV 13 and 14: protection as outlines with a light wash, so the use below stays visible
    **{name: {"fill": "#41ab5d", "opacity": 0.15, "width": 2.0} for name in (
        "BP_SchutzPflegeEntwicklungsFlaeche", "BP_SchutzPflegeEntwicklungsMassnahme", "BP_AusgleichsFlaeche",
        "BP_AusgleichsMassnahme", "FP_SchutzPflegeEntwicklung", "FP_AusgleichsFlaeche", "SO_Schutzgebiet",
        "SO_SchutzgebietNaturschutzrecht", "SO_SchutzgebietWasserrecht", "SO_SchutzgebietSonstigesRecht",
        "LP_SchutzBestimmterTeileVonNaturUndLandschaft", "FP_AnpassungKlimawandel")},
    **{name: {"fill": "#8c2d04", "opacity": 0.12, "width": 2.0} for name in (
        "SO_Denkmalschutzrecht", "BP_DenkmalschutzEnsembleFlaeche", "BP_DenkmalschutzEinzelanlage",
        "BP_ErhaltungsBereichFlaeche")},
    "SO_Gebiet": {"fill": "#6a51a3", "opacity": 0.08, "width": 2.0},
    **{name: {"fill": "#807dba", "opacity": 0.2} for name in ("BP_KennzeichnungsFlaeche", "FP_Kennzeichnung")},
}

_BASE = {
    "fill": "#2f6f9f", "stroke": "#1d4f73", "opacity": 0.35, "width": 1.5, "point": "circle",
    "categorise_by": None, "categories": [], "classify": None, "classes": [],
}
MAX_CATEGORIES = 30


def darker(colour: str, factor: float = 0.65) -> str:
    """`colour` (``#rrggbb``) with each channel scaled by `factor`: the outline of a fill."""
    channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{max(0, min(255, round(c * factor))):02x}" for c in channels)


def categorise_attributes(class_name: str) -> tuple[str, ...]:
    """The attributes `default_style` may categorise by, in order of preference (empty: one colour)."""
    if class_name_of(class_name) in BUILDING_USE_CLASSES:
        return ("besondereArtDerBaulNutzung", "allgArtDerBaulNutzung")
    return ()


def _normal(value: object) -> str:
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def _categories(attribute: str, present: set[str] | None, translated: bool) -> list[dict]:
    colours, words = (
        (BUILDING_USE_COLOURS, ENUMERATIONS["XP_BesondereArtDerBaulNutzung"])
        if attribute == "besondereArtDerBaulNutzung"
        else (BUILDING_AREA_COLOURS, ENUMERATIONS["XP_AllgArtDerBaulNutzung"]))
    return [{"value": words[code] if translated else code, "colour": colour, "label": words[code]}
            for code, colour in colours.items() if present is None or code in present][:MAX_CATEGORIES]


def default_style(class_name: str, sample_values: set[str] | Mapping[str, set] | None = None, *,
                  translated: bool = False) -> dict:
    """The default style of a plan object class's layer, in the shape of DEFAULT_STYLE.

    Parameters
    ----------
    class_name : the XPlanGML class, e.g. "BP_BaugebietsTeilFlaeche".
    sample_values : the values that occur in the layer, to keep only categories that are used.
        Either a set of values of the first attribute in `categorise_attributes(class_name)`, or a
        mapping attribute -> set of values; with a mapping, a Baugebiet layer falls back to
        "allgArtDerBaulNutzung" when no feature has a "besondereArtDerBaulNutzung". Codes may be
        given as 1200, 1200.0 or "1200". None keeps every category.
    translated : True when the layer's features hold the words of `codes.translate` instead of the
        raw codes; categories then match those words.
    """
    name = class_name_of(class_name)
    overrides = _CLASS_STYLES.get(name, {})
    style = {**_BASE, **overrides}
    if overrides and "stroke" not in overrides:
        style["stroke"] = darker(style["fill"])
    attributes = categorise_attributes(name)
    if not attributes:
        return style
    if isinstance(sample_values, Mapping):
        present = {attribute: {_normal(v) for v in sample_values.get(attribute) or ()} for attribute in attributes}
        attribute = next((a for a in attributes if present[a]), attributes[0])
        values: set[str] | None = present[attribute]
    else:
        attribute = attributes[0]
        values = None if sample_values is None else {_normal(v) for v in sample_values}
    if translated and values is not None:
        words = ENUMERATIONS["XP_BesondereArtDerBaulNutzung" if attribute == attributes[0]
                             else "XP_AllgArtDerBaulNutzung"]
        values = {code for code, word in words.items() if word in values or code in values}
    style.update({
        "fill": UNKNOWN_USE_FILL, "stroke": "#3d3d3d", "opacity": 0.5, "width": 1.0,
        "categorise_by": attribute, "categories": _categories(attribute, values, translated),
    })
    return style
