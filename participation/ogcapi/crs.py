"""The coordinate systems the OGC API serves (Part 2, CRS by reference): their URIs, and moving geometries
and boxes between them. Data are stored in longitude/latitude (CRS84)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geo.bbox import BBox

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/{code}"
#: EPSG codes served besides CRS84: WGS 84 in its own axis order (latitude first), ETRS89 / UTM 32N and 33N.
CODES = (4326, 25832, 25833)
SUPPORTED = (CRS84, *(EPSG.format(code=code) for code in CODES))


class UnknownCrs(ValueError):
    pass


def epsg_of(uri: str | None) -> int | None:
    """The EPSG code a CRS URI names; None for CRS84 (or no URI). UnknownCrs for any other."""
    if not uri or uri == CRS84:
        return None
    if uri not in SUPPORTED:
        raise UnknownCrs(uri)
    return int(uri.rsplit("/", 1)[1])


def uri_of(code: int | None) -> str:
    return CRS84 if code is None else EPSG.format(code=code)


@lru_cache(maxsize=8)
def _to(code: int) -> Transformer:
    return Transformer.from_crs("OGC:CRS84", f"EPSG:{code}", always_xy=True)


@lru_cache(maxsize=8)
def _from(code: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{code}", "OGC:CRS84", always_xy=True)


def to_crs(geometry: BaseGeometry, code: int | None) -> BaseGeometry:
    """A stored (CRS84) geometry in `code`, with that CRS's axis order: EPSG:4326 is latitude first."""
    if code is None:
        return geometry
    if code == 4326:
        return shapely.transform(geometry, lambda xy: xy[:, ::-1])
    transformer = _to(code)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def box_to_crs84(values: list[float], code: int | None) -> BBox:
    """A bbox parameter given in `code` (its axis order) as a CRS84 box."""
    if code is None:
        west, south, east, north = values
    elif code == 4326:
        south, west, north, east = values
    else:
        west, south, east, north = _from(code).transform_bounds(*values, densify_pts=21)
    return BBox(west, south, east, north)
