"""The report's map: the subject's area, the vector layers on its map, its comments and hot spots, drawn
on the server (geo.svgmap) — the town's own data on a plain background, no tiles, nothing fetched."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_decimal, gettext as _, ngettext
from sqlalchemy import func, select

from geo.bbox import BBox
from geo.hotspots import metric_crs_at
from geo.svgmap import Dot, MapImage, Ring, Shapes, extent_of, render_map
from participation.comments.subjects import Subject
from participation.database.spatial import intersects_bbox
from participation.extensions import db
from participation.layers.models import LayerFeature, LayerKind
from participation.layers.styles.legend import feature_fill, legend_rows
from participation.layers.styles.rules import clean_style

WIDTH, HEIGHT = 960, 640
#: The width the map is printed at: the text column of an A4 page in portrait (templates/exports/pdf).
PRINTED_MM = 176
#: Features drawn from all layers together; a report map of a whole town's parcels stays readable and small.
MAX_FEATURES = 20_000


@dataclass
class ReportMap:
    image: MapImage
    #: "1 : 12.000" as printed, in the reader's locale, rounded to two significant digits.
    scale: str
    #: The layers drawn, bottom first: {"name", "attribution", "legend", "drawn", "total"}.
    layers: list[dict] = field(default_factory=list)


def report_map(subject: Subject, places: list[tuple[float, float]], spots: list[dict]) -> ReportMap | None:
    """The map of `subject` with comment dots at `places` (longitude, latitude) and numbered rings for
    `spots` (hot spots, largest first); None when there is neither an area nor a place to show."""
    extent = extent_of([subject.area] if subject.area is not None else [], places)
    if extent is None:
        return None
    west, south, east, north = extent
    # A little room around the area, so that layers reach the map's edges.
    pad = max(east - west, north - south) * 0.04 + 0.0003  # about 30 m more for a single place
    extent = (west - pad, south - pad, east + pad, north + pad)
    tolerance = (extent[2] - extent[0]) / WIDTH / 2  # half a drawing unit, in degrees
    shapes, layers, budget = [], [], MAX_FEATURES
    for item in subject.map.layers:
        layer = item.layer
        if not item.visible or layer.kind is not LayerKind.VECTOR or layer.current_version_id is None:
            continue
        style = clean_style(layer.style)
        geometries, fills, total = _features(layer.current_version_id, BBox(*extent), style, budget, tolerance)
        budget -= len(geometries)
        shapes.append(Shapes(geometries, fills=fills, stroke=style["stroke"], opacity=style["opacity"],
                             width=min(style["width"], 2.0)))
        layers.append({"name": layer.name, "attribution": layer.attribution, "legend": legend_rows(style),
                       "drawn": len(geometries), "total": total})
    if subject.area is not None:
        shapes.append(Shapes([subject.area], fill="#ffffff", stroke="#1f1f1f", opacity=0.0, width=2.5, dashed=True))
    image = render_map(
        extent, metric_crs_at((extent[0] + extent[2]) / 2), shapes,
        dots=[Dot(lon, lat) for lon, lat in places],
        rings=[Ring(s["longitude"], s["latitude"], s["radius"], label=str(n)) for n, s in enumerate(spots, 1)],
        width=WIDTH, height=HEIGHT, title=_map_title(places, spots, layers))
    printed = image.scale * WIDTH * 0.264583 / PRINTED_MM
    return ReportMap(image, format_decimal(float(f"{printed:.2g}"), format="#,##0"), layers)


def _map_title(places: list, spots: list, layers: list[dict]) -> str:
    """The map's accessible name: what it shows, in one sentence."""
    title = _("Map of the area with %(places)s and %(spots)s.",
              places=ngettext("%(num)d comment with a place", "%(num)d comments with a place", len(places)),
              spots=ngettext("%(num)d hot spot", "%(num)d hot spots", len(spots)))
    if layers:
        title += " " + _("Layers: %(names)s.", names=", ".join(layer["name"] for layer in layers))
    return title


def _features(version_id: int, bbox: BBox, style: dict, budget: int, tolerance: float):
    """Up to `budget` features of a layer version within `bbox`, simplified to the drawing's resolution,
    with their fill colours, and how many there are in all."""
    where = [LayerFeature.version_id == version_id,
             intersects_bbox(db.engine.dialect, LayerFeature, LayerFeature.spatial, bbox)]
    total = db.session.scalar(select(func.count()).select_from(LayerFeature).where(*where)) or 0
    geometries, fills = [], []
    rows = db.session.execute(select(LayerFeature.geometry, LayerFeature.properties).where(*where)
                              .order_by(LayerFeature.id).limit(max(budget, 0)))
    for geometry, properties in rows:
        geometries.append(geometry.simplify(tolerance, preserve_topology=True)
                          if geometry.geom_type not in ("Point", "MultiPoint") else geometry)
        fills.append(feature_fill(style, properties))
    return geometries, fills, total
