"""Georeferenced plan images of an XPlanArchiv: size and bounds from the file headers.

Only the headers are read, in pure Python (PNG IHDR, JPEG SOF, the TIFF
directory with its GeoTIFF tags), so a hostile image costs nothing to
inspect. The georeference comes from a world file beside the image
(``.pgw``, ``.jgw``, ``.tfw``, ``.wld`` …) in the plan's CRS, or from the
GeoTIFF tags (their EPSG code when they name one, else the plan's CRS).
"""
from __future__ import annotations

import math
import struct
from pathlib import Path

from pyproj import CRS, Transformer

from geo.xplan.model import Raster

RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_WORLD_SUFFIXES = {".png": (".pgw", ".pngw"), ".jpg": (".jgw", ".jpgw"), ".jpeg": (".jgw", ".jpgw"),
                   ".tif": (".tfw", ".tifw"), ".tiff": (".tfw", ".tiffw")}
_MAX_HEADER = 1024 * 1024
# GeoTIFF tags and keys
_PIXEL_SCALE, _TIEPOINT, _TRANSFORMATION, _GEOKEYS = 33550, 33922, 34264, 34735
_PROJECTED_CRS_KEY, _GEOGRAPHIC_CRS_KEY = 3072, 2048


class RasterError(Exception):
    """An image whose header or georeference cannot be read."""


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels from a PNG, JPEG or TIFF header.

    Raises
    ------
    RasterError
        If the header is not one of those formats or is damaged.
    """
    with open(path, "rb") as handle:
        head = handle.read(_MAX_HEADER)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        tags = _tiff_tags(path)
        try:
            return int(tags[256][0]), int(tags[257][0])
        except (KeyError, IndexError, TypeError, ValueError):
            raise RasterError("the TIFF has no image size") from None
    raise RasterError("not a PNG, JPEG or TIFF image")


def _jpeg_size(head: bytes) -> tuple[int, int]:
    i = 2
    while i + 9 < len(head):
        if head[i] != 0xFF:
            raise RasterError("damaged JPEG header")
        marker = head[i + 1]
        length = struct.unpack(">H", head[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", head[i + 5:i + 9])
            return width, height
        i += 2 + length
    raise RasterError("the JPEG header has no image size")


_TIFF_TYPES = {1: ("B", 1), 2: ("c", 1), 3: ("H", 2), 4: ("I", 4), 5: ("II", 8), 7: ("B", 1), 11: ("f", 4),
               12: ("d", 8), 16: ("Q", 8)}


def _tiff_tags(path: Path) -> dict[int, tuple]:
    """The first image directory's numeric tags of a TIFF or BigTIFF file."""
    with open(path, "rb") as handle:
        data = handle.read(16)
        order = "<" if data[:2] == b"II" else ">"
        big = struct.unpack(order + "H", data[2:4])[0] == 43
        offset = struct.unpack(order + ("Q" if big else "I"), data[8:16] if big else data[4:8])[0]
        handle.seek(offset)
        count_size, entry_size = (8, 20) if big else (2, 12)
        raw = handle.read(count_size)
        if len(raw) != count_size:
            raise RasterError("damaged TIFF directory")
        count = struct.unpack(order + ("Q" if big else "H"), raw)[0]
        if count > 4096:
            raise RasterError("implausible TIFF directory")
        entries = handle.read(count * entry_size)
        tags: dict[int, tuple] = {}
        for n in range(count):
            entry = entries[n * entry_size:(n + 1) * entry_size]
            if len(entry) != entry_size:
                raise RasterError("damaged TIFF directory")
            if big:
                tag, kind, number = struct.unpack(order + "HHQ", entry[:12])
                inline, value_bytes = 8, entry[12:20]
            else:
                tag, kind, number = struct.unpack(order + "HHI", entry[:8])
                inline, value_bytes = 4, entry[8:12]
            if kind not in _TIFF_TYPES or kind == 2 or number > 100_000:
                continue
            code, size = _TIFF_TYPES[kind]
            total = size * number
            if total > inline:
                pointer = struct.unpack(order + ("Q" if big else "I"), value_bytes[:inline])[0]
                position = handle.tell()
                handle.seek(pointer)
                value_bytes = handle.read(total)
                handle.seek(position)
                if len(value_bytes) != total:
                    raise RasterError("damaged TIFF tag")
            values = struct.unpack(order + code * number, value_bytes[:total])
            tags[tag] = values
    return tags


