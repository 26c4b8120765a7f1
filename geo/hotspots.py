"""Hot spots: places where many comments lie close together, found with DBSCAN in metres.

DBSCAN (scikit-learn) needs distances in metres, so the points are projected into the town's
ETRS89/UTM zone first; longitude and latitude degrees are not the same length in Germany.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from pyproj import Transformer

from geo.errors import GeoInputError, N_

#: The projected systems a distance in metres may be computed in (ETRS89 / UTM 32N and 33N).
METRIC_CRS = (25832, 25833)


def metric_crs_at(longitude: float) -> int:
    """The ETRS89 / UTM zone German maps use at `longitude`: 32N (EPSG:25832) west of 12° E, 33N east of it."""
    return 25833 if longitude >= 12 else 25832


@dataclass
class Hotspot:
    """One cluster: how many comments, where (centre and radius), and what about."""

    count: int
    longitude: float
    latitude: float
    #: The distance in metres from the centre to the farthest comment of the cluster.
    radius: float
    #: (category, count), most frequent first, at most three; comments without a category are left out.
    top_categories: list[tuple[str, int]] = field(default_factory=list)
    #: The indexes of its comments in the input.
    members: list[int] = field(default_factory=list)


def find_hotspots(longitudes, latitudes, categories, crs: int, distance: float = 50.0,
                  min_comments: int = 5) -> list[Hotspot]:
    """Clusters of comments: around every comment with at least `min_comments` comments (itself included)
    within `distance` metres, together with those comments; clusters that share comments are one.

    Parameters
    ----------
    longitudes, latitudes : sequences of float
        The comments' places in EPSG:4326.
    categories : sequence of str or None
        Each comment's category (or paragraph), for the cluster's top categories.
    crs : int
        The projected CRS (EPSG code, one of `METRIC_CRS`) the distances are measured in.

    Returns
    -------
    list of Hotspot
        Largest first; points that belong to no cluster (noise) are left out.
    """
    if crs not in METRIC_CRS:
        raise GeoInputError(N_("Hot spots are computed in ETRS89 / UTM (EPSG:25832 or 25833), not EPSG:{crs}."),
                            crs=crs)
    if not distance > 0 or min_comments < 2:
        raise ValueError("distance must be positive and a hot spot needs at least two comments")
    lon = np.asarray(longitudes, dtype=float)
    lat = np.asarray(latitudes, dtype=float)
    if not (len(lon) == len(lat) == len(categories)):
        raise ValueError("longitudes, latitudes and categories differ in length")
    if len(lon) < min_comments:
        return []
    # Imported here: scikit-learn takes over a second to import, which every `flask` command and
    # worker start would pay, while only a page with hot spots needs it.
    from sklearn.cluster import DBSCAN

    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(lon, lat)
    xy = np.column_stack([x, y])
    labels = DBSCAN(eps=distance, min_samples=min_comments).fit(xy).labels_
    back = Transformer.from_crs(crs, 4326, always_xy=True)
    found = []
    for label in set(labels.tolist()) - {-1}:
        members = np.flatnonzero(labels == label)
        centre = xy[members].mean(axis=0)
        radius = float(np.max(np.hypot(*(xy[members] - centre).T)))
        c_lon, c_lat = back.transform(centre[0], centre[1])
        top = Counter(categories[i] for i in members if categories[i]).most_common(3)
        found.append(Hotspot(count=len(members), longitude=round(float(c_lon), 7), latitude=round(float(c_lat), 7),
                             radius=round(radius, 1), top_categories=top, members=members.tolist()))
    return sorted(found, key=lambda h: (-h.count, h.longitude, h.latitude))
