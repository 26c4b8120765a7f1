"""From XPlanung codes to the platform's words: kind of plan, legal status, dates, document kinds.

The code lists are those of XPlanGML 4.1 to 6.0 (Objektartenkatalog of the
XLeitstelle). Codes keep their meaning across versions; later versions add
codes (6.0: 2250 Entwurfsbeschluss, 45000/45001 partly repealed; 5.3+:
50000 Aufgehoben, 50001 AusserKraft), so one table per plan class covers
every version. A code not in a table gives ``None`` and a warning.

Kinds (``XPlan.kind``)
----------------------
==================  =========================================================  ===============================
plan class          condition                                                  kind
==================  =========================================================  ===============================
FP_Plan             always (a Flächennutzungsplan upload is its amendment)     fnp_aenderung
SO_Plan             an SO_Gebiet with an Erhaltung ``gebietsArt``              erhaltungssatzung
                    (5.x: 1999, 2000, 2100, 2200; 6.0: 1700, 17000–17002)
BP_Plan             ``planArt`` 3000 or 3100 (vorhabenbezogen, VEP)            vorhabenbezogener_bebauungsplan
BP_Plan             ``planArt`` 7000 (Örtliche Bauvorschrift)                  gestaltungssatzung
BP_Plan             a Veränderungssperre (flag, dates or 6.0 data) and no      veraenderungssperre
                    plan content besides the area (the file carries only the
                    Sperre's area)
BP_Plan             ``planArt`` 1000, 10000, 10001, 10002                      bebauungsplan
anything else       (§ 34/35 Satzungen 4000–5000, Sonstiges, RP, LP, SO …)     other
==================  =========================================================  ===============================
"""
from __future__ import annotations

from datetime import date

#: Legal status by plan class and ``rechtsstand`` code.
_BP = {
    "1000": "planning_decision",                                   # Aufstellungsbeschluss
    "2000": "early_participation",                                 # Entwurf
    "2100": "early_participation",                                 # FruehzeitigeBehoerdenBeteiligung
    "2200": "early_participation",                                 # FruehzeitigeOeffentlichkeitsBeteiligung
    "2250": "early_participation",                                 # Entwurfsbeschluss (6.0)
    "2300": "public_display",                                      # BehoerdenBeteiligung (§ 4 (2), with the display)
    "2400": "public_display",                                      # OeffentlicheAuslegung
    "3000": "adopted",                                             # Satzung
    "4000": "in_force",                                            # InkraftGetreten
    "4500": "in_force",                                            # TeilweiseUntergegangen: the rest applies
    "45000": "in_force",                                           # TeilweiseAufgehoben (6.0)
    "45001": "in_force",                                           # TeilweiseAusserKraft (6.0)
    "5000": "repealed",                                            # Untergegangen
    "50000": "repealed",                                           # Aufgehoben
    "50001": "repealed",                                           # AusserKraft
}
#: FP_Plan: 2000 is "Entwurf" (6.0: "ImVerfahren"), 3000 "Plan" (Feststellungsbeschluss), 4000 "Wirksamkeit".
_FP = {code: status for code, status in _BP.items() if code not in ("4500", "45000", "45001")}
_RP = {
    "1000": "planning_decision", "2000": "early_participation", "2001": "early_participation",
    "2002": "early_participation", "2004": "early_participation",  # Entwurf, genehmigt, geändert, ruht
    "3000": "adopted", "4000": "in_force", "5000": "planning_decision",  # 5000 AllgemeinePlanungsabsicht
    "5500": "in_force", "6000": "repealed", "7000": "repealed",  # TeilweiseAusserKraft, AusserKraft, PlanUngueltig
}
_LP = {"1000": "planning_decision", "2000": "early_participation", "3000": "adopted", "4000": "in_force",
       "5000": "repealed", "6000": "in_force"}  # 6000 InFortschreibung: in force while it is revised
LEGAL_STATUS_BY_CLASS = {"BP_Plan": _BP, "FP_Plan": _FP, "SO_Plan": _BP, "RP_Plan": _RP, "LP_Plan": _LP}

_VORHABENBEZOGEN = {"3000", "3100"}
_GESTALTUNG = {"7000"}
_BEBAUUNGSPLAN = {"1000", "10000", "10001", "10002"}
ERHALTUNG_GEBIETSARTEN = {"1999", "2000", "2100", "2200", "1700", "17000", "17001", "17002"}

#: Date keys of `XPlan.dates` and the XPlanung attributes they are read from, in order of preference.
DATE_SOURCES = {
    "planning_decision_on": ("aufstellungsbeschlussDatum",),
    "adopted_on": ("satzungsbeschlussDatum", "planbeschlussDatum", "beschlussDatum", "rechtsverordnungsDatum",
                   "genehmigungsDatum"),
    "in_force_from": ("inkrafttretensDatum", "wirksamkeitsDatum", "datumDesInkrafttretens"),
}

