"""The comments of a project's or statute's map as tiles: clusters where many, pins where few.

A tile's answer costs what it shows: at zooms below `geo.clusters.CLUSTER_ZOOMS` its 4 × 4 cells
are read from the cluster index (participation/comments/tallies.py keeps it), however many pins
lie in them; where a tile holds at most `SPARSE` pins, or at street level, the pins themselves are
found through the spatial index. Tiles have fixed addresses, so a shared cache can keep them.
"""
from __future__ import annotations

from sqlalchemy import func, select

from geo.clusters import CELL_SHIFT, CLUSTER_ZOOMS, cells_of_tile
from geo.vector_tiles import tile_bounds_lonlat
from participation.api.serializers import comment_feature
from participation.comments import queries
from participation.comments.models import CommentCell
from participation.comments.subjects import Subject, subject_key, subject_url
from participation.extensions import db

#: A tile with at most this many pins sends them, at any zoom (the browser clusters them itself).
SPARSE = 200
#: At street level, at most this many pins per tile (the newest); the answer says how many there are.
PIN_LIMIT = 1000
#: Deeper tiles are refused: the map stops at 19.
COMMENT_MAX_ZOOM = 20


def comment_tile(subject: Subject, z: int, x: int, y: int, category_id: int | None = None) -> dict:
    """A GeoJSON FeatureCollection of the tile: cluster features (``cluster``, ``count``, ``cell``:
    its z/x/y as a tile two zooms deeper) or comment features; `numberMatched` pins lie in the tile."""
    if z < CLUSTER_ZOOMS:
        cells = _cells(subject, z, x, y, category_id)
        total = sum(n for _cx, _cy, n, _sx, _sy in cells)
        if total > SPARSE:
            return {"type": "FeatureCollection", "numberMatched": total, "numberReturned": total,
                    "features": [_cluster(z, *cell) for cell in cells]}
    items, matched = queries.pins_in_bbox(subject, tile_bounds_lonlat(z, x, y), PIN_LIMIT, category_id)
    replies = queries.reply_counts([c.id for c in items])
    page_url = subject_url(subject)
    return {"type": "FeatureCollection", "numberMatched": matched, "numberReturned": len(items),
            "features": [comment_feature(c, c.support_count, replies.get(c.id, 0), page_url) for c in items]}


def _cells(subject: Subject, z: int, x: int, y: int, category_id: int | None) -> list[tuple]:
    xs, ys = cells_of_tile(x, y)
    query = (
        select(CommentCell.cx, CommentCell.cy, func.sum(CommentCell.n), func.sum(CommentCell.sum_x),
               func.sum(CommentCell.sum_y))
        .where(CommentCell.subject == subject_key(subject), CommentCell.zoom == z,
               CommentCell.cx.between(xs.start, xs.stop - 1), CommentCell.cy.between(ys.start, ys.stop - 1))
        .group_by(CommentCell.cx, CommentCell.cy)
        .order_by(CommentCell.cy, CommentCell.cx)
    )
    if category_id is not None:
        query = query.where(CommentCell.category_id == category_id)
    return [tuple(row) for row in db.session.execute(query) if row[2] > 0]


def _cluster(z: int, cx: int, cy: int, n: int, sum_x: float, sum_y: float) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(sum_x / n, 7), round(sum_y / n, 7)]},
        "properties": {"cluster": True, "count": int(n), "cell": [z + CELL_SHIFT, cx, cy]},
    }
