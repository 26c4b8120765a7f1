"""Leaflet maps built with folium, served with the app's own copies of Leaflet.

folium's CDN defaults are replaced by nothing: the page template loads Leaflet
and its plugins from ``static/vendor/``. Only the map's own HTML and script are
taken from folium; the script is placed in a ``<script nonce=…>`` by the
template, so the CSP allows no inline script without the nonce.
"""
from __future__ import annotations

from dataclasses import dataclass

import folium
from flask import current_app
from markupsafe import Markup
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

#: Where the map opens when nothing is known: the middle of Germany.
GERMANY = (51.16, 10.45)
AREA_STYLE = {"color": "#004b76", "weight": 3, "fillColor": "#004b76", "fillOpacity": 0.08}


@dataclass(frozen=True)
class RenderedMap:
    name: str  #: the JavaScript variable holding the L.map
    html: Markup
    script: Markup


def _base_map(bounds: tuple[float, float, float, float] | None) -> folium.Map:
    m = folium.Map(location=GERMANY, zoom_start=6, tiles=None, control_scale=True, prefer_canvas=False)
    m.default_js = []
    m.default_css = []
    folium.TileLayer(
        current_app.config["BASEMAP_URL"],
        attr=current_app.config["BASEMAP_ATTRIBUTION"],
        max_zoom=19,
        max_native_zoom=18,
    ).add_to(m)
    if bounds:
        west, south, east, north = bounds
        m.fit_bounds([[south, west], [north, east]], padding=(12, 12))
    return m


def _render(m: folium.Map) -> RenderedMap:
    root = m.get_root()
    root.render()
    return RenderedMap(m.get_name(), Markup(root.html.render()), Markup(root.script.render()))  # noqa: S704 - folium renders its own templates, escaping our values


def area_map(area: BaseGeometry | None) -> RenderedMap:
    """A map of one area (a project's), zoomed to it."""
    m = _base_map(area.bounds if area is not None and not area.is_empty else None)
    if area is not None and not area.is_empty:
        # Geometry only: no user text ends up inside the inline script.
        folium.GeoJson(mapping(area), name="area", style_function=lambda _: AREA_STYLE, interactive=False).add_to(m)
    return _render(m)


def overview_map(bounds: tuple[float, float, float, float] | None) -> RenderedMap:
    """An empty map over `bounds`; the page script adds the project areas."""
    return _render(_base_map(bounds))
