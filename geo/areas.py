"""Project areas: polygons given as GeoJSON, drawn on the map or uploaded."""
from __future__ import annotations

import json
import math
import re

import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError
from shapely.errors import ShapelyError
from shapely.geometry import MultiPoint, MultiPolygon, Polygon, mapping, shape
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


# --- A town's boundary, and how an area or a layer lies in relation to it ------------------------

#: Most vertices a town's boundary keeps after simplifying: enough for a municipal outline at a few
#: metres' accuracy, few enough that every page check (covers, distance) stays in milliseconds.
BOUNDARY_MAX_VERTICES = 10_000
#: Most vertices of the features a boundary may be merged from (e.g. a municipal layer filtered
#: to one town); a whole federal state's municipalities must be filtered first.
BOUNDARY_SOURCE_MAX_VERTICES = 2_000_000
BOUNDARY_TIMEOUT_SECONDS = 30.0
#: First simplification step in degrees (about 1 m); doubled until the outline fits.
_SIMPLIFY_START = 1e-5
_SIMPLIFY_LIMIT = 0.01
#: Holes and parts below this size in square degrees (about 700 m² in Germany) are slivers
#: between neighbouring features of a merged layer, not part of a town's shape.
_SLIVER = 1e-7
_GEOD = Geod(ellps="WGS84")


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    """The polygons inside any geometry (collections of labels and shapes from KML included)."""
    if isinstance(geometry, Polygon):
        return [geometry]
    if hasattr(geometry, "geoms"):
        return [p for part in geometry.geoms for p in _polygons(part)]
    return []


def _without_slivers(area: BaseGeometry) -> MultiPolygon:
    polygons = [Polygon(p.exterior, [hole for hole in p.interiors if Polygon(hole).area >= _SLIVER])
                for p in _polygons(area) if p.area >= _SLIVER]
    return MultiPolygon(polygons)


def simplified_boundary(area: BaseGeometry, max_vertices: int = BOUNDARY_MAX_VERTICES) -> MultiPolygon:
    """A town outline from `area` (EPSG:4326): slivers dropped, simplified to at most `max_vertices`.

    The tolerance starts at about a metre and doubles until the outline fits
    (or reaches about a kilometre); the topology is kept, so no part
    collapses or crosses itself.

    Raises
    ------
    GeoInputError
        When nothing of a usable size is left.
    """
    cleaned = _without_slivers(area)
    if cleaned.is_empty:
        raise GeoInputError(N_("The area is empty."))
    tolerance = _SIMPLIFY_START
    outline = cleaned.simplify(tolerance, preserve_topology=True)
    while shapely.get_num_coordinates(outline) > max_vertices and tolerance < _SIMPLIFY_LIMIT:
        tolerance *= 2
        outline = cleaned.simplify(tolerance, preserve_topology=True)
    return _checked(outline)


def boundary_from_geometries(geometries: list[BaseGeometry], *, timeout: float | None = None) -> MultiPolygon:
    """A town's boundary as the union of the polygons among `geometries` (EPSG:4326), simplified.

    Points and lines are ignored (a KML placemark's label point, say). The
    vertex count is checked first; the union runs in a child process stopped
    after `timeout` seconds (default BOUNDARY_TIMEOUT_SECONDS).

    Raises
    ------
    GeoInputError
        When there are no polygons, too many vertices, or the union takes too long.
    """
    polygons = [p for g in geometries if g is not None for p in _polygons(g) if not p.is_empty]
    if not polygons:
        raise GeoInputError(N_("The chosen features contain no polygons to take a boundary from."))
    vertices = sum(shapely.get_num_coordinates(p) for p in polygons)
    if vertices > BOUNDARY_SOURCE_MAX_VERTICES:
        raise GeoInputError(N_("The chosen features have more than {limit} vertices; choose fewer of them, "
                               "e.g. by an attribute."), limit=BOUNDARY_SOURCE_MAX_VERTICES)
    return run_limited(_boundary, polygons, timeout=timeout or BOUNDARY_TIMEOUT_SECONDS,
                       memory_bytes=AREA_MEMORY_BYTES)


def _boundary(polygons: list[Polygon]) -> MultiPolygon:
    """The costly part of `boundary_from_geometries`: repair, merge, simplify."""
    merged = shapely.force_2d(unary_union([_repaired(p) for p in polygons]))
    return simplified_boundary(_checked(merged))


def _local_metres(centre: BaseGeometry) -> Transformer:
    """EPSG:4326 → an azimuthal equidistant projection in metres centred on `centre`: distances
    from the centre are true to scale anywhere on earth, and near it in every direction."""
    point = centre.centroid if not centre.is_empty else centre
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={point.y:.6f} +lon_0={point.x:.6f} +datum=WGS84 +units=m +no_defs")
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def _in_metres(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    return shapely.transform(geometry, transformer.transform, interleaved=False)


def area_km2(area: BaseGeometry) -> float:
    """The geodesic (WGS 84 ellipsoid) size of an EPSG:4326 area in square kilometres."""
    return abs(_GEOD.geometry_area_perimeter(area)[0]) / 1e6


def metres_beyond(area: BaseGeometry, boundary: BaseGeometry, tolerance_m: float = 0.0) -> float | None:
    """How far `area` reaches beyond `boundary` (both EPSG:4326) in metres, or None when `boundary`
    widened by `tolerance_m` covers it.

    The distance is the farthest point of the area's outside part (sampled
    along its edges), at least `tolerance_m`: close enough to tell a person
    by how much their outline misses.
    """
    to_metres = _local_metres(boundary)
    area_m, boundary_m = _in_metres(area, to_metres), _in_metres(boundary, to_metres)
    if boundary_m.buffer(tolerance_m, quad_segs=4).covers(area_m):
        return None
    outside = area_m.difference(boundary_m)
    minx, miny, maxx, maxy = outside.bounds
    step = max(tolerance_m / 2, max(maxx - minx, maxy - miny) / 2_000, 1.0)
    points = shapely.points(shapely.get_coordinates(shapely.segmentize(outside, step)))
    return float(max(shapely.distance(boundary_m, points).max(initial=0.0), tolerance_m))


def distance_km(extent: tuple[float, float, float, float], reference: BaseGeometry) -> float:
    """The shortest distance in kilometres between a bounding box (minx, miny, maxx, maxy in
    EPSG:4326, e.g. a layer's extent) and `reference` (EPSG:4326, e.g. a town's boundary); 0.0 when
    they touch."""
    minx, miny, maxx, maxy = extent
    box = MultiPoint([(minx, miny), (maxx, maxy)]).envelope  # a point or line when the extent is flat
    if box.intersects(reference):
        return 0.0
    to_metres = _local_metres(reference)
    return float(_in_metres(box, to_metres).distance(_in_metres(reference, to_metres))) / 1000
