"""GML 3.1/3.2 geometries of XPlanGML as shapely geometries, in pure Python.

XPlanGML uses a small set of GML geometry elements: points, line strings,
curves made of line and arc segments, polygons with rings of curves, and
their multi- and composite forms. Reading them here (instead of through
GDAL's GML driver, which guesses one geometry per class without the
XPlanung schema) keeps every property of a feature together and cannot
crash the process. Arcs are stroked into line segments of at most
`ARC_STEP_DEGREES`, as GDAL does.
"""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from geo.errors import GeoInputError, N_
from geo.layers.crs import adv_epsg

GML_NAMESPACES = ("http://www.opengis.net/gml", "http://www.opengis.net/gml/3.2")
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
#: Largest angle one stroked segment of an arc spans (GDAL's OGR_ARC_STEPSIZE default).
ARC_STEP_DEGREES = 4.0
_EPSG_IN_NAME = re.compile(r"(?:EPSG(?::|::|/0/|\.xml#)|epsg\.xml#)(\d{4,6})\s*$", re.IGNORECASE)


def local(tag: str) -> str:
    """The local name of an ElementTree tag (``{ns}name`` → ``name``)."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    """The namespace of an ElementTree tag, or ``""``."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def is_gml(element: ET.Element) -> bool:
    """True for an element in one of the GML namespaces."""
    return namespace(element.tag) in GML_NAMESPACES


@dataclass(frozen=True)
class SourceCrs:
    """A coordinate reference system named by an ``srsName``, with its axis order."""

    epsg: int
    #: True when the file's coordinates are latitude first (geographic CRS named as URN or URL).
    lat_first: bool = False

    @property
    def crs(self) -> CRS:
        return CRS.from_epsg(self.epsg)


def parse_srs_name(srs_name: str) -> SourceCrs:
    """Map an ``srsName`` (``EPSG:25832``, OGC URN or URL, AdV URN) to an EPSG code.

    Raises
    ------
    GeoInputError
        If the name is not a coordinate reference system we can identify.
    """
    text = srs_name.strip()
    epsg = adv_epsg(text)
    if epsg is not None:
        return SourceCrs(epsg, lat_first="LAT-LON" in text.upper())
    match = _EPSG_IN_NAME.search(text)
    try:
        crs = CRS.from_epsg(int(match.group(1))) if match else CRS.from_user_input(text)
        epsg = crs.to_epsg()
    except CRSError:
        epsg = None
    if epsg is None:
        raise GeoInputError(N_("The coordinate reference system “{srs}” named in the XPlanGML file is not known; "
                               "export the plan with an EPSG code such as EPSG:25832."), srs=text[:120])
    # URN and URL forms follow the EPSG axis order (latitude first for geographic systems);
    # the short "EPSG:4326" form is read longitude first, as GDAL does.
    lat_first = CRS.from_epsg(epsg).is_geographic and not text.upper().startswith("EPSG:")
    return SourceCrs(epsg, lat_first=lat_first)


