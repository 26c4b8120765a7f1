"""Coordinate reference systems of uploads: AdV URNs, the user's choice, guesses."""
from __future__ import annotations

import math
import re
from pathlib import Path

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geo.errors import GeoInputError, N_

#: The CRSs a GIS team member is offered when a file names none.
#: The systems a GIS team may choose for a file that does not state one, with their names.
CRS_NAMES = {
    25832: "ETRS89 / UTM 32N", 25833: "ETRS89 / UTM 33N", 31466: "DHDN / Gauß-Krüger 2",
    31467: "DHDN / Gauß-Krüger 3", 31468: "DHDN / Gauß-Krüger 4", 31469: "DHDN / Gauß-Krüger 5",
    4326: "WGS 84 (lon/lat)",
}
CHOICES = tuple(CRS_NAMES)
#: lon/lat box of Germany with a margin: (west, south, east, north).
GERMANY = (4.0, 46.0, 17.0, 56.0)

# AdV (German surveying authorities) URNs used by XPlanGML and NAS, which GDAL
# does not resolve. A compound "…*DE_DHHN2016_NH" keeps only its horizontal part.
_ADV = {
    "ETRS89_UTM32": 25832, "ETRS89_UTM33": 25833,
    "ETRS89_LAT-LON": 4258, "ETRS89_LON-LAT": 4258, "ETRS89": 4258,
    "DE_DHDN_3GK2": 31466, "DE_DHDN_3GK3": 31467, "DE_DHDN_3GK4": 31468, "DE_DHDN_3GK5": 31469,
    "DE_DHDN_LAT-LON": 4314, "WGS84_LAT-LON": 4326, "WGS84_LON-LAT": 4326,
}
_ADV_URN = re.compile(r"urn:adv:crs:([A-Za-z0-9_\-]+)", re.IGNORECASE)
_SRS_NAME = re.compile(rb'srsName\s*=\s*["\']([^"\']{1,200})["\']')
# Projections that explain large coordinates, in the order a guess is offered.
_GUESSES = (25832, 25833, 31466, 31467, 31468, 31469, 4647, 5650, 4326)


def adv_epsg(srs_name: str) -> int | None:
    """Map an AdV CRS URN to an EPSG code.

    Parameters
    ----------
    srs_name : str
        E.g. ``"urn:adv:crs:ETRS89_UTM32"`` or ``"urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH"``.

    Returns
    -------
    int or None
        The EPSG code of the horizontal CRS, or None if it is not an AdV URN we know.
    """
    if not isinstance(srs_name, str):
        raise TypeError("srs_name must be a str")
    match = _ADV_URN.match(srs_name.strip())
    return _ADV.get(match.group(1).upper()) if match else None


def srs_name_in(path: Path, *, max_bytes: int = 4 * 1024 * 1024) -> str | None:
    """Return the first ``srsName`` attribute in the first `max_bytes` of an XML file."""
    overlap = b""
    read = 0
    with open(path, "rb") as handle:
        while read < max_bytes and (chunk := handle.read(256 * 1024)):
            read += len(chunk)
            match = _SRS_NAME.search(overlap + chunk)
            if match:
                return match.group(1).decode("utf-8", "replace")
            overlap = chunk[-300:]
    return None


def crs_from_user(value: object) -> CRS:
    """Parse the CRS a user chose, e.g. ``25832``, ``"EPSG:25832"``, a URN or WKT.

    Raises
    ------
    GeoInputError
        If the value is not a CRS pyproj knows.
    """
    if isinstance(value, CRS):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError("crs must be an EPSG code, a string or a pyproj.CRS")
    text = str(value).strip()
    epsg = adv_epsg(text) if isinstance(value, str) else None
    try:
        if epsg:
            return CRS.from_epsg(epsg)
        return CRS.from_epsg(int(text)) if text.isdigit() else CRS.from_user_input(text)
    except CRSError:
        raise GeoInputError(N_("The coordinate reference system “{crs}” is not known; give an EPSG code "
                               "such as EPSG:25832."), crs=text[:80]) from None


