"""Read one plan from an XPlanGML file or XPlanArchiv into an `XPlan` (EPSG:4326)."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from geo.errors import GeoInputError, N_
from geo.layers.archive import extract_zip
from geo.layers.crs import GERMANY, describe, fitting_crs, implausible_error, to_lonlat
from geo.layers.limits import Limits
from geo.layers.xmlguard import root_element
from geo.xplan import status
from geo.xplan.document import Document, Feature, parse_document
from geo.xplan.gml import SourceCrs, parse_srs_name
from geo.xplan.model import (PLAN_CLASSES, ExternalReference, PlanObjects, PlanText, Raster, XPlan,
                             XPlanWarning)
from geo.xplan.rasters import RASTER_SUFFIXES, RasterError, georeference

Progress = Callable[[int, int], None]
#: Classes that are not plan content: areas (Bereiche), text sections, raster descriptions.
_STRUCTURE_SUFFIXES = ("_Bereich", "_TextAbschnitt", "_Rasterdarstellung", "_RasterplanBasis",
                       "_RasterplanAenderung")
_PRESENTATION_PREFIX = "XP_"


def _is_content(cls: str) -> bool:
    return cls not in PLAN_CLASSES and not cls.endswith(_STRUCTURE_SUFFIXES)


def _find_gml(root: Path) -> Path:
    """The plan inside an extracted XPlanArchiv: ``xplan.gml``, else the one ``*.gml`` file."""
    candidates = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".gml", ".xml")
                        and not p.name.startswith("._"))
    named = [p for p in candidates if p.name.lower() == "xplan.gml"]
    if len(named) == 1:
        return named[0]
    gml = [p for p in candidates if p.suffix.lower() == ".gml"]
    if len(gml) == 1:
        return gml[0]
    if not gml:
        raise GeoInputError(N_("The XPlanArchiv contains no XPlanGML file (xplan.gml or another .gml file)."))
    raise GeoInputError(N_("The XPlanArchiv contains several GML files ({names}) and none is named xplan.gml; "
                           "name the plan's file xplan.gml or upload one plan per archive."),
                        names=", ".join(p.relative_to(root).as_posix() for p in gml[:10]))


def _text(attributes: dict[str, object], key: str) -> str:
    value = attributes.get(key)
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return "" if value is None else str(value).strip()


def _codes(attributes: dict[str, object], key: str) -> list[str]:
    value = attributes.get(key)
    items = value if isinstance(value, list) else ([] if value is None else [value])
    return [str(v).strip() for v in items]


def _the_plan(document: Document) -> Feature:
    """The one plan of the file. An XPlanAuszug may hold several plans; which one a statute is cannot be
    guessed, so a file with more than one is refused, naming them."""
    plans = [f for f in document.features if f.cls in PLAN_CLASSES]
    if not plans:
        found = Counter(f.cls for f in document.features)
        raise GeoInputError(N_("The XPlanGML file contains no plan (BP_Plan, FP_Plan, SO_Plan, RP_Plan or LP_Plan); "
                               "it holds: {classes}."),
                            classes=", ".join(f"{n} × {c}" for c, n in found.most_common(8)) or "nothing")
    if len(plans) > 1:
        raise GeoInputError(N_("The XPlanGML file contains {count} plans ({names}); upload each plan as its own "
                               "file."), count=len(plans),
                            names=", ".join(f"{p.cls} “{_text(p.attributes, 'name')}”" for p in plans[:10]))
    return plans[0]


def _source_crs(plan: Feature, document: Document, override: int | None) -> SourceCrs:
    if override is not None:
        return parse_srs_name(f"EPSG:{override}")
    srs = plan.srs_name or document.default_srs or next((f.srs_name for f in document.features if f.srs_name), None)
    if srs:
        return parse_srs_name(srs)
    bounds = plan.geometry.bounds if plan.geometry is not None and not plan.geometry.is_empty else None
    guesses = fitting_crs(bounds) if bounds else []
    if guesses:
        raise GeoInputError(N_("The XPlanGML file states no coordinate reference system (srsName); its coordinates "
                               "would fit {guess}. Export it again with srsName, e.g. EPSG:25832."),
                            guess=describe(guesses))
    raise GeoInputError(N_("The XPlanGML file states no coordinate reference system (srsName); export it again "
                           "with srsName, e.g. EPSG:25832."))


class _Reprojector:
    """Transforms geometries from the srsName each states to EPSG:4326, checking the CRS once per name."""

    def __init__(self, default: SourceCrs, *, override: bool = False) -> None:
        self.default = default
        self.override = override
        self._by_name: dict[str, SourceCrs] = {}

    def source(self, srs_name: str | None) -> SourceCrs:
        if not srs_name or self.override:
            return self.default
        if srs_name not in self._by_name:
            self._by_name[srs_name] = parse_srs_name(srs_name)
        return self._by_name[srs_name]

    def to_4326(self, geometries: list[BaseGeometry], srs_names: list[str | None]) -> list[BaseGeometry]:
        out: list[BaseGeometry | None] = [None] * len(geometries)
        groups: dict[SourceCrs, list[int]] = defaultdict(list)
        for i, name in enumerate(srs_names):
            groups[self.source(name)].append(i)
        for source, indexes in groups.items():
            geoms = [geometries[i] for i in indexes]
            if source.lat_first:
                geoms = list(shapely.transform(geoms, lambda xy: xy[:, ::-1]))
            series = gpd.GeoSeries(geoms, crs=source.crs).to_crs(4326)
            for i, geometry in zip(indexes, series):
                out[i] = geometry
        return out  # type: ignore[return-value]


def _polygons(geometry: BaseGeometry) -> MultiPolygon:
    """The polygonal part of a geometry as a valid MultiPolygon (possibly empty)."""
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in shapely.get_parts(p)]
    return MultiPolygon(polygons)


def _area(plan: Feature, reproject: _Reprojector, source: SourceCrs) -> MultiPolygon:
    name = _text(plan.attributes, "name")
    if plan.geometry_error:
        raise GeoInputError(N_("The area of application (raeumlicherGeltungsbereich) of the {plan_class} “{name}” "
                               "cannot be read: {reason}."), plan_class=plan.cls, name=name, reason=plan.geometry_error)
    if plan.geometry is None or plan.geometry.is_empty:
        raise GeoInputError(N_("The {plan_class} “{name}” has no area of application (raeumlicherGeltungsbereich)."),
                            plan_class=plan.cls, name=name)
    raw = _polygons(plan.geometry)
    if raw.is_empty:
        raise GeoInputError(N_("The area of application (raeumlicherGeltungsbereich) of the {plan_class} “{name}” "
                               "is not a surface ({geometry_type})."),
                            plan_class=plan.cls, name=name, geometry_type=plan.geometry.geom_type)
    crs = reproject.source(plan.srs_name)
    lonlat = to_lonlat(raw.bounds, crs.crs) if not crs.lat_first else to_lonlat(
        (raw.bounds[1], raw.bounds[0], raw.bounds[3], raw.bounds[2]), crs.crs)
    west, south, east, north = GERMANY
    if not (west <= lonlat[0] <= lonlat[2] <= east and south <= lonlat[1] <= lonlat[3] <= north):
        raise implausible_error(raw.bounds, crs.crs, lonlat, GERMANY)
    area = _polygons(reproject.to_4326([raw], [plan.srs_name])[0])
    if area.is_empty:
        raise GeoInputError(N_("The {plan_class} “{name}” has no area of application (raeumlicherGeltungsbereich)."),
                            plan_class=plan.cls, name=name)
    return area


def _object_classes(features: list[Feature], reproject: _Reprojector, warnings: list[XPlanWarning],
                    progress: Progress | None) -> list[PlanObjects]:
    by_class: dict[str, list[Feature]] = defaultdict(list)
    for feature in features:
        if _is_content(feature.cls):
            by_class[feature.cls].append(feature)
    out: list[PlanObjects] = []
    total = len(by_class)
    for done, (cls, members) in enumerate(sorted(by_class.items()), start=1):
        usable = [f for f in members if f.geometry is not None and not f.geometry.is_empty]
        broken = [f for f in members if f.geometry_error]
        if broken:
            warnings.append(XPlanWarning(N_("Objects of class {name} skipped because their geometry cannot be read: "
                                            "{count} (first: {gml_id}: {reason})."), count=len(broken),
                                         name=cls, gml_id=broken[0].gml_id, reason=broken[0].geometry_error))
        if not usable and not broken:
            warnings.append(XPlanWarning(N_("The class {name} has no geometry; its objects ({count}) were skipped."),
                                         name=cls, count=len(members)))
        elif len(usable) + len(broken) < len(members):
            warnings.append(XPlanWarning(N_("Objects of class {name} without geometry, skipped: {count}."),
                                         name=cls, count=len(members) - len(usable) - len(broken)))
        wrong = sum(f.wrong_orientation for f in usable)
        if wrong:
            warnings.append(XPlanWarning(N_("Polygons of class {name} with rings in the wrong direction (XPlanung draws "
                                            "exterior rings counter-clockwise): {count}; they were read anyway."), count=wrong, name=cls))
        if usable:
            geometries = reproject.to_4326([f.geometry for f in usable], [f.srs_name for f in usable])
            repaired = 0
            for i, geometry in enumerate(geometries):
                if not geometry.is_valid:
                    geometries[i] = shapely.make_valid(geometry)
                    repaired += 1
            if repaired:
                warnings.append(XPlanWarning(N_("Invalid geometries of class {name}, repaired: {count}."), count=repaired, name=cls))
            keys = sorted({key for f in usable for key in f.attributes})
            columns: dict[str, list[object]] = {"gml_id": [f.gml_id for f in usable]}
            for key in keys:
                if key not in ("gml_id", "geometry"):
                    columns[key] = [f.attributes.get(key) for f in usable]
            # object dtype keeps None as None (a float column would turn it into NaN, which is not JSON)
            frame = gpd.GeoDataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()},
                                     geometry=geometries, crs=4326)
            out.append(PlanObjects(name=cls, features=frame))
        if progress is not None:
            progress(done, total)
    return out


def _grundlage(attributes: dict[str, object]) -> str:
    plain = _text(attributes, "gesetzlicheGrundlage")
    if plain:
        return plain
    parts = [_text(attributes, f"gesetzlicheGrundlage.{k}") for k in ("name", "detail")]
    text = " ".join(p for p in parts if p)
    datum = _text(attributes, "gesetzlicheGrundlage.datum")
    return f"{text} ({datum})" if text and datum else text or datum


def _texts(features: list[Feature]) -> list[PlanText]:
    referenced: dict[str, list[str]] = defaultdict(list)
    for feature in features:
        if _is_content(feature.cls):
            for target in _codes(feature.attributes, "refTextInhalt"):
                referenced[target].append(feature.gml_id)
    return [PlanText(gml_id=f.gml_id, schluessel=_text(f.attributes, "schluessel"),
                     gesetzliche_grundlage=_grundlage(f.attributes), text=_text(f.attributes, "text"),
                     object_ids=referenced.get(f.gml_id, []))
            for f in features if f.cls.endswith("_TextAbschnitt")]


def _archive_file(url: str, gml: Path, root: Path | None) -> Path | None:
    """The file a relative ``referenzURL`` names inside the extracted archive, or None."""
    if root is None or not url or urlsplit(url).scheme or url.startswith(("/", "\\")):
        return None
    relative = PurePosixPath(unquote(url).replace("\\", "/"))
    if ".." in relative.parts:
        return None
    for base in (gml.parent, root):
        candidate = (base / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    by_name = [p for p in root.rglob("*") if p.name == relative.name and p.is_file()]
    return by_name[0].resolve() if len(by_name) == 1 else None


def _references(features: list[Feature], gml: Path, root: Path | None,
                warnings: list[XPlanWarning]) -> list[ExternalReference]:
    out: list[ExternalReference] = []
    seen: set[tuple[str, str]] = set()
    for feature in features:
        for raw in feature.references:
            url = raw.fields.get("referenzURL", "")
            name = raw.fields.get("referenzName", "") or PurePosixPath(unquote(url)).name
            if (url, name) in seen or not (url or name):
                continue
            seen.add((url, name))
            typ = raw.fields.get("typ") or None
            archive_path = _archive_file(url, gml, root)
            if url and archive_path is None and not urlsplit(url).scheme:
                warnings.append(XPlanWarning(N_("The plan refers to the file “{name}”, which is not in the archive."),
                                             name=url[:200]))
            out.append(ExternalReference(
                kind=status.reference_kind(raw.property_name, typ, raw.fields.get("art")), name=name, url=url,
                archive_path=archive_path, mime_type=raw.fields.get("referenzMimeType") or None,
                source=typ or raw.property_name))
    return out


def _rasters(root: Path | None, crs: CRS, warnings: list[XPlanWarning]) -> list[Raster]:
    if root is None:
        return []
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in RASTER_SUFFIXES):
        try:
            raster = georeference(path.resolve(), crs)
        except (RasterError, OSError, ValueError):
            warnings.append(XPlanWarning(N_("The image “{name}” in the archive cannot be read and was skipped."),
                                         name=path.relative_to(root).as_posix()[:200]))
            continue
        if raster is None:
            warnings.append(XPlanWarning(N_("The image “{name}” in the archive has no georeference (world file or "
                                            "GeoTIFF tags) and was skipped."),
                                         name=path.relative_to(root).as_posix()[:200]))
        else:
            out.append(raster)
    return out


def _kind(plan: Feature, features: list[Feature]) -> str:
    attributes = plan.attributes
    arts = _codes(attributes, "planArt")
    if plan.cls in ("BP_Plan", "FP_Plan") and not arts:
        similar = sorted(k for k in attributes if k.lower().startswith("planart"))
        raise GeoInputError(N_("The {plan_class} “{name}” has no planArt, which XPlanGML requires (found instead: "
                               "{found}); the file is not valid against the XPlanung schema."),
                            plan_class=plan.cls, name=_text(attributes, "name"), found=", ".join(similar) or "–")
    sperre = (attributes.get("veraenderungssperre") is True
              or any(k.startswith("veraenderungssperre.") or k.startswith("veraenderungssperreDatum")
                     for k in attributes))
    content = any(_is_content(f.cls) and not f.cls.startswith(_PRESENTATION_PREFIX) for f in features)
    gebietsarten = {code for f in features if f.cls == "SO_Gebiet" for code in _codes(f.attributes, "gebietsArt")}
    return status.kind(plan.cls, arts, gebietsarten=gebietsarten, has_sperre=sperre, has_content=content)


def read_plan(path: Path, workdir: Path, limits: Limits = Limits(), *, progress: Progress | None = None,
              crs: int | None = None) -> XPlan:
    """Read the plan of an XPlanGML file (``.gml``) or XPlanArchiv (``.zip``).

    Parameters
    ----------
    path : Path
        The file; a zip is checked (`geo.layers.archive.check_zip`) and
        extracted into `workdir` before anything inside it is read.
    workdir : Path
        An existing private folder the caller removes afterwards; referenced
        documents and rasters of an archive are returned as paths inside it.
    limits : Limits
        Upload size, zip and feature-count limits.
    progress : callable, optional
        ``progress(done, total)`` after each class of plan objects is built.
    crs : int, optional
        EPSG code to read all coordinates in, instead of the file's srsName
        (for a file whose CRS label is wrong, see `geo.layers.crs.implausible_error`).

    Returns
    -------
    XPlan
        Geometries in EPSG:4326; ``warnings`` lists what was skipped or repaired.

    Raises
    ------
    GeoInputError
        If the file is not XPlanGML, of an unsupported version, holds no plan
        or several, has no readable area of application, or is hostile.
    """
    if not isinstance(path, Path) or not isinstance(workdir, Path):
        raise TypeError("path and workdir must be pathlib.Path")
    if not isinstance(limits, Limits):
        raise TypeError("limits must be a Limits instance")
    if crs is not None and (isinstance(crs, bool) or not isinstance(crs, int)):
        raise TypeError("crs must be an EPSG code (int) or None")
    if path.stat().st_size > limits.max_upload_bytes:
        raise GeoInputError(N_("The file is {size} MB; at most {limit} MB are allowed."),
                            size=-(-path.stat().st_size // 2**20), limit=limits.max_upload_bytes // 2**20)
    root: Path | None = None
    gml = path
    if path.suffix.lower() == ".zip":
        root = extract_zip(path, workdir, limits)
        gml = _find_gml(root)
    elif path.suffix.lower() not in (".gml", ".xml"):
        raise GeoInputError(N_("An XPlanGML plan must be a .gml file or an XPlanArchiv (.zip), not “{suffix}”."),
                            suffix=path.suffix[:20] or path.name[:80])
    root_element(gml)  # refuses DOCTYPE/ENTITY before iterparse sees the file
    document = parse_document(gml, max_features=limits.max_features)
    warnings: list[XPlanWarning] = [XPlanWarning(N_("The element <{name}> is not part of XPlanung and was skipped."),
                                                 name=name) for name in sorted(set(document.skipped))]
    plan = _the_plan(document)
    if plan.geometry is None and plan.geometry_error is None:
        raise GeoInputError(N_("The {plan_class} “{name}” has no area of application (raeumlicherGeltungsbereich)."),
                            plan_class=plan.cls, name=_text(plan.attributes, "name"))
    source = _source_crs(plan, document, crs)
    reproject = _Reprojector(source, override=crs is not None)
    area = _area(plan, reproject, source)
    kind = _kind(plan, document.features)
    rechtsstand = _text(plan.attributes, "rechtsstand") or None
    legal_status = status.legal_status(plan.cls, rechtsstand)
    if rechtsstand and legal_status is None:
        warnings.append(XPlanWarning(N_("The legal status code {code} (rechtsstand) of the {plan_class} is not known; "
                                        "set the status by hand."), code=rechtsstand, plan_class=plan.cls))
    object_classes = _object_classes(document.features, reproject, warnings, progress)
    return XPlan(
        version=document.version, plan_class=plan.cls, gml_id=plan.gml_id, name=_text(plan.attributes, "name"),
        number=_text(plan.attributes, "nummer"),
        description=_text(plan.attributes, "beschreibung") or _text(plan.attributes, "erlaeuterung"),
        kind=kind, rechtsstand=rechtsstand, legal_status=legal_status, dates=status.plan_dates(plan.attributes),
        area=area, source_epsg=source.epsg, object_classes=object_classes, texts=_texts(document.features),
        references=_references(document.features, gml, root, warnings),
        rasters=_rasters(root, reproject.source(plan.srs_name).crs, warnings),
        warnings=warnings, attributes=dict(plan.attributes),
    )
