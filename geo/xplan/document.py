"""Stream an XPlanGML document into flat feature records.

Parsed with the standard library's ``iterparse`` after `geo.layers.xmlguard`
has refused any DOCTYPE (so no entity can expand); each feature is turned
into plain values and then cleared, so memory follows the largest feature,
not the file.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from geo.errors import GeoInputError, N_
from geo.xplan.gml import XLINK_HREF, GeometryError, GeometryReader, is_gml, local, namespace
from geo.xplan.model import SUPPORTED_VERSIONS

_XPLAN_NAMESPACE = re.compile(r"^http://www\.xplanung\.de/xplangml/(\d+)/(\d+)$")
#: Properties that hold the geometry of a feature, in order of preference.
GEOMETRY_PROPERTIES = ("position", "raeumlicherGeltungsbereich", "geltungsbereich")
REFERENCE_TYPES = ("XP_ExterneReferenz", "XP_SpezExterneReferenz", "XP_ExterneReferenzPlan")
#: Relations that may repeat: always lists, so a column does not mix strings and lists.
LIST_PROPERTIES = frozenset({"refTextInhalt", "wirdDargestelltDurch", "planinhalt", "praesentationsobjekt", "texte",
                             "dientZurDarstellungVon", "bereich", "inhaltBPlan", "inhaltFPlan", "inhaltSoPlan",
                             "inhaltRPlan", "inhaltLPlan", "nachrichtlich", "planArt"})
#: Attributes promoted to a flat key when a version nests them (6.0: dachgestaltung/BP_Dachgestaltung/dachform …).
FLAT_KEYS = ("GRZ", "GFZ", "Z", "GF", "GR", "allgArtDerBaulNutzung", "besondereArtDerBaulNutzung", "bauweise",
             "dachform")
_NUMERIC = re.compile(r"^(GRZ|GFZ|BMZ|BM|GF|GR|Z|ZU|Z_Staffel|Z_Dach|ZU_Dach|MaxZahlWohnungen|MinGRWohneinheit|"
                      r"MinGRWohneinheit|Fmin|Fmax|Bmin|Bmax|Tmin|Tmax|DN|FR|h|hMin|hMax|hZwingend|drehwinkel|"
                      r"skalierung|nordwinkel|ekwertTag|ekwertNacht|bautiefe|abstand)"
                      r"(min|max|_Ausn|Ausn|_zwingend|zwingend|Zwingend|_Staffel)?$")


@dataclass
class RawReference:
    """One ``XP_ExterneReferenz`` as found, with the property that held it (``refScan``, ``externeReferenz`` …)."""

    property_name: str
    fields: dict[str, str]


@dataclass
class Feature:
    """One XPlanung feature as plain values."""

    cls: str
    gml_id: str
    attributes: dict[str, object]
    geometry: BaseGeometry | None = None
    #: The ``srsName`` stated on the geometry (or inherited from the document), if any.
    srs_name: str | None = None
    #: Why the geometry could not be read (English, for a message), if it could not.
    geometry_error: str | None = None
    references: list[RawReference] = field(default_factory=list)
    #: Polygons of this feature whose rings run the wrong way.
    wrong_orientation: int = 0


@dataclass
class Document:
    """The features of one XPlanAuszug and what the reader noticed on the way."""

    version: str
    features: list[Feature]
    #: ``srsName`` of the document's own boundedBy, the default for geometries that state none.
    default_srs: str | None
    #: Local names of elements that are not XPlanung features and were skipped.
    skipped: list[str] = field(default_factory=list)


def _version(ns: str, root: str) -> str:
    match = _XPLAN_NAMESPACE.match(ns)
    if root != "XPlanAuszug" or not match:
        raise GeoInputError(N_("The file is not XPlanGML: its root element is <{root}> in the namespace “{namespace}”; "
                               "an XPlanGML file starts with <XPlanAuszug> in an "
                               "http://www.xplanung.de/xplangml/… namespace."),
                            root=root[:80], namespace=(ns or "none")[:120])
    version = f"{match.group(1)}.{match.group(2)}"
    if version not in SUPPORTED_VERSIONS:
        raise GeoInputError(N_("XPlanGML version {version} is not supported; export the plan as XPlanGML {supported}."),
                            version=version, supported="4.1, 5.0–5.4 or 6.0")
    return version


def _value(name: str, element: ET.Element) -> object:
    text = (element.text or "").strip()
    if text in ("true", "false"):
        return text == "true"
    if element.get("uom") is not None or _NUMERIC.match(name):
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _add(attributes: dict[str, object], key: str, value: object) -> None:
    leaf = key.rsplit(".", 1)[-1]
    if key in attributes:
        existing = attributes[key]
        attributes[key] = (existing if isinstance(existing, list) else [existing]) + [value]
    else:
        attributes[key] = [value] if leaf in LIST_PROPERTIES else value


def _reference(element: ET.Element) -> dict[str, str]:
    return {local(child.tag): (child.text or "").strip() for child in element if len(child) == 0}


class _FeatureReader:
    def __init__(self, xplan_ns: str) -> None:
        self.xplan_ns = xplan_ns

    def _nested(self, feature: Feature, prefix: str, data: ET.Element) -> None:
        """Flatten a data type (``XP_Hoehenangabe``, ``BP_KomplexeZweckbestGruen`` …) into ``prefix.field`` keys."""
        for item in data:
            if is_gml(item):
                continue
            key = f"{prefix}.{local(item.tag)}"
            href = item.get(XLINK_HREF)
            if href is not None:
                _add(feature.attributes, key, href.lstrip("#"))
            elif len(item) == 0:
                _add(feature.attributes, key, _value(local(item.tag), item))
            elif local(item[0].tag) in REFERENCE_TYPES:
                feature.references.append(RawReference(local(item.tag), _reference(item[0])))
            elif not is_gml(item[0]):
                self._nested(feature, key, item[0])

    def read(self, element: ET.Element, default_srs: str | None) -> Feature:
        gml_id = next((v for k, v in element.attrib.items() if local(k) == "id"), "")
        feature = Feature(cls=local(element.tag), gml_id=gml_id, attributes={})
        geometries: dict[str, ET.Element] = {}
        for prop in element:
            if is_gml(prop):
                continue
            name = local(prop.tag)
            href = prop.get(XLINK_HREF)
            if href is not None:
                _add(feature.attributes, name, href.lstrip("#"))
            elif len(prop) == 0:
                _add(feature.attributes, name, _value(name, prop))
            elif is_gml(prop[0]):
                geometries.setdefault(name, prop[0])
            elif local(prop[0].tag) in REFERENCE_TYPES:
                feature.references.append(RawReference(name, _reference(prop[0])))
            else:
                self._nested(feature, name, prop[0])
        for key in FLAT_KEYS:
            if key not in feature.attributes:
                nested = [k for k in feature.attributes if k.endswith("." + key)]
                if nested:
                    feature.attributes[key] = feature.attributes[nested[0]]
        if "zweckbestimmung" not in feature.attributes and "zweckbestimmung.allgemein" in feature.attributes:
            feature.attributes["zweckbestimmung"] = feature.attributes["zweckbestimmung.allgemein"]
        chosen = next((geometries[n] for n in GEOMETRY_PROPERTIES if n in geometries),
                      next(iter(geometries.values()), None))
        if chosen is not None:
            reader = GeometryReader()
            try:
                feature.geometry = reader.read(chosen)
            except GeometryError as exc:
                feature.geometry_error = exc.reason
            except (ValueError, TypeError) as exc:  # shapely refuses what GML allowed
                feature.geometry_error = str(exc)[:200]
            feature.srs_name = next(iter(sorted(reader.srs_names)), None) or default_srs
            feature.wrong_orientation = reader.wrong_orientation
        return feature


def parse_document(path: Path, *, max_features: int) -> Document:
    """Read the features of an XPlanGML file (whose prolog `xmlguard.root_element` has already checked).

    Parameters
    ----------
    path : Path
        The XPlanGML file.
    max_features : int
        More features than this are refused.

    Returns
    -------
    Document

    Raises
    ------
    GeoInputError
        If the file is not XPlanGML, has an unsupported version, too many
        features, or is not well-formed XML.
    """
    features: list[Feature] = []
    skipped: list[str] = []
    depth = 0
    version = ""
    default_srs: str | None = None
    reader: _FeatureReader | None = None
    try:
        # xmlguard.root_element has refused any DOCTYPE, so no entity can be declared, let alone expanded.
        for event, element in ET.iterparse(path, events=("start", "end")):  # noqa: S314
            if event == "start":
                depth += 1
                if depth == 1:
                    version = _version(namespace(element.tag), local(element.tag))
                    reader = _FeatureReader(namespace(element.tag))
                continue
            depth -= 1
            if depth != 1 or reader is None:
                continue
            name = local(element.tag)
            if is_gml(element):
                if name == "boundedBy":
                    envelope = next(iter(element), None)
                    default_srs = envelope.get("srsName") if envelope is not None else None
                    default_srs = default_srs.strip() if default_srs else None
                members = list(element) if name in ("featureMember", "featureMembers") else []
            else:
                members = [element]
            for member in members:
                if namespace(member.tag) != reader.xplan_ns:
                    skipped.append(local(member.tag))
                    continue
                features.append(reader.read(member, default_srs))
                if len(features) > max_features:
                    raise GeoInputError(N_("The plan has more than {limit} objects; at most {limit} are allowed."),
                                        limit=max_features)
            element.clear()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise GeoInputError(N_("The file is not well-formed XML ({reason}, line {line})."),
                            reason=str(exc).split(":")[0][:120], line=line) from None
    return Document(version=version, features=features, default_srs=default_srs, skipped=skipped)
