"""A cluster index of points: at each zoom, every point counted in one cell of a grid of 64-pixel cells.

A map tile (256 pixels) holds 4 × 4 cells, so the cells at zoom `z` are the tiles of zoom
``z + 2``. A tile's clusters are then its 16 cells' counts and mean positions, read from a
table however many points lie in them (participation/comments/tallies.py keeps that table).
"""
from __future__ import annotations

import math

from geo.vector_tiles import ORIGIN_SHIFT, lonlat_to_mercator

#: 2 ** CELL_SHIFT cells across a tile.
CELL_SHIFT = 2
#: Zooms 0 … CLUSTER_ZOOMS - 1 are indexed; from this zoom on a tile holds few enough points to send them all.
CLUSTER_ZOOMS = 18


def cells_of_point(lon: float, lat: float) -> list[tuple[int, int, int]]:
    """The (zoom, cell x, cell y) of the point at every indexed zoom."""
    mx, my = lonlat_to_mercator(lon, lat)
    fx = (mx + ORIGIN_SHIFT) / (2 * ORIGIN_SHIFT)
    fy = (ORIGIN_SHIFT - my) / (2 * ORIGIN_SHIFT)
    cells = []
    for zoom in range(CLUSTER_ZOOMS):
        count = 2 ** (zoom + CELL_SHIFT)
        cells.append((zoom, min(max(math.floor(fx * count), 0), count - 1),
                      min(max(math.floor(fy * count), 0), count - 1)))
    return cells


def cells_of_tile(x: int, y: int) -> tuple[range, range]:
    """The cell numbers (x, then y) that make up tile x/y, at the tile's own zoom."""
    size = 2**CELL_SHIFT
    return range(x * size, (x + 1) * size), range(y * size, (y + 1) * size)
