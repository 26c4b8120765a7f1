"""What `read_plan` returns: plain dataclasses, shapely geometries and GeoDataFrames in EPSG:4326."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
from shapely.geometry import MultiPolygon

#: XPlanGML versions `read_plan` reads, by the namespace's major/minor numbers.
SUPPORTED_VERSIONS = ("4.1", "5.0", "5.1", "5.2", "5.3", "5.4", "6.0")
PLAN_CLASSES = ("BP_Plan", "FP_Plan", "SO_Plan", "RP_Plan", "LP_Plan")
KINDS = ("bebauungsplan", "vorhabenbezogener_bebauungsplan", "fnp_aenderung", "erhaltungssatzung",
         "gestaltungssatzung", "veraenderungssperre", "other")
LEGAL_STATUSES = ("planning_decision", "early_participation", "public_display", "adopted", "in_force", "repealed")
REFERENCE_KINDS = ("plan", "justification", "environmental_report", "legal_text", "scan", "other")


class XPlanWarning(str):
    """Something that was skipped or repaired while reading, as English text.

    It is a ``str`` (the English message with its parameters filled in), and
    carries the untranslated msgid and parameters like `GeoInputError`, so the
    web app translates it with ``gettext(w.message).format(**w.params)``.
    """

    message: str
    params: dict[str, object]

    def __new__(cls, message: str, **params: object) -> XPlanWarning:
        self = super().__new__(cls, message.format(**params))
        self.message = message
        self.params = params
        return self


@dataclass
class PlanObjects:
    """The features of one XPlanung class, e.g. ``BP_BaugebietsTeilFlaeche``.

    ``features`` has a ``gml_id`` column, one column per attribute (raw codes,
    plain JSON-able values: str, float, bool, lists of them, None) and the
    geometry in EPSG:4326.
    """

    name: str
    features: gpd.GeoDataFrame


@dataclass
class PlanText:
    """A text section (``XP_TextAbschnitt``, ``BP_TextAbschnitt`` …) of the plan's written rules."""

    gml_id: str
    schluessel: str
    gesetzliche_grundlage: str
    text: str
    #: gml:ids of the plan objects whose ``refTextInhalt`` points at this section.
    object_ids: list[str] = field(default_factory=list)


@dataclass
class ExternalReference:
    """A document the plan refers to (``externeReferenz``, ``refScan``, ``refBegruendung`` …)."""

    kind: str
    name: str
    #: ``referenzURL`` as written in the file (a web address or a path inside the archive).
    url: str
    #: The referenced file inside the work folder when the archive holds it, else None.
    archive_path: Path | None
    mime_type: str | None = None
    #: The raw ``typ`` code (5.0+) or the property name (4.1) the kind was taken from.
    source: str = ""


@dataclass
class Raster:
    """A georeferenced plan image in the archive."""

    path: Path
    #: (west, south, east, north) in EPSG:4326.
    bounds: tuple[float, float, float, float]
    #: Where the georeference came from: "world file" or "GeoTIFF".
    georeference: str
    width: int
    height: int


@dataclass
class XPlan:
    """One plan read from an XPlanGML file or XPlanArchiv."""

    version: str
    plan_class: str
    gml_id: str
    name: str
    number: str
    description: str
    kind: str
    rechtsstand: str | None
    legal_status: str | None
    dates: dict[str, date]
    area: MultiPolygon
    source_epsg: int
    object_classes: list[PlanObjects] = field(default_factory=list)
    texts: list[PlanText] = field(default_factory=list)
    references: list[ExternalReference] = field(default_factory=list)
    rasters: list[Raster] = field(default_factory=list)
    warnings: list[XPlanWarning] = field(default_factory=list)
    #: All attributes of the plan feature itself, flattened like those of plan objects.
    attributes: dict[str, object] = field(default_factory=dict)