class GeometryError(Exception):
    """A geometry that cannot be read; the caller names the feature it belongs to."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class GeometryReader:
    """Reads GML geometry elements; remembers the ``srsName`` it met and rings in the wrong direction.

    Coordinates are kept as written (x, y in the file's axis order is fixed
    by `swap` when the CRS is latitude first).
    """

    swap: bool = False
    srs_names: set[str] = field(default_factory=set)
    wrong_orientation: int = 0

    # -- coordinates -------------------------------------------------------------------------------------------

    def _numbers(self, text: str | None) -> list[float]:
        try:
            values = [float(v) for v in (text or "").split()]
        except ValueError:
            raise GeometryError("a coordinate is not a number") from None
        if not all(math.isfinite(v) for v in values):
            raise GeometryError("a coordinate is not a finite number")
        return values

    def _dimension(self, element: ET.Element, inherited: int) -> int:
        value = element.get("srsDimension") or element.get("dimension")
        if value is None:
            return inherited
        if value not in ("2", "3"):
            raise GeometryError(f"srsDimension {value[:10]} is not 2 or 3")
        return int(value)

    def _pairs(self, values: list[float], dim: int, declared: str | None) -> list[tuple[float, float]]:
        if len(values) % dim:
            raise GeometryError(f"{len(values)} numbers do not form positions of {dim} coordinates")
        points = [(values[i], values[i + 1]) for i in range(0, len(values), dim)]
        if declared is not None and declared.strip().isdigit() and int(declared) != len(points):
            raise GeometryError(f"the posList declares {int(declared)} positions but holds {len(points)} "
                                "(it is probably truncated)")
        return [(y, x) for x, y in points] if self.swap else points

    def _positions(self, element: ET.Element, dim: int) -> list[tuple[float, float]]:
        """Positions of a LineString, LinearRing, segment or Point: posList, pos*, coordinates or pointProperty."""
        dim = self._dimension(element, dim)
        points: list[tuple[float, float]] = []
        for child in element:
            name = local(child.tag)
            if name == "posList":
                points += self._pairs(self._numbers(child.text), self._dimension(child, dim), child.get("count"))
            elif name == "pos":
                points += self._pairs(self._numbers(child.text), self._dimension(child, dim), None)
            elif name == "coordinates":
                text = (child.text or "").replace(child.get("cs", ","), " ")
                points += self._pairs(self._numbers(text), dim, None)
            elif name in ("pointProperty", "pointRep") and len(child):
                points += self._positions(child[0], dim)
        return points

    # -- lines ---------------------------------------------------------------------------------------------------

    def _curve_points(self, element: ET.Element, dim: int) -> list[tuple[float, float]]:
        """The stroked positions of any one-dimensional GML element."""
        self._note_srs(element)
        dim = self._dimension(element, dim)
        name = local(element.tag)
        if name in ("LineString", "LinearRing", "LineStringSegment"):
            return self._positions(element, dim)
        if name in ("Arc", "ArcString", "Circle"):
            return _stroke_arcs(self._positions(element, dim), closed=name == "Circle")
        if name in ("ArcByCenterPoint", "CircleByCenterPoint"):
            return self._arc_by_center(element, dim, full=name == "CircleByCenterPoint")
        if name == "Curve":
            points: list[tuple[float, float]] = []
            for segments in element:
                if local(segments.tag) == "segments":
                    for segment in segments:
                        points = _join(points, self._curve_points(segment, dim))
            return points
        if name in ("CompositeCurve", "Ring"):
            points = []
            for member in element:
                if local(member.tag) == "curveMember" and len(member):
                    points = _join(points, self._curve_points(member[0], dim))
            return points
        if name == "OrientableCurve":
            for base in element:
                if local(base.tag) in ("baseCurve",) and len(base):
                    points = self._curve_points(base[0], dim)
                    return points[::-1] if element.get("orientation") == "-" else points
        raise GeometryError(f"<{name}> is not a supported line geometry")

    def _arc_by_center(self, element: ET.Element, dim: int, *, full: bool) -> list[tuple[float, float]]:
        center = self._positions(element, dim)
        radius = start = end = None
        for child in element:
            name = local(child.tag)
            value = self._numbers(child.text)[:1]
            if name == "radius" and value:
                radius = value[0]
            elif name == "startAngle" and value:
                start = value[0]
            elif name == "endAngle" and value:
                end = value[0]
        if len(center) != 1 or radius is None or radius <= 0:
            raise GeometryError("an arc by centre point has no centre or radius")
        start = 0.0 if full or start is None else start
        end = 360.0 if full or end is None else end
        return _arc_points(center[0], radius, math.radians(start), math.radians(end))

    # -- surfaces ------------------------------------------------------------------------------------------------

    def _ring(self, element: ET.Element, dim: int) -> list[tuple[float, float]]:
        points = self._curve_points(element, dim)
        if len(points) >= 3 and points[0] != points[-1]:
            points.append(points[0])
        if len(points) < 4:
            raise GeometryError(f"a ring has only {len(points)} positions (at least 4 are needed)")
        return points

    def _polygon(self, element: ET.Element, dim: int) -> shapely.Polygon:
        self._note_srs(element)
        dim = self._dimension(element, dim)
        shell = None
        holes = []
        for boundary in element:
            name = local(boundary.tag)
            if name in ("exterior", "outerBoundaryIs") and len(boundary):
                shell = self._ring(boundary[0], dim)
            elif name in ("interior", "innerBoundaryIs") and len(boundary):
                holes.append(self._ring(boundary[0], dim))
        if shell is None:
            raise GeometryError("a polygon has no exterior ring")
        polygon = shapely.Polygon(shell, holes)
        # GML (and XPlanung) draw exterior rings counter-clockwise and interior rings clockwise.
        if not shapely.LinearRing(shell).is_ccw or any(shapely.LinearRing(h).is_ccw for h in holes):
            self.wrong_orientation += 1
        return polygon

    def _polygons(self, element: ET.Element, dim: int) -> list[shapely.Polygon]:
        name = local(element.tag)
        if name in ("Polygon", "PolygonPatch", "Rectangle"):
            return [self._polygon(element, dim)]
        self._note_srs(element)
        dim = self._dimension(element, dim)
        out: list[shapely.Polygon] = []
        for child in element:
            child_name = local(child.tag)
            if child_name in ("surfaceMember", "polygonMember", "patches", "surfaceMembers", "polygonPatches",
                              "baseSurface"):
                for member in child:
                    out += self._polygons(member, dim)
        if name not in ("MultiSurface", "MultiPolygon", "CompositeSurface", "Surface", "OrientableSurface",
                        "PolyhedralSurface"):
            raise GeometryError(f"<{name}> is not a supported surface geometry")
        return out

    # -- any geometry --------------------------------------------------------------------------------------------

    def read(self, element: ET.Element, dim: int = 2) -> BaseGeometry:
        """Convert one GML geometry element to a shapely geometry.

        Raises
        ------
        GeometryError
            With a short English reason the caller puts into a GeoInputError or warning.
        """
        self._note_srs(element)
        dim = self._dimension(element, dim)
        name = local(element.tag)
        if name == "Point":
            points = self._positions(element, dim)
            if len(points) != 1:
                raise GeometryError("a point has no position")
            return shapely.Point(points[0])
        if name in ("LineString", "Curve", "CompositeCurve", "OrientableCurve", "ArcString", "Arc"):
            points = self._curve_points(element, dim)
            if len(points) < 2:
                raise GeometryError("a line has fewer than 2 positions")
            return shapely.LineString(points)
        if name in ("Polygon", "Surface", "CompositeSurface", "MultiSurface", "MultiPolygon", "OrientableSurface",
                    "PolyhedralSurface"):
            polygons = self._polygons(element, dim)
            if not polygons:
                raise GeometryError(f"<{name}> holds no polygon")
            return polygons[0] if name == "Polygon" else shapely.MultiPolygon(polygons)
        if name in ("MultiCurve", "MultiLineString"):
            lines = [self.read(child, dim) for holder in element
                     if local(holder.tag) in ("curveMember", "lineStringMember", "curveMembers")
                     for child in holder]
            parts = [line for line in shapely.get_parts(lines) if not line.is_empty]
            if not parts:
                raise GeometryError(f"<{name}> holds no line")
            return shapely.MultiLineString(parts)
        if name == "MultiPoint":
            points = [self.read(child, dim) for holder in element
                      if local(holder.tag) in ("pointMember", "pointMembers") for child in holder]
            if not points:
                raise GeometryError("<MultiPoint> holds no point")
            return shapely.MultiPoint(points)
        if name in ("MultiGeometry", "GeometryCollection"):
            parts = [self.read(child, dim) for holder in element
                     if local(holder.tag) in ("geometryMember", "geometryMembers") for child in holder]
            if not parts:
                raise GeometryError(f"<{name}> holds no geometry")
            return shapely.GeometryCollection(parts)
        raise GeometryError(f"<{name}> is not a supported GML geometry")

    def _note_srs(self, element: ET.Element) -> None:
        srs = element.get("srsName")
        if srs:
            self.srs_names.add(srs.strip())


def _join(points: list[tuple[float, float]], more: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Append a segment's positions, dropping the repeated joint."""
    if points and more and points[-1] == more[0]:
        return points + more[1:]
    return points + more


