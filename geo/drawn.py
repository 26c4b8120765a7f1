"""Places, ways and areas that people draw in answer to a map question.

Coordinates come from the browser (longitude, latitude in EPSG:4326) or from addresses the server looked
up. Nothing here knows of Flask; errors are `GeoInputError` with an English msgid.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

from geo.errors import N_, GeoInputError
from geo.hotspots import metric_crs_at

#: The most points one answer may have (a way or an area's corners, or places).
MOST_POINTS = 500
KINDS = ("points", "line", "area")


def parse_coordinates(pairs: object) -> list[tuple[float, float]]:
    """[[lon, lat], …] as sent by the browser, checked: numbers, on Earth, at most `MOST_POINTS`."""
    if not isinstance(pairs, list) or len(pairs) > MOST_POINTS:
        raise GeoInputError(N_("The places could not be read. Please mark them again."))
    result = []
    for pair in pairs:
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in pair)
                or not (-180 <= pair[0] <= 180 and -90 <= pair[1] <= 90)):
            raise GeoInputError(N_("The places could not be read. Please mark them again."))
        result.append((round(float(pair[0]), 7), round(float(pair[1]), 7)))
    return result


def drawn_geometry(kind: str, points: list[tuple[float, float]]) -> BaseGeometry:
    """The answer's geometry: a MultiPoint ("points"), a LineString ("line") or a Polygon ("area").

    A way needs two different points, an area three and edges that do not cross.
    """
    if kind == "points":
        return MultiPoint(points)
    unique = list(dict.fromkeys(points))
    if kind == "line":
        if len(unique) < 2:
            raise GeoInputError(N_("A way needs at least two different points."))
        return LineString(points)
    if kind == "area":
        if points and points[0] == points[-1]:
            points = points[:-1]
        if len(unique) < 3:
            raise GeoInputError(N_("An area needs at least three different corners."))
        polygon = Polygon(points)
        if not polygon.is_valid or polygon.area == 0:
            raise GeoInputError(N_("The edges of the area cross each other. Please draw it again."))
        return shapely.normalize(polygon)
    raise ValueError(f"unknown kind {kind!r}")


@lru_cache(maxsize=8)
def _to_metres(epsg: int) -> Transformer:
    """WGS 84 to a UTM zone; made once per zone (making one takes milliseconds)."""
    return Transformer.from_crs(4326, epsg, always_xy=True)


def measure(geometry: BaseGeometry) -> float:
    """Metres for a way, square metres for an area, the number of places for points (in the UTM zone of
    the geometry's middle, ETRS89)."""
    if geometry.geom_type == "MultiPoint":
        return float(len(geometry.geoms))
    to_metres = _to_metres(metric_crs_at(geometry.centroid.x))
    projected = shapely.transform(geometry, lambda xy: np.column_stack(to_metres.transform(xy[:, 0], xy[:, 1])))
    return float(projected.length if geometry.geom_type == "LineString" else projected.area)