def _inside(bounds: tuple[float, float, float, float], area: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bounds
    return (all(math.isfinite(v) for v in bounds)
            and area[0] <= west <= east <= area[2] and area[1] <= south <= north <= area[3])


def to_lonlat(bounds: tuple[float, float, float, float], crs: CRS) -> tuple[float, float, float, float]:
    """Transform a bounding box to lon/lat (EPSG:4326, x = longitude)."""
    transformer = Transformer.from_crs(crs, 4326, always_xy=True)
    try:
        return tuple(transformer.transform_bounds(*bounds, densify_pts=5))
    except Exception:  # pyproj raises ProjError or returns inf for points far outside the projection
        return (math.inf,) * 4


def fitting_crs(bounds: tuple[float, float, float, float], area: tuple[float, float, float, float] = GERMANY,
                exclude: CRS | None = None) -> list[int]:
    """List the EPSG codes under which raw coordinates would land inside `area`.

    Parameters
    ----------
    bounds : tuple of float
        (minx, miny, maxx, maxy) of the data as stored in the file.
    area : tuple of float
        Plausible lon/lat box.
    exclude : pyproj.CRS, optional
        The CRS the file already claims; not offered again.

    Returns
    -------
    list of int
        EPSG codes, e.g. ``[31467]`` for Gauss-Krüger zone 3 eastings.
    """
    if len(bounds) != 4:
        raise ValueError("bounds must have four numbers")
    out = []
    for code in _GUESSES:
        crs = CRS.from_epsg(code)
        if exclude is not None and crs.equals(exclude, ignore_axis_order=True):
            continue
        if _inside(to_lonlat(bounds, crs), area):
            out.append(code)
    return out


def describe(codes: list[int]) -> str:
    """Format EPSG codes for a message, e.g. ``"EPSG:31467 (DHDN / 3-degree Gauss-Kruger zone 3)"``."""
    return ", ".join(f"EPSG:{code} ({CRS.from_epsg(code).name})" for code in codes)


def missing_crs_error(bounds: tuple[float, float, float, float], area: tuple[float, float, float, float],
                      *, prj_unreadable: bool = False) -> GeoInputError:
    """The error for a layer without a CRS, with a guess from its coordinates where one fits.

    `prj_unreadable` says the shapefile has a .prj that names no CRS (instead of none).
    """
    choices = ", ".join(f"EPSG:{c}" for c in CHOICES)
    guesses = fitting_crs(bounds, area)
    if prj_unreadable and guesses:
        return GeoInputError(N_("The shapefile's .prj file does not name a coordinate reference system that can be "
                                "read. Choose one of {choices}; the coordinates would fit {guess}."),
                             choices=choices, guess=describe(guesses), suggested=guesses)
    if prj_unreadable:
        return GeoInputError(N_("The shapefile's .prj file does not name a coordinate reference system that can be "
                                "read. Choose one of {choices}."), choices=choices, suggested=[])
    if guesses:
        return GeoInputError(N_("The file does not state its coordinate reference system (for a shapefile: the "
                                ".prj file is missing). Choose one of {choices}; the coordinates would fit {guess}."),
                             choices=choices, guess=describe(guesses), suggested=guesses)
    return GeoInputError(N_("The file does not state its coordinate reference system (for a shapefile: the .prj "
                            "file is missing). Choose one of {choices}."), choices=choices, suggested=[])


def implausible_error(bounds: tuple[float, float, float, float], crs: CRS,
                      lonlat: tuple[float, float, float, float], area: tuple[float, float, float, float]
                      ) -> GeoInputError:
    """Explain why data read as `crs` lands outside `area` and what probably fixes it."""
    extent = ", ".join("–" if not math.isfinite(v) else f"{v:.2f}" for v in lonlat)
    name = crs.name
    swapped = (bounds[1], bounds[0], bounds[3], bounds[2])
    if crs.is_geographic and _inside(swapped, area):
        return GeoInputError(N_("The data lies outside the plausible area (lon/lat extent {extent}): latitude "
                                "and longitude are swapped. Export it again with longitude first (x = east)."),
                             extent=extent, crs=name, suggested=[])
    guesses = fitting_crs(bounds, area, exclude=crs)
    if guesses:
        return GeoInputError(N_("The data lies outside the plausible area when read as {crs} (lon/lat extent "
                                "{extent}). Its coordinates would fit {guess}: the file's CRS label is probably "
                                "wrong. Choose the right CRS and import again."),
                             crs=name, extent=extent, guess=describe(guesses), suggested=guesses)
    if _inside(to_lonlat(swapped, crs), area):
        return GeoInputError(N_("The data lies outside the plausible area when read as {crs} (lon/lat extent "
                                "{extent}): its x and y axes are swapped. Export it again with easting first."),
                             crs=name, extent=extent, suggested=[])
    return GeoInputError(N_("The data lies outside the plausible area when read as {crs} (lon/lat extent "
                            "{extent}). Check the coordinate reference system and the coordinates."),
                         crs=name, extent=extent, suggested=[])


def crs_label(code: int) -> str:
    """``EPSG:25833 – ETRS89 / UTM 33N`` for a choice; just the code for any other system."""
    name = CRS_NAMES.get(code)
    return f"EPSG:{code} – {name}" if name else f"EPSG:{code}"