def _circle(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
            ) -> tuple[tuple[float, float], float] | None:
    """Centre and radius of the circle through three points, None when they are collinear."""
    (ax, ay), (bx, by), (cx, cy) = a, b, c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    scale = max(abs(ax - bx), abs(ay - by), abs(bx - cx), abs(by - cy), 1e-12)
    if abs(d) < 1e-12 * scale * scale:
        return None
    ux = ((ax * ax + ay * ay) * (by - cy) + (bx * bx + by * by) * (cy - ay) + (cx * cx + cy * cy) * (ay - by)) / d
    uy = ((ax * ax + ay * ay) * (cx - bx) + (bx * bx + by * by) * (ax - cx) + (cx * cx + cy * cy) * (bx - ax)) / d
    return (ux, uy), math.hypot(ax - ux, ay - uy)


def _arc_points(center: tuple[float, float], radius: float, start: float, end: float
                ) -> list[tuple[float, float]]:
    steps = max(2, math.ceil(abs(end - start) / math.radians(ARC_STEP_DEGREES)))
    return [(center[0] + radius * math.cos(start + (end - start) * i / steps),
             center[1] + radius * math.sin(start + (end - start) * i / steps)) for i in range(steps + 1)]


def _stroke_arc(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], *, closed: bool = False
                ) -> list[tuple[float, float]]:
    """Positions along the arc from `a` through `b` to `c` (a full circle when `closed`)."""
    circle = _circle(a, b, c)
    if circle is None:  # collinear: the arc is a straight line
        return [a, b, c]
    (ux, uy), radius = circle
    start, middle, end = (math.atan2(p[1] - uy, p[0] - ux) for p in (a, b, c))
    if closed:
        return _arc_points((ux, uy), radius, start, start + 2 * math.pi)
    # The sweep from start to end that passes the middle point decides the direction.
    ccw_end = (end - start) % (2 * math.pi)
    ccw_middle = (middle - start) % (2 * math.pi)
    sweep = ccw_end if ccw_middle <= ccw_end else ccw_end - 2 * math.pi
    points = _arc_points((ux, uy), radius, start, start + sweep)
    points[0], points[-1] = a, c  # exact end points, so joined segments meet
    return points


def _stroke_arcs(points: list[tuple[float, float]], *, closed: bool) -> list[tuple[float, float]]:
    """Stroke an Arc/ArcString (3, 5, 7 … positions) or a Circle (3 positions)."""
    if len(points) < 3 or len(points) % 2 == 0:
        raise GeometryError(f"an arc has {len(points)} positions (it needs an odd number, at least 3)")
    out: list[tuple[float, float]] = []
    for i in range(0, len(points) - 2, 2):
        out = _join(out, _stroke_arc(points[i], points[i + 1], points[i + 2], closed=closed))
    return out
