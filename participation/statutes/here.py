"""What applies at a place: the statutes in force or on public display whose area covers it,
and the plan objects of their maps at that point, with their main rules in words."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from shapely.geometry import Point, mapping
from sqlalchemy import func, select

from geo.xplan.codes import class_label, describe
from participation.comments.subjects import subject_url
from participation.database.spatial import covering_rows
from participation.extensions import db
from participation.addresses.models import Address
from participation.layers.models import Layer, LayerFeature
from participation.maps.models import MapLayer
from participation.municipalities.boundary import town_extent
from participation.municipalities.models import Municipality
from participation.statutes.labels import STATUS_COLOURS, kind_label, status_label
from participation.statutes.models import LegalStatus, PeriodKind, Statute, StatuteParagraph
from participation.statutes.text import paragraph_label
from participation.statutes.xplan_layers import RULES

#: Statutes that apply at a place, or are being decided in public: the others are of no concern there.
SHOWN = (LegalStatus.IN_FORCE, LegalStatus.PUBLIC_DISPLAY)
#: More plan objects than this at one point are cut (a plan drawn with overlapping pieces).
MAX_OBJECTS = 50


@dataclass
class PlanObject:
    """A feature of a statute's plan layer at the point."""

    layer: str
    #: "Baugebietsteilfläche" (the XPlanung class) or the layer's name for a layer of another origin.
    kind: str
    #: The main rules in words ("Allgemeines Wohngebiet, GRZ 0,4, II Vollgeschosse"), or "" when unknown.
    rules: str
    gml_id: str | None
    #: (label "§ 1 Abs. 2", anchor) of the paragraphs that name this object.
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    #: The layer's id: a comment on the object names it with the gml_id.
    layer_id: int | None = None


@dataclass
class Finding:
    statute: Statute
    #: "In force since 3 March 2021" / "On public display until 8 January 2027".
    status_text: str
    objects: list[PlanObject]


def _display_end(statute: Statute, today: date) -> date | None:
    """The last day of the display period running today, else of the next one, else of the latest."""
    periods = [p for p in statute.periods if p.kind is PeriodKind.DISPLAY]
    running = [p for p in periods if p.starts_on <= today <= p.ends_on]
    upcoming = sorted((p for p in periods if p.starts_on > today), key=lambda p: p.starts_on)
    chosen = running or upcoming or sorted(periods, key=lambda p: p.ends_on, reverse=True)
    return chosen[0].ends_on if chosen else None


def status_text(statute: Statute, today: date) -> str:
    if statute.status is LegalStatus.IN_FORCE:
        if statute.in_force_from:
            return _("In force since {day}").format(day=format_date(statute.in_force_from, "long"))
        return status_label(statute.status)
    end = _display_end(statute, today)
    if end is not None:
        return _("On public display until {day}").format(day=format_date(end, "long"))
    return status_label(statute.status)


def xplan_class(properties: dict) -> str | None:
    """The XPlanung class of an imported plan object (the XPlanGML import stores it with the feature)."""
    value = properties.get("xplan_class")
    return value if isinstance(value, str) and value else None


def _rules(class_name: str | None, properties: dict) -> str:
    """The rules in words the import stored (described with the plan's XPlanGML version), else described now."""
    stored = properties.get(RULES)
    if isinstance(stored, str) and stored:
        return stored
    return describe(class_name, properties) if class_name else ""


def _paragraphs(statute: Statute) -> dict[str, list[tuple[str, str]]]:
    """gml:id → (label, anchor) of the paragraphs naming it."""
    rows = db.session.scalars(select(StatuteParagraph).where(StatuteParagraph.statute_id == statute.id)
                              .order_by(StatuteParagraph.section_id, StatuteParagraph.position))
    named: dict[str, list[tuple[str, str]]] = {}
    for paragraph in rows:
        for gml_id in paragraph.plan_objects or []:
            named.setdefault(str(gml_id), []).append((paragraph_label(paragraph.section, paragraph), paragraph.anchor))
    return named


def plan_objects_at(statute: Statute, point: Point) -> list[PlanObject]:
    """The features of the current versions of the statute's map layers that cover `point`."""
    layers = {layer.current_version_id: layer for layer in db.session.scalars(
        select(Layer).join(MapLayer, MapLayer.layer_id == Layer.id)
        .where(MapLayer.map_id == statute.map_id, Layer.current_version_id.is_not(None))
        .order_by(MapLayer.position))}
    if not layers:
        return []
    features = covering_rows(db.session, LayerFeature, LayerFeature.spatial, point,
                             LayerFeature.version_id.in_(list(layers)))[:MAX_OBJECTS]
    named = _paragraphs(statute) if features else {}
    found = []
    for feature in features:
        layer = layers[feature.version_id]
        properties = feature.properties or {}
        class_name = xplan_class(properties)
        gml_id = properties.get("gml_id") if isinstance(properties.get("gml_id"), str) else None
        found.append(PlanObject(
            layer=layer.name, layer_id=layer.id, kind=class_label(class_name) if class_name else layer.name,
            rules=_rules(class_name, properties), gml_id=gml_id,
            paragraphs=named.get(gml_id, []) if gml_id else []))
    return found


def what_applies(town: Municipality, point: Point, today: date) -> list[Finding]:
    """The published statutes of `town` in force or on display whose area covers `point`, in force first."""
    statutes = covering_rows(db.session, Statute, Statute.spatial, point, [
        Statute.municipality_id == town.id, Statute.published_at.is_not(None), Statute.status.in_(SHOWN)])
    statutes.sort(key=lambda s: (SHOWN.index(s.status), s.number, s.title, s.id))
    return [Finding(statute, status_text(statute, today), plan_objects_at(statute, point)) for statute in statutes]


def map_areas(findings: list[Finding]) -> list[dict]:
    """The areas of the statutes found, with their status colour, for the map (GeoJSON, EPSG:4326)."""
    return [{"geometry": mapping(f.statute.area), "colour": STATUS_COLOURS[f.statute.status]}
            for f in findings if f.statute.area is not None]


def map_extent(town: Municipality) -> tuple[float, float, float, float] | None:
    """Where the map of the page opens: the town (boundary or projects), else its published statutes,
    else its address list; None when nothing is known (Germany)."""
    extent = town_extent(town)
    if extent is not None:
        return extent
    for model, where in ((Statute, Statute.published_at.is_not(None)), (Address, Address.min_x.is_not(None))):
        box = db.session.execute(select(func.min(model.min_x), func.min(model.min_y), func.max(model.max_x),
                                        func.max(model.max_y)).where(model.municipality_id == town.id, where)).one()
        if box[0] is not None:
            return tuple(float(v) for v in box)
    return None


def as_json(point: Point, findings: list[Finding], address: str | None = None) -> dict:
    """The answer for the map script and other clients; areas as GeoJSON (EPSG:4326)."""
    return {
        "point": {"lon": point.x, "lat": point.y},
        "address": address,
        "statutes": [{
            "id": f.statute.id, "number": f.statute.number, "title": f.statute.title,
            "kind": kind_label(f.statute.kind), "status": f.statute.status.value, "status_text": f.status_text,
            "url": subject_url(f.statute),
            "area": mapping(f.statute.area) if f.statute.area is not None else None,
            "plan_objects": [{
                "layer": o.layer, "kind": o.kind, "rules": o.rules, "gml_id": o.gml_id,
                "paragraphs": [{"label": label, "url": subject_url(f.statute, _anchor=anchor)} for label, anchor in o.paragraphs],
            } for o in f.objects],
        } for f in findings],
    }
