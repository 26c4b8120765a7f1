"""Web-Mercator tiles (z/x/y, EPSG:3857) and Mapbox Vector Tiles.

Tiles are numbered as Leaflet and OpenStreetMap number them: x from west to
east and y from north to south, ``2**z`` of each at zoom `z`. Geometries come
in EPSG:4326 and are transformed here, in closed form (the sphere of
EPSG:3857), to the tile's integer grid of ``extent`` units, y pointing down.
"""
from __future__ import annotations

import json
import math
from numbers import Integral, Real
from typing import Iterable, Mapping, Sequence

import mapbox_vector_tile
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.bbox import BBox

#: The deepest zoom served; Leaflet maps here stop at 19, so 22 is headroom.
MAX_ZOOM = 22
EARTH_RADIUS = 6378137.0
#: Half the width of the EPSG:3857 square, in metres.
ORIGIN_SHIFT = math.pi * EARTH_RADIUS
#: The latitude at which EPSG:3857 is square; beyond it nothing is drawn.
MAX_LATITUDE = math.degrees(2 * math.atan(math.exp(math.pi)) - math.pi / 2)
DEFAULT_EXTENT = 4096
DEFAULT_BUFFER = 64
#: A screen tile is 256 pixels wide, whatever the extent of its grid.
TILE_PIXELS = 256
#: MVT stores integers as int64; anything larger is sent as text.
_INT64 = (-(2**63), 2**63 - 1)


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def is_valid_tile(z: object, x: object, y: object) -> bool:
    """Whether z/x/y names a tile: whole numbers, ``0 <= z <= MAX_ZOOM``, x and y in ``[0, 2**z)``."""
    if not (_is_int(z) and _is_int(x) and _is_int(y)):
        return False
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def check_tile(z: int, x: int, y: int) -> None:
    """Raise unless z/x/y names a tile.

    Raises
    ------
    TypeError
        If z, x or y is not a whole number (bools are refused too).
    ValueError
        If z is outside ``0 … MAX_ZOOM`` or x, y outside ``0 … 2**z - 1``.
    """
    if not (_is_int(z) and _is_int(x) and _is_int(y)):
        raise TypeError(f"tile numbers must be integers, got {z!r}/{x!r}/{y!r}")
    if not is_valid_tile(z, x, y):
        raise ValueError(f"no such tile: {z}/{x}/{y} (zoom 0 … {MAX_ZOOM}, x and y 0 … 2**zoom - 1)")


def _check_grid(extent: object, buffer: object) -> None:
    if not _is_int(extent) or extent <= 0:
        raise ValueError(f"extent must be a positive integer, got {extent!r}")
    if not _is_int(buffer) or buffer < 0:
        raise ValueError(f"buffer must be a non-negative integer, got {buffer!r}")


def tile_bounds_mercator(z: int, x: int, y: int, *, buffer: int = 0,
                         extent: int = DEFAULT_EXTENT) -> tuple[float, float, float, float]:
    """The tile's bounds in EPSG:3857 metres, optionally widened by a buffer.

    Parameters
    ----------
    z, x, y : int
        The tile.
    buffer : int, default 0
        Margin on each side, in units of the tile grid (``extent`` units per tile).
    extent : int, default 4096
        Grid units across the tile.

    Returns
    -------
    tuple of float
        ``(min_x, min_y, max_x, max_y)``.
    """
    check_tile(z, x, y)
    _check_grid(extent, buffer)
    size = 2 * ORIGIN_SHIFT / 2**z
    margin = size * buffer / extent
    min_x = -ORIGIN_SHIFT + x * size
    max_y = ORIGIN_SHIFT - y * size
    return (min_x - margin, max_y - size - margin, min_x + size + margin, max_y + margin)


def mercator_to_lonlat(mx: float, my: float) -> tuple[float, float]:
    """EPSG:3857 metres to longitude and latitude in degrees."""
    lon = math.degrees(mx / EARTH_RADIUS)
    lat = math.degrees(2 * math.atan(math.exp(my / EARTH_RADIUS)) - math.pi / 2)
    return lon, lat


def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude in degrees to EPSG:3857 metres (latitude clamped to `MAX_LATITUDE`)."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    return (EARTH_RADIUS * math.radians(lon),
            EARTH_RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def tile_bounds_lonlat(z: int, x: int, y: int, *, buffer: int = 0, extent: int = DEFAULT_EXTENT) -> BBox:
    """The tile's bounds in degrees (EPSG:4326), optionally widened by a buffer.

    Parameters
    ----------
    z, x, y : int
        The tile.
    buffer : int, default 0
        Margin on each side in grid units, as for `tile_bounds_mercator`.
    extent : int, default 4096
        Grid units across the tile.

    Returns
    -------
    BBox
        Clamped to the range of longitude and `MAX_LATITUDE`.
    """
    min_x, min_y, max_x, max_y = tile_bounds_mercator(z, x, y, buffer=buffer, extent=extent)
    west, south = mercator_to_lonlat(min_x, min_y)
    east, north = mercator_to_lonlat(max_x, max_y)
    return BBox(max(west, -180.0), max(south, -MAX_LATITUDE), min(east, 180.0), min(north, MAX_LATITUDE))


