"""The plan objects of an imported XPlanGML plan as layers on its statute's map: one vector layer per class,
raw codes kept beside the main rules in words, styled after the XPlanung colours, with a popup."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import shapely

from geo.errors import N_
from geo.xplan.codes import GROUP_ORDER, class_label, code_list, describe, group_of, is_presentation_object
from geo.xplan.model import PlanObjects, XPlan
from geo.xplan.styles import categorise_attributes, default_style
from participation.layers.models import Layer
from participation.layers.services import store_version
from participation.layers.styles.rules import MAX_POPUP_ROWS, MAX_VALUE_LABELS, clean_popup, clean_style
from participation.maps.services import arrange_map
from participation.municipalities.models import Municipality
from participation.statutes.models import Statute

#: The short name of a plan in layer names ("BP 12 – Baugebietsteilfläche").
PLAN_ABBREVIATIONS = {"BP_Plan": "BP", "FP_Plan": "FNP", "SO_Plan": "SO", "RP_Plan": "RP", "LP_Plan": "LP"}
#: The column with the main rules in words, shown first in each popup.
RULES = "Festsetzungen"
#: Attributes a popup shows after the rules, when a class has them: (attribute, label). The labels are
#: the statutory German terms, like the rules themselves (see geo.xplan.codes).
POPUP_ATTRIBUTES = (
    ("besondereArtDerBaulNutzung", "Art der baulichen Nutzung"), ("allgArtDerBaulNutzung", "Allgemeine Art"),
    ("zweckbestimmung", "Zweckbestimmung"), ("GRZ", "Grundflächenzahl"), ("GFZ", "Geschossflächenzahl"),
    ("Z", "Vollgeschosse"), ("Zmax", "Vollgeschosse höchstens"), ("bauweise", "Bauweise"),
    ("dachform", "Dachform"), ("rechtscharakter", "Rechtscharakter"),
)

@dataclass
class ImportedClass:
    """One class of plan objects and the layer it went to."""

    name: str
    label: str
    group: str
    count: int
    layer_id: int
    version: int


@dataclass
class StoredLayers:
    """What `store_layers` did."""

    classes: list[ImportedClass] = field(default_factory=list)
    #: Presentation objects (labels and symbols of the drawn plan) left out: (class, count).
    skipped: list[tuple[str, int]] = field(default_factory=list)
    #: Classes of an earlier import the plan no longer has: their layers left the statute's map.
    removed: list[str] = field(default_factory=list)
    #: The gml:ids of the plan objects stored (those a paragraph may name).
    gml_ids: set[str] = field(default_factory=set)


def _layer_name(statute: Statute, plan: XPlan, class_name: str) -> str:
    label = class_label(class_name)
    if statute.number:
        return f"{PLAN_ABBREVIATIONS.get(plan.plan_class, 'Plan')} {statute.number} – {label}"[:200]
    return f"{statute.title} – {label}"[:200]


def _existing_layers(statute: Statute) -> dict[str, Layer]:
    """The layers an earlier import put on the statute's map, by plan object class."""
    found: dict[str, Layer] = {}
    for item in statute.map.layers:
        versions = item.layer.versions
        xplan_class = (versions[-1].report or {}).get("xplan_class") if versions else None
        if xplan_class:
            found.setdefault(xplan_class, item.layer)
    return found


def _features(objects: PlanObjects, plan: XPlan) -> gpd.GeoDataFrame:
    """The class's features as stored: raw codes kept, with the class and the main rules in words."""
    frame = objects.features.copy()
    frame[frame.geometry.name] = gpd.GeoSeries(shapely.force_2d(frame.geometry.values), index=frame.index, crs=frame.crs)
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    attributes = [column for column in frame.columns if column != frame.geometry.name]
    frame["xplan_class"] = objects.name
    frame[RULES] = [describe(objects.name, {key: row[key] for key in attributes}, version=plan.version)
                    for _index, row in frame.iterrows()]
    return frame


