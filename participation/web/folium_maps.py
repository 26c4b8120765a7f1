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
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

#: Where the map opens when nothing is known: the middle of Germany.
GERMANY = (51.16, 10.45)
AREA_STYLE = {"color": "#004b76", "weight": 3, "fillColor": "#004b76", "fillOpacity": 0.08}
#: A town's boundary: a dashed outline, no fill, so that project areas stay the thing to look at.
BOUNDARY_STYLE = {"color": "#3d3d3d", "weight": 2, "dashArray": "8 6", "fill": False}


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


def _add_boundary(m: folium.Map, boundary: BaseGeometry | None) -> None:
    if boundary is not None and not boundary.is_empty:
        # Geometry only: no user text ends up inside the inline script.
        folium.GeoJson(mapping(boundary), name="boundary", style_function=lambda _: BOUNDARY_STYLE,
                       interactive=False).add_to(m)


def area_map(area: BaseGeometry | None, *, bounds: tuple[float, float, float, float] | None = None,
             boundary: BaseGeometry | None = None) -> RenderedMap:
    """A map of one area (a project's), zoomed to it, else to `bounds`, else to `boundary`; the
    town's `boundary`, if given, as a dashed outline."""
    has_area = area is not None and not area.is_empty
    if bounds is None:
        bounds = area.bounds if has_area else boundary.bounds if boundary is not None and not boundary.is_empty else None
    m = _base_map(bounds)
    _add_boundary(m, boundary)
    if has_area:
        # Geometry only: no user text ends up inside the inline script.
        folium.GeoJson(mapping(area), name="area", style_function=lambda _: AREA_STYLE, interactive=False).add_to(m)
    return _render(m)


def overview_map(bounds: tuple[float, float, float, float] | None,
                 boundary: BaseGeometry | None = None) -> RenderedMap:
    """An empty map over `bounds` (the town's `boundary`, when given, is drawn and fitted instead);
    the page script adds the project areas."""
    has_boundary = boundary is not None and not boundary.is_empty
    m = _base_map(boundary.bounds if has_boundary else bounds)
    _add_boundary(m, boundary)
    return _render(m)


def draw_labels() -> dict:
    """Leaflet.draw's texts in the page's language, for ``L.drawLocal`` (only the tools the app offers:
    polygon, rectangle, edit, delete). Passed to the page script as a data attribute."""
    cancel = {"title": _("Cancel drawing"), "text": _("Cancel")}
    locale = get_locale()
    return {
        "format": {"numeric": {"delimiters": {"thousands": get_group_symbol(locale),
                                              "decimal": get_decimal_symbol(locale)}}},
        "draw": {
            "toolbar": {
                "actions": cancel,
                "finish": {"title": _("Finish drawing"), "text": _("Finish")},
                "undo": {"title": _("Delete the last point drawn"), "text": _("Delete last point")},
                "buttons": {"polygon": _("Draw a polygon"), "rectangle": _("Draw a rectangle")},
            },
            "handlers": {
                "polygon": {"tooltip": {"start": _("Click to start drawing the area."),
                                        "cont": _("Click to continue drawing the area."),
                                        "end": _("Click the first point to close the area.")}},
                "polyline": {"error": _("Error: the edges of the area must not cross."),
                             "tooltip": {"start": _("Click to start drawing the area."),
                                         "cont": _("Click to continue drawing the area."),
                                         "end": _("Click the first point to close the area.")}},
                "rectangle": {"tooltip": {"start": _("Click and drag to draw a rectangle.")}},
                "simpleshape": {"tooltip": {"end": _("Release the mouse button to finish drawing.")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {"save": {"title": _("Save changes"), "text": _("Save")},
                            "cancel": {"title": _("Cancel editing and discard all changes"), "text": _("Cancel")},
                            "clearAll": {"title": _("Delete all shapes"), "text": _("Delete all")}},
                "buttons": {"edit": _("Edit shapes"), "editDisabled": _("No shapes to edit"),
                            "remove": _("Delete shapes"), "removeDisabled": _("No shapes to delete")},
            },
            "handlers": {
                "edit": {"tooltip": {"text": _("Drag the handles to change the shapes."),
                                     "subtext": _("Click Cancel to undo the changes.")}},
                "remove": {"tooltip": {"text": _("Click a shape to delete it.")}},
            },
        },
    }


def format_area(km2: float) -> str:
    """A size for people: hectares below 1 km², else square kilometres, in the page's number format."""
    if km2 < 1:
        return _("{number} ha").format(number=format_decimal(round(km2 * 100, 1)))
    return _("{number} km²").format(number=format_decimal(round(km2, 1 if km2 < 100 else None)))


def format_distance(metres: float) -> str:
    """A distance for people: metres below 1 km, else kilometres, in the page's number format."""
    if metres < 1000:
        return _("{number} m").format(number=format_decimal(round(metres, -1) or round(metres)))
    return _("{number} km").format(number=format_decimal(round(metres / 1000, 1 if metres < 10_000 else None)))
