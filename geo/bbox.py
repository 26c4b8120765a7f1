"""Bounding boxes in EPSG:4326 as Leaflet sends them."""
from __future__ import annotations

import math
from dataclasses import dataclass

from geo.errors import GeoInputError, N_


@dataclass(frozen=True)
class BBox:
    """A west/south/east/north box in degrees (EPSG:4326)."""

    west: float
    south: float
    east: float
    north: float


def parse_bbox(text: str | None) -> BBox:
    """Parse ``"west,south,east,north"`` in degrees.

    Parameters
    ----------
    text : str
        Four comma-separated numbers, as `L.LatLngBounds.toBBoxString()` gives.

    Returns
    -------
    BBox

    Raises
    ------
    GeoInputError
        If the text is missing, not four finite numbers, out of range, or
        west > east / south > north.
    """
    if not text:
        raise GeoInputError(N_("The bbox parameter is missing."))
    parts = text.split(",")
    if len(parts) != 4:
        raise GeoInputError(N_("The bbox must be four numbers: west,south,east,north."))
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise GeoInputError(N_("The bbox must be four numbers: west,south,east,north.")) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise GeoInputError(N_("The bbox must be four numbers: west,south,east,north."))
    # Leaflet may report a view wider than the world; clamp it rather than refuse.
    west, east = max(west, -180.0), min(east, 180.0)
    if not (-90 <= south <= 90 and -90 <= north <= 90) or west > 180 or east < -180:
        raise GeoInputError(N_("The bbox lies outside the range of longitude and latitude."))
    if west > east or south > north:
        raise GeoInputError(N_("The bbox must have west ≤ east and south ≤ north."))
    return BBox(west, south, east, north)