def tile_for_lonlat(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The x and y of the tile at zoom `z` that holds a point given in degrees.

    Points on the east or south edge of the world belong to the last tile.
    """
    check_tile(z, 0, 0)
    if not (isinstance(lon, Real) and isinstance(lat, Real)) or not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"longitude and latitude must be finite numbers, got {lon!r}, {lat!r}")
    mx, my = lonlat_to_mercator(lon, lat)
    count = 2**z
    x = math.floor((mx + ORIGIN_SHIFT) / (2 * ORIGIN_SHIFT) * count)
    y = math.floor((ORIGIN_SHIFT - my) / (2 * ORIGIN_SHIFT) * count)
    return min(max(x, 0), count - 1), min(max(y, 0), count - 1)


def tiles_covering(bbox: BBox, z: int) -> list[tuple[int, int]]:
    """The x, y of every tile at zoom `z` that meets `bbox` (degrees), row by row from the north-west."""
    west_x, north_y = tile_for_lonlat(bbox.west, bbox.north, z)
    east_x, south_y = tile_for_lonlat(bbox.east, bbox.south, z)
    return [(x, y) for y in range(north_y, south_y + 1) for x in range(west_x, east_x + 1)]


def estimated_min_zoom(feature_count: int, bbox: BBox, max_per_tile: int) -> int:
    """The lowest zoom whose tiles would hold at most `max_per_tile` features, were they spread evenly.

    Parameters
    ----------
    feature_count : int
        Features of the layer.
    bbox : BBox
        Their bounding box in degrees.
    max_per_tile : int
        Features one tile may carry.

    Returns
    -------
    int
        0 … MAX_ZOOM. Clustered data put more than the estimate into some
        tiles; callers that must bound the work count as well.
    """
    if not (_is_int(feature_count) and _is_int(max_per_tile)) or feature_count < 0 or max_per_tile < 1:
        raise ValueError("feature_count must be a non-negative and max_per_tile a positive integer")
    if not isinstance(bbox, BBox):
        raise TypeError(f"bbox must be a BBox, got {type(bbox).__name__}")
    if feature_count <= max_per_tile:
        return 0
    min_x, min_y = lonlat_to_mercator(bbox.west, bbox.south)
    max_x, max_y = lonlat_to_mercator(bbox.east, bbox.north)
    # A metre at least, so that points on one line still have an area to spread over.
    width, height = max(max_x - min_x, 1.0), max(max_y - min_y, 1.0)
    for z in range(MAX_ZOOM + 1):
        size = 2 * ORIGIN_SHIFT / 2**z
        if feature_count * min(size, width) * min(size, height) / (width * height) <= max_per_tile:
            return z
    return MAX_ZOOM


def _to_grid(z: int, x: int, y: int, extent: int):
    """A coordinate function for `shapely.transform`: degrees to the tile's grid, y down."""
    min_x, _, _, max_y = tile_bounds_mercator(z, x, y, extent=extent)
    scale = extent / (2 * ORIGIN_SHIFT / 2**z)

    def transform(coords: np.ndarray) -> np.ndarray:
        lon, lat = coords[:, 0], np.clip(coords[:, 1], -MAX_LATITUDE, MAX_LATITUDE)
        mx = EARTH_RADIUS * np.radians(lon)
        my = EARTH_RADIUS * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
        return np.column_stack(((mx - min_x) * scale, (max_y - my) * scale))

    return transform


def _to_tile_grid(geometries: np.ndarray, z: int, x: int, y: int, extent: int, buffer: int) -> np.ndarray:
    """Transform, clip, simplify, snap to integers and orient; what collapses becomes empty."""
    grid = shapely.transform(geometries, _to_grid(z, x, y, extent))
    grid = shapely.clip_by_rect(grid, -buffer, -buffer, extent + buffer, extent + buffer)
    grid = shapely.simplify(grid, extent / TILE_PIXELS / 2, preserve_topology=True)
    # Rounding is what the encoder would do anyway; done here, the few shapes it breaks
    # can be repaired (a fraction of the cost of shapely.set_precision on all of them).
    grid = shapely.transform(grid, np.round)
    broken = np.flatnonzero(~shapely.is_valid(grid) & ~shapely.is_missing(grid))
    if len(broken):
        # Shapes that collapsed to less than a line or an area become empty and are left out.
        grid[broken] = shapely.make_valid(grid[broken], method="structure", keep_collapsed=False)
    # Exterior rings with a positive surveyor's area in the y-down grid: clockwise on screen.
    return shapely.orient_polygons(grid, exterior_cw=False)


def _one_kind(geometry: BaseGeometry) -> BaseGeometry | None:
    """An MVT feature has one type: a collection keeps only its parts of the highest dimension."""
    if geometry.geom_type != "GeometryCollection":
        return geometry
    parts = []
    stack = list(shapely.get_parts(geometry))
    while stack:
        part = stack.pop()
        if part.is_empty:
            continue
        if part.geom_type.startswith("Multi") or part.geom_type == "GeometryCollection":
            stack.extend(shapely.get_parts(part))
        else:
            parts.append(part)
    if not parts:
        return None
    dimension = max(shapely.get_dimensions(part) for part in parts)
    kept = [part for part in parts if shapely.get_dimensions(part) == dimension]
    build = {0: shapely.multipoints, 1: shapely.multilinestrings, 2: shapely.multipolygons}[int(dimension)]
    return kept[0] if len(kept) == 1 else build(kept)


def _tile_value(value: object) -> object | None:
    """A property value as MVT can store it (string, bool, int64, double), or None to leave it out."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if _is_int(value):
        return int(value) if _INT64[0] <= value <= _INT64[1] else str(value)
    if isinstance(value, Real):
        return float(value) if math.isfinite(value) else None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _tile_properties(properties: Mapping | None) -> dict:
    if properties is None:
        return {}
    if not isinstance(properties, Mapping):
        raise TypeError(f"properties must be mappings, got {type(properties).__name__}")
    cleaned = {}
    for key, value in properties.items():
        value = _tile_value(value)
        if isinstance(key, str) and value is not None:
            cleaned[key] = value
    return cleaned


def encode_tile(geometries: Sequence[BaseGeometry | None] | np.ndarray,
                properties: Sequence[Mapping | None] | None, z: int, x: int, y: int, *,
                ids: Iterable[int] | None = None, layer_name: str = "features",
                extent: int = DEFAULT_EXTENT, buffer: int = DEFAULT_BUFFER) -> bytes:
    """Encode EPSG:4326 geometries as one layer of a Mapbox Vector Tile.

    Each geometry is transformed to the tile's grid, clipped to the tile plus
    `buffer`, simplified to half a screen pixel (``extent / 512`` units, so
    that a low-zoom tile carries no detail nobody can see), snapped to the
    integer grid (which keeps polygons valid) and oriented as the MVT
    specification asks. Geometries that end up empty are left out.

    Parameters
    ----------
    geometries : sequence of shapely geometries or None
        In EPSG:4326, already selected for the tile (e.g. by bounding box).
        None and empty geometries are skipped.
    properties : sequence of mappings, or None
        One mapping per geometry: exactly the attributes to send, nothing is
        added. Values that are lists or objects are sent as JSON text, None
        and non-finite numbers are left out.
    z, x, y : int
        The tile.
    ids : iterable of int, optional
        One non-negative feature id per geometry; by default the position in
        `geometries`.
    layer_name : str, default "features"
        The name of the MVT layer (the key of Leaflet.VectorGrid's
        ``vectorTileLayerStyles``).
    extent : int, default 4096
        Grid units across the tile.
    buffer : int, default 64
        Grid units kept beyond each edge, so that outlines and point symbols
        cut at the edge join the neighbouring tile's.

    Returns
    -------
    bytes
        The encoded tile; ``b""`` (the empty tile) when no feature is left.

    Raises
    ------
    TypeError
        If a geometry is not a shapely geometry, a property set is not a
        mapping, or z/x/y are not integers.
    ValueError
        If z/x/y names no tile, the lengths differ, an id is negative or not a
        whole number, or extent, buffer or layer_name are unusable.
    """
    check_tile(z, x, y)
    _check_grid(extent, buffer)
    if not isinstance(layer_name, str) or not layer_name:
        raise ValueError("layer_name must be a non-empty string")
    geometries = np.asarray(list(geometries) if not isinstance(geometries, np.ndarray) else geometries,
                            dtype=object).reshape(-1)
    if not all(g is None or isinstance(g, BaseGeometry) for g in geometries):
        raise TypeError("geometries must be shapely geometries or None")
    count = len(geometries)
    properties = [None] * count if properties is None else list(properties)
    ids = list(range(count)) if ids is None else list(ids)
    if len(properties) != count or len(ids) != count:
        raise ValueError(f"{count} geometries need as many properties and ids, got {len(properties)} and {len(ids)}")
    if not all(_is_int(ident) and ident >= 0 for ident in ids):
        raise ValueError("feature ids must be non-negative integers")
    cleaned_properties = [_tile_properties(item) for item in properties]
    if count == 0:
        return b""

    grid = _to_tile_grid(geometries, z, x, y, extent, buffer)
    features = []
    for index in np.flatnonzero(~(shapely.is_missing(grid) | shapely.is_empty(grid))):
        geometry = _one_kind(grid[index])
        if geometry is not None:
            features.append({"geometry": geometry, "id": int(ids[index]), "properties": cleaned_properties[index]})
    if not features:
        return b""
    return mapbox_vector_tile.encode(
        {"name": layer_name, "features": features},
        default_options={"extents": extent, "y_coord_down": True, "check_winding_order": False},
    )
