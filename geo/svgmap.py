"""A map drawn on the server as SVG, for reports: the town's own layers, comments and hot spots on a plain
background, with a scale bar and a north arrow. No tiles, no browser, nothing fetched.

Everything is drawn in a projected CRS (ETRS89 / UTM), so that distances and the scale bar are true.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geo.errors import GeoInputError, N_
from geo.hotspots import METRIC_CRS

BACKGROUND = "#f4f3ef"
#: Scale bar lengths to choose from, in metres.
NICE_LENGTHS = (10, 20, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000)


@dataclass
class Shapes:
    """Geometries (EPSG:4326) drawn alike, or each with its own fill (`fills`, same length)."""

    geometries: list[BaseGeometry]
    fill: str = "#2f6f9f"
    stroke: str = "#1d4f73"
    opacity: float = 0.35
    width: float = 1.5
    fills: list[str] | None = None
    #: Dashed outline (an area of application, a boundary).
    dashed: bool = False


@dataclass
class Dot:
    longitude: float
    latitude: float
    colour: str = "#1f1f1f"


@dataclass
class Ring:
    """A circle of `radius` metres (a hot spot), with a number written in it."""

    longitude: float
    latitude: float
    radius: float
    label: str = ""


@dataclass
class MapImage:
    svg: str
    #: The scale bar's length in metres, and the map's scale as 1 : n (for the caption).
    scale_bar: int
    scale: int
    extra: dict = field(default_factory=dict)


def _nice(length: float) -> int:
    fitting = [n for n in NICE_LENGTHS if n <= length]
    return fitting[-1] if fitting else NICE_LENGTHS[0]


def render_map(extent: tuple[float, float, float, float], crs: int, shapes: list[Shapes] = (), dots: list[Dot] = (),
               rings: list[Ring] = (), width: int = 800, height: int = 560, margin: float = 0.06,
               title: str = "") -> MapImage:
    """Draw `shapes`, `dots` and `rings` over `extent` (west, south, east, north in EPSG:4326) as SVG.

    Parameters
    ----------
    crs : int
        The projected CRS the map is drawn in (one of `geo.hotspots.METRIC_CRS`).
    width, height : int
        The drawing's size in SVG units (CSS pixels at 96 dpi; a report scales it to its column).
    title : str
        The SVG's accessible name.
    """
    if crs not in METRIC_CRS:
        raise GeoInputError(N_("Maps are drawn in ETRS89 / UTM (EPSG:25832 or 25833), not EPSG:{crs}."), crs=crs)
    to_crs = Transformer.from_crs(4326, crs, always_xy=True)
    west, south, east, north = to_crs.transform_bounds(*extent)
    span_x, span_y = max(east - west, 1.0), max(north - south, 1.0)
    unit = min(width / (span_x * (1 + 2 * margin)), height / (span_y * (1 + 2 * margin)))  # px per metre
    centre_x, centre_y = (west + east) / 2, (south + north) / 2

    def to_px(xy: np.ndarray) -> np.ndarray:
        x, y = to_crs.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([width / 2 + (np.asarray(x) - centre_x) * unit,
                                height / 2 - (np.asarray(y) - centre_y) * unit])

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif">',
             f"<title>{escape(title)}</title>", f'<rect width="{width}" height="{height}" fill="{BACKGROUND}"/>']
    for layer in shapes:
        parts.append(_shapes(layer, to_px))
    for dot in dots:
        x, y = to_px(np.array([[dot.longitude, dot.latitude]]))[0]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{escape(dot.colour)}" stroke="#ffffff" '
                     'stroke-width="0.8"/>')
    labels = []
    for ring in rings:
        x, y = to_px(np.array([[ring.longitude, ring.latitude]]))[0]
        radius = max(ring.radius * unit, 10.0)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#b3261e" fill-opacity="0.12" '
                     'stroke="#b3261e" stroke-width="2" stroke-dasharray="6 4"/>')
        if ring.label:
            # Over every ring, with a white halo, so that no later ring hides an earlier number.
            labels.append(f'<text x="{x:.1f}" y="{y - radius - 4:.1f}" text-anchor="middle" font-size="13" '
                          'font-weight="bold" fill="#b3261e" stroke="#ffffff" stroke-width="3" '
                          f'paint-order="stroke">{escape(ring.label)}</text>')
    parts += labels
    metres = _nice(width * 0.25 / unit)
    parts.append(_scale_bar(metres, metres * unit, height))
    parts.append(_north_arrow(width))
    parts.append("</svg>")
    # The scale of the drawing printed 1:1 at 96 dpi: one px is 0.264583 mm.
    scale = int(round(1 / (unit * 0.264583 / 1000), -1))
    return MapImage(svg="".join(parts), scale_bar=metres, scale=scale)


def _path(geometry: BaseGeometry, to_px) -> str:
    """The SVG path data of a (multi)polygon or (multi)line, holes included (even-odd fill)."""
    commands = []
    for part in getattr(geometry, "geoms", [geometry]):
        rings = ([part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part])
        for ring in rings:
            xy = to_px(np.asarray(ring.coords)[:, :2])
            if len(xy) < 2:
                continue
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            commands.append(f"M{points}" + ("Z" if part.geom_type == "Polygon" else ""))
    return "".join(commands)


def _shapes(layer: Shapes, to_px) -> str:
    drawn = []
    dash = ' stroke-dasharray="8 5"' if layer.dashed else ""
    for index, geometry in enumerate(layer.geometries):
        if geometry is None or geometry.is_empty:
            continue
        fill = layer.fills[index] if layer.fills else layer.fill
        if geometry.geom_type in ("Point", "MultiPoint"):
            for point in getattr(geometry, "geoms", [geometry]):
                x, y = to_px(np.array([[point.x, point.y]]))[0]
                drawn.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{escape(fill)}" '
                             f'stroke="{escape(layer.stroke)}" stroke-width="1"/>')
            continue
        polygonal = geometry.geom_type in ("Polygon", "MultiPolygon")
        fill_attributes = (f'fill="{escape(fill)}" fill-opacity="{layer.opacity:g}" fill-rule="evenodd"'
                           if polygonal else 'fill="none"')
        line = escape(fill) if not polygonal else escape(layer.stroke)
        drawn.append(f'<path d="{_path(geometry, to_px)}" {fill_attributes} stroke="{line}" '
                     f'stroke-width="{layer.width:g}" stroke-linejoin="round"{dash}/>')
    return "<g>" + "".join(drawn) + "</g>"


def _scale_bar(metres: int, pixels: float, height: int) -> str:
    label = f"{metres // 1000} km" if metres >= 1000 and metres % 1000 == 0 else f"{metres} m"
    y = height - 18
    return (f'<g><rect x="10" y="{y - 18}" width="{pixels + 40:.1f}" height="30" fill="#ffffff" fill-opacity="0.8"/>'
            f'<path d="M20,{y - 4}V{y}H{20 + pixels:.1f}V{y - 4}" fill="none" stroke="#1f1f1f" stroke-width="2"/>'
            f'<text x="{20 + pixels / 2:.1f}" y="{y - 7}" text-anchor="middle" font-size="12" fill="#1f1f1f">'
            f"{label}</text></g>")


def _north_arrow(width: int) -> str:
    x = width - 30
    return (f'<g><path d="M{x},14L{x + 9},40L{x},34L{x - 9},40Z" fill="#1f1f1f"/>'
            f'<text x="{x}" y="54" text-anchor="middle" font-size="12" fill="#1f1f1f">N</text></g>')


def extent_of(geometries: list[BaseGeometry], points: list[tuple[float, float]] = ()) -> tuple[float, float, float,
                                                                                                 float] | None:
    """The bounds of `geometries` and `points` together (EPSG:4326), or None when there is nothing."""
    boxes = [g.bounds for g in geometries if g is not None and not g.is_empty]
    boxes += [(x, y, x, y) for x, y in points]
    if not boxes:
        return None
    array = np.array(boxes)
    return (float(array[:, 0].min()), float(array[:, 1].min()), float(array[:, 2].max()), float(array[:, 3].max()))