def _version_report(frame: gpd.GeoDataFrame, objects: PlanObjects, plan: XPlan, original_name: str) -> dict:
    """The report kept with the layer version, in the shape of geo.layers.LayerReport.as_dict()."""
    kinds = frame.geometry.geom_type.value_counts()
    attributes = [(column, "string" if column in ("gml_id", "xplan_class", RULES) else "xplan")
                  for column in frame.columns if column != frame.geometry.name]
    return {
        "layer": objects.name, "dataset": original_name, "driver": f"XPlanGML {plan.version}",
        "feature_count": len(frame), "geometry_types": {str(kind): int(count) for kind, count in kinds.items()},
        "source_crs_epsg": plan.source_epsg, "source_crs_name": f"EPSG:{plan.source_epsg}", "source_crs_wkt": "",
        "crs_origin": "file", "extent": [float(value) for value in frame.total_bounds], "repaired_invalid": 0,
        "dropped_empty": len(objects.features) - len(frame), "dropped_unreadable": 0, "z_dropped": 0,
        "attributes": attributes, "encoding": "UTF-8", "encoding_origin": "file", "notes": [],
        # How a later import of the same plan finds this layer again (`_existing_layers`).
        "xplan_class": objects.name, "xplan_plan": plan.gml_id[:200],
    }


def _values(frame: gpd.GeoDataFrame, attribute: str) -> set[str]:
    values: set[str] = set()
    for value in frame[attribute] if attribute in frame.columns else []:
        for item in value if isinstance(value, list) else [value]:
            if item is not None and item == item and str(item).strip():
                values.add(str(item).strip())
    return values


def _popup(frame: gpd.GeoDataFrame, class_name: str, version: str) -> list[dict]:
    """The rules in words first, then the main attributes with their codes' words."""
    rows = [{"attribute": RULES, "label": RULES}]
    for attribute, label in POPUP_ATTRIBUTES:
        if attribute not in frame.columns or not _values(frame, attribute):
            continue
        row = {"attribute": attribute, "label": label}
        table = code_list(class_name, attribute, version)
        if table:
            words = {code: table[code] for code in sorted(_codes(_values(frame, attribute))) if code in table}
            if words:
                row["values"] = dict(list(words.items())[:MAX_VALUE_LABELS])
        rows.append(row)
    return clean_popup(rows[:MAX_POPUP_ROWS])


def _codes(values: set[str]) -> set[str]:
    """Codes as the code lists key them: "1200.0" → "1200"."""
    out = set()
    for value in values:
        try:
            number = float(value)
        except ValueError:
            out.add(value)
            continue
        out.add(str(int(number)) if number.is_integer() else value)
    return out


def _style(frame: gpd.GeoDataFrame, class_name: str) -> dict:
    samples = {attribute: _values(frame, attribute) for attribute in categorise_attributes(class_name)}
    attributes = [column for column in frame.columns if column != frame.geometry.name]
    return clean_style(default_style(class_name, samples), attributes)


def store_layers(town: Municipality, statute: Statute, plan: XPlan, original_name: str, user,
                 report: Callable[..., None]) -> StoredLayers:
    """Each class of plan objects as a layer on the statute's map, bottom first in the XPlanung group order:
    new versions of the layers an earlier import of the plan made, new layers (styled) for new classes."""
    result = StoredLayers()
    existing = _existing_layers(statute)
    content = [objects for objects in plan.object_classes if not is_presentation_object(objects.name)]
    result.skipped = [(objects.name, len(objects.features)) for objects in plan.object_classes
                      if is_presentation_object(objects.name)]
    content.sort(key=lambda objects: (GROUP_ORDER.index(group_of(objects.name)), class_label(objects.name)))
    added: list[int] = []
    stored_ids: set[str] = set()
    for done, objects in enumerate(content, start=1):
        report(0.4 + 0.5 * done / max(len(content), 1), N_("Storing layer {done} of {total}: {name}"),
               done=done, total=len(content), name=objects.name)
        frame = _features(objects, plan)
        if frame.empty:
            continue
        stored_ids.update(str(gml_id) for gml_id in frame["gml_id"] if gml_id)
        layer = existing.pop(objects.name, None)
        version = store_version(town, [frame], _version_report(frame, objects, plan, original_name), original_name,
                                name=_layer_name(statute, plan, objects.name), layer=layer, user=user,
                                source=f"XPlanGML {plan.version}: {original_name}"[:300])
        if layer is None:
            layer = version.layer
            # A layer the GIS team has restyled keeps its look on later imports; a new one gets the default.
            layer.style = _style(frame, objects.name)
            layer.popup = _popup(frame, objects.name, plan.version)
            added.append(layer.id)
        result.classes.append(ImportedClass(name=objects.name, label=class_label(objects.name),
                                            group=group_of(objects.name), count=len(frame), layer_id=layer.id,
                                            version=version.number))
    result.removed = sorted(existing)
    gone = {layer.id for layer in existing.values()}
    rows = [(item.layer_id, item.visible) for item in statute.map.layers if item.layer_id not in gone]
    arrange_map(statute.map, town, user, rows + [(layer_id, True) for layer_id in added])
    result.gml_ids = stored_ids
    return result
