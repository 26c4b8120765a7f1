"""Project areas: polygons given as GeoJSON, drawn on the map or uploaded."""
from __future__ import annotations

import json
import math
import re

import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.errors import ShapelyError
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from geo.errors import GeoInputError, N_
from geo.layers.sandbox import run_limited

#: Most vertices an area may have; a project area is a drawn outline, not a cadastre.
#: Checked before any repair: repairing costs far more than the vertex count suggests.
MAX_VERTICES = 50_000
#: Repairing, merging and reprojecting run in a child process stopped after this many seconds:
#: make_valid of a self-intersecting star polygon grows with the cube of its vertices (measured:
#: 51 vertices 0.7 s, 101 vertices 6 s, 201 about a minute).
AREA_TIMEOUT_SECONDS = 5.0
AREA_MEMORY_BYTES = 1024 * 2**20
#: A single valid polygon up to this size in EPSG:4326 (an outline drawn on the map) needs no child
#: process; its validity check is cheap (a 10 000-vertex star: 0.12 s, a valid ring: 0.1 ms).
_IN_PROCESS_VERTICES = 10_000
_EPSG = re.compile(r"EPSG:{1,2}(\d+)$", re.IGNORECASE)
_WGS84 = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326"}


def _declared_crs(document: dict) -> CRS | None:
    """The CRS named by a legacy GeoJSON ``crs`` member, or None for WGS 84."""
    member = document.get("crs")
    if not member:
        return None
    try:
        name = member["properties"]["name"]
    except (TypeError, KeyError):
        name = None
    if not isinstance(name, str):
        raise GeoInputError(N_("The file names a coordinate reference system in a form that is not understood."))
    if name in _WGS84:
        return None
    match = _EPSG.search(str(name))
    try:
        return CRS.from_epsg(int(match.group(1))) if match else CRS.from_user_input(name)
    except CRSError:
        raise GeoInputError(N_("The coordinate reference system {crs} is not known."), crs=name[:80]) from None


def _geometries(document: object) -> list[BaseGeometry]:
    if not isinstance(document, dict):
        raise GeoInputError(N_("The file is not valid GeoJSON."))
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features") or []
        if not isinstance(features, list):
            raise GeoInputError(N_("The file is not valid GeoJSON."))
        return [g for f in features for g in _geometries(f)]
    if kind == "Feature":
        geometry = document.get("geometry")
        return _geometries(geometry) if geometry else []
    try:
        return [shape(document)]
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, ShapelyError):
        raise GeoInputError(N_("The file is not valid GeoJSON.")) from None


def _finite(text: str) -> float:
    # NaN, Infinity and 1e999 are not JSON numbers; shapely would warn and GEOS fail on them.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _reject_constant(name: str) -> float:
    raise ValueError(name)


def _repaired(geometry: BaseGeometry) -> BaseGeometry:
    """The polygonal part of `geometry`, made valid (a union of invalid parts fails in GEOS)."""
    if geometry.is_valid:
        return geometry
    fixed = shapely.make_valid(geometry)
    polygons = [g for g in getattr(fixed, "geoms", [fixed]) if isinstance(g, (Polygon, MultiPolygon))]
    return unary_union(polygons) if polygons else Polygon()


def parse_area(data: str | bytes, *, timeout: float | None = None) -> MultiPolygon:
    """Read a project area from GeoJSON text.

    Accepts a Polygon or MultiPolygon geometry, a Feature or a
    FeatureCollection of them (merged into one area). A legacy ``crs`` member
    (e.g. EPSG:25832/25833 from a GIS export) is honoured and the area
    reprojected; coordinates are returned in EPSG:4326 without Z.

    The vertex count is checked first; repairing, merging and reprojecting
    run in a child process stopped after `timeout` seconds (default
    AREA_TIMEOUT_SECONDS), unless the input is one small valid polygon in
    EPSG:4326.

    Raises
    ------
    GeoInputError
        For anything that is not a usable, non-empty polygon area.
    """
    try:
        document = json.loads(data, parse_float=_finite, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise GeoInputError(N_("The file is not valid GeoJSON.")) from None
    if not isinstance(document, dict):
        raise GeoInputError(N_("The file is not valid GeoJSON."))
    source_crs = _declared_crs(document)
    geometries = [g for g in _geometries(document) if not g.is_empty]
    if not geometries:
        raise GeoInputError(N_("The file contains no area."))
    if any(not isinstance(g, (Polygon, MultiPolygon)) for g in geometries):
        raise GeoInputError(N_("A project area must consist of polygons; the file contains other geometry types."))
    vertices = sum(shapely.get_num_coordinates(g) for g in geometries)
    if vertices > MAX_VERTICES:
        raise GeoInputError(N_("The area has more than {limit} vertices; please simplify it."), limit=MAX_VERTICES)
    if source_crs is None and len(geometries) == 1 and vertices <= _IN_PROCESS_VERTICES and geometries[0].is_valid:
        return _area(geometries, None)
    return run_limited(_area, geometries, source_crs, timeout=timeout or AREA_TIMEOUT_SECONDS,
                       memory_bytes=AREA_MEMORY_BYTES)


def _area(geometries: list[BaseGeometry], source_crs: CRS | None) -> MultiPolygon:
    """The geometries repaired, merged and in EPSG:4326: the costly part of `parse_area`."""
    area = shapely.force_2d(unary_union([_repaired(g) for g in geometries]))
    if source_crs is not None:
        to_wgs84 = Transformer.from_crs(source_crs, "EPSG:4326", always_xy=True)
        # shapely.ops.transform is deprecated (a warning, an error under pytest).
        area = shapely.transform(area, to_wgs84.transform, interleaved=False)
    return _checked(area)


def _checked(area: BaseGeometry) -> MultiPolygon:
    if area.is_empty:  # a degenerate polygon repaired to nothing has no bounds to check
        raise GeoInputError(N_("The area is empty."))
    minx, miny, maxx, maxy = area.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeoInputError(N_(
            "The coordinates are not longitude/latitude (EPSG:4326). "
            "Export the area in EPSG:4326 or name its coordinate reference system in the file."
        ))
    if not area.is_valid:
        area = shapely.make_valid(area)
        polygons = [g for g in getattr(area, "geoms", [area]) if isinstance(g, (Polygon, MultiPolygon))]
        area = unary_union(polygons) if polygons else Polygon()
    if area.is_empty or area.area == 0:
        raise GeoInputError(N_("The area is empty."))
    return area if isinstance(area, MultiPolygon) else MultiPolygon([area])


def area_to_geojson(area: BaseGeometry) -> dict:
    """The area as a GeoJSON geometry mapping."""
    return mapping(area)