#: ``XP_ExterneReferenzTyp`` (5.0+) → reference kind.
_REFERENCE_TYPES = {
    "1010": "justification",            # Begruendung
    "1080": "justification",            # Erlaeuterung (the FNP's Erläuterungsbericht)
    "1030": "plan",                     # Rechtsplan
    "1070": "plan",                     # Karte
    "2900": "plan",                     # VorhabenUndErschliessungsplan
    "1050": "environmental_report",     # Umweltbericht
    "2700": "environmental_report",     # UmweltbezogeneStellungnahmen
    "1060": "legal_text",               # Satzung
    "1065": "legal_text",               # Verordnung
    "6000": "legal_text",               # Schutzgebietsverordnung (6.0)
    "9998": "legal_text",               # Rechtsverbindlich
}
#: XPlanGML 4.1 has one property per document instead of a ``typ`` code.
_REFERENCE_PROPERTIES = {
    "refScan": "scan", "refBegruendung": "justification", "refRechtsplan": "plan", "refUmweltbericht":
    "environmental_report", "refSatzung": "legal_text", "refText": "legal_text",
}


def legal_status(plan_class: str, rechtsstand: str | None) -> str | None:
    """The platform's legal status for a plan's ``rechtsstand`` code, or None if absent or unknown."""
    if rechtsstand is None:
        return None
    return LEGAL_STATUS_BY_CLASS.get(plan_class, {}).get(rechtsstand)


def kind(plan_class: str, plan_arts: list[str], *, gebietsarten: set[str], has_sperre: bool,
         has_content: bool) -> str:
    """The kind of statute (see the module docstring for the table).

    Parameters
    ----------
    plan_class : str
        ``BP_Plan``, ``FP_Plan`` …
    plan_arts : list of str
        The plan's ``planArt`` codes (several in 5.0+).
    gebietsarten : set of str
        ``gebietsArt`` codes of the plan's SO_Gebiet objects.
    has_sperre : bool
        The BP_Plan states a Veränderungssperre.
    has_content : bool
        The plan has objects besides its area, areas (Bereiche), texts and presentation objects.
    """
    arts = set(plan_arts)
    if plan_class == "FP_Plan":
        return "fnp_aenderung"
    if plan_class == "SO_Plan":
        return "erhaltungssatzung" if gebietsarten & ERHALTUNG_GEBIETSARTEN else "other"
    if plan_class != "BP_Plan":
        return "other"
    if arts & _VORHABENBEZOGEN:
        return "vorhabenbezogener_bebauungsplan"
    if arts & _GESTALTUNG:
        return "gestaltungssatzung"
    if has_sperre and not has_content:
        return "veraenderungssperre"
    if arts & _BEBAUUNGSPLAN:
        return "bebauungsplan"
    return "other"


def parse_date(value: object) -> date | None:
    """An ``xs:date`` (``2019-04-25``, maybe with a time zone) as a date, None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _dates(values: object) -> list[date]:
    items = values if isinstance(values, list) else [values]
    return [d for d in (parse_date(v) for v in items) if d is not None]


def plan_dates(attributes: dict[str, object]) -> dict[str, date]:
    """The plan's dates (keys of `DATE_SOURCES` plus ``display_starts_on``/``display_ends_on``), where present.

    A plan may be displayed several times (``auslegungsStartDatum`` repeats);
    the last display counts: its start is the latest start, its end the
    latest end on or after that start.
    """
    out: dict[str, date] = {}
    for key, names in DATE_SOURCES.items():
        for name in names:
            found = _dates(attributes.get(name))
            if found:
                out[key] = max(found)
                break
    starts = _dates(attributes.get("auslegungsStartDatum"))
    ends = _dates(attributes.get("auslegungsEndDatum"))
    if starts:
        out["display_starts_on"] = max(starts)
        later = [end for end in ends if end >= out["display_starts_on"]]
        if later:
            out["display_ends_on"] = max(later)
    elif ends:
        out["display_ends_on"] = max(ends)
    return out


def reference_kind(property_name: str, typ: str | None, art: str | None) -> str:
    """The kind of a referenced document from its ``typ`` code, its property name (4.1) or its ``art``."""
    if property_name == "refScan" or art == "PlanMitGeoreferenz":
        return "scan"
    if typ and typ in _REFERENCE_TYPES:
        return _REFERENCE_TYPES[typ]
    return _REFERENCE_PROPERTIES.get(property_name, "other")