def _world_file(image: Path) -> Path | None:
    suffixes = _WORLD_SUFFIXES.get(image.suffix.lower(), ()) + (".wld",)
    siblings = {p.name.lower(): p for p in image.parent.iterdir() if p.is_file()}
    for suffix in suffixes:
        found = siblings.get((image.stem + suffix).lower()) or siblings.get((image.name + suffix).lower())
        if found:
            return found
    return None


def _read_world_file(path: Path) -> tuple[float, float, float, float, float, float]:
    """(A, D, B, E, C, F) of a world file: x = A·col + B·row + C, y = D·col + E·row + F (pixel centres)."""
    with open(path, "rb") as handle:
        text = handle.read(4096).decode("ascii", "replace")
    try:
        values = tuple(float(v) for v in text.split()[:6])
    except ValueError:
        raise RasterError("the world file does not hold six numbers") from None
    if len(values) != 6 or not all(math.isfinite(v) for v in values) or values[0] == 0 or values[3] == 0:
        raise RasterError("the world file does not hold six numbers")
    return values  # type: ignore[return-value]


def _geotiff(path: Path) -> tuple[tuple[float, float, float, float, float, float], int | None] | None:
    """World-file parameters and EPSG code from GeoTIFF tags, None when the TIFF has none."""
    tags = _tiff_tags(path)
    epsg = None
    keys = tags.get(_GEOKEYS)
    if keys and len(keys) >= 4:
        for i in range(4, min(len(keys), 4 + 4 * keys[3]), 4):
            key, location, _count, value = keys[i:i + 4]
            if key in (_PROJECTED_CRS_KEY, _GEOGRAPHIC_CRS_KEY) and location == 0 and 1024 <= value < 32767:
                epsg = value
    if _TRANSFORMATION in tags and len(tags[_TRANSFORMATION]) >= 8:
        m = tags[_TRANSFORMATION]
        a, b, c, d, e, f = m[0], m[1], m[3], m[4], m[5], m[7]
        return (a, d, b, e, c + (a + b) / 2, f + (d + e) / 2), epsg
    if _PIXEL_SCALE in tags and _TIEPOINT in tags and len(tags[_TIEPOINT]) >= 6:
        sx, sy = tags[_PIXEL_SCALE][:2]
        i, j, _k, x, y, _z = tags[_TIEPOINT][:6]
        left, top = x - i * sx, y + j * sy
        return (sx, 0.0, 0.0, -sy, left + sx / 2, top - sy / 2), epsg
    return None


def georeference(path: Path, plan_crs: CRS) -> Raster | None:
    """Bounds in EPSG:4326 of a plan image, or None if it has no georeference.

    Raises
    ------
    RasterError
        If the image or its world file is damaged.
    """
    width, height = image_size(path)
    if not (0 < width <= 1_000_000 and 0 < height <= 1_000_000):
        raise RasterError("implausible image size")
    world = _world_file(path)
    crs = plan_crs
    if world is not None:
        params, source = _read_world_file(world), "world file"
    elif path.suffix.lower() in (".tif", ".tiff") and (found := _geotiff(path)) is not None:
        params, epsg = found
        source = "GeoTIFF"
        if epsg is not None:
            crs = CRS.from_epsg(epsg)
    else:
        return None
    a, d, b, e, c, f = params
    corners = [(a * col + b * row + c, d * col + e * row + f)
               for col in (-0.5, width - 0.5) for row in (-0.5, height - 0.5)]
    xs, ys = zip(*corners)
    transformer = Transformer.from_crs(crs, 4326, always_xy=True)
    bounds = transformer.transform_bounds(min(xs), min(ys), max(xs), max(ys), densify_pts=5)
    if not all(math.isfinite(v) for v in bounds):
        raise RasterError("the georeference lies outside the coordinate reference system")
    return Raster(path=path, bounds=tuple(bounds), georeference=source, width=width, height=height)
