"""Points placed by residents on the map."""
from __future__ import annotations

import math

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import GeoInputError, N_


def parse_point(lon: object, lat: object) -> Point:
    """Return a validated point in EPSG:4326 from longitude and latitude.

    Raises
    ------
    GeoInputError
        If either value is not a finite number or lies out of range.
    """
    try:
        x, y = float(lon), float(lat)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise GeoInputError(N_("The position must be given as longitude and latitude.")) from None
    if isinstance(lon, bool) or isinstance(lat, bool) or not (math.isfinite(x) and math.isfinite(y)):
        raise GeoInputError(N_("The position must be given as longitude and latitude."))
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise GeoInputError(N_("The position lies outside the range of longitude and latitude."))
    return Point(x, y)


def point_in_area(point: Point, area: BaseGeometry | None) -> bool:
    """True if `point` lies inside `area` or on its boundary (no area: anywhere)."""
    if area is None or area.is_empty:
        return True
    return area.covers(point)
