"""The words of a style: legend rows, and class labels in the reader's locale.

The layer switcher, the style page's preview and the popups take their words
from here, so that legend and popup say the same thing.
"""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from participation.layers.styles.classes import decimals_for
from participation.layers.styles.queries import as_number

#: Four-digit numbers (years, heights in centimetres) read best without a group separator (Duden);
#: from five digits on it helps.
GROUPING_FROM = 10_000


def class_places(classes: list[dict]) -> int:
    """Decimal places that tell the breaks of `classes` apart: two significant digits of the narrowest."""
    widths = [c["max"] - c["min"] for c in classes if c["max"] > c["min"]]
    return decimals_for(min(widths)) if widths else 3


def format_number(value: float, places: int) -> str:
    """`value` for the current locale with up to `places` decimals (no trailing zeros)."""
    pattern = ("#,##0" if abs(value) >= GROUPING_FROM else "0") + ("." + "#" * places if places else "")
    return format_decimal(value, format=pattern)


def range_label(low: float, high: float, places: int) -> str:
    """"0,2 – 0,4" in German, "0.2 – 0.4" in English; one number when both ends are equal."""
    if low == high:
        return format_number(low, places)
    return _("%(low)s – %(high)s", low=format_number(low, places), high=format_number(high, places))


def labelled_classes(classes: list[dict]) -> list[dict]:
    """The classes with every label filled in: the GIS team's own, or the range."""
    places = class_places(classes)
    return [{**c, "label": c["label"] or range_label(c["min"], c["max"], places)} for c in classes]


def display_style(style: dict) -> dict:
    """A cleaned style as the map script gets it: class labels filled in for the popup."""
    return {**style, "classes": labelled_classes(style["classes"])}


def legend_rows(style: dict) -> list[dict]:
    """Legend rows ``{"label", "fill", "stroke"}`` of a cleaned style, in the order the map uses them.

    Classes or categories first, then one row for the features they do not
    cover, in the plain fill colour; without either, one row for the layer.
    """
    stroke = style["stroke"]
    if style["classes"]:
        rows = [{"label": c["label"], "fill": c["colour"], "stroke": stroke}
                for c in labelled_classes(style["classes"])]
        return [*rows, {"label": _("Other or no value"), "fill": style["fill"], "stroke": stroke}]
    if style["categories"]:
        rows = [{"label": c["label"] or c["value"], "fill": c["colour"], "stroke": stroke} for c in style["categories"]]
        return [*rows, {"label": _("Other values"), "fill": style["fill"], "stroke": stroke}]
    return [{"label": "", "fill": style["fill"], "stroke": stroke}]


def feature_fill(style: dict, properties: dict) -> str:
    """The fill colour of a feature under a cleaned style, as static/js/layer-map.js picks it: the first
    class holding its number (closed ranges), or the category equal to its value, else the plain fill."""
    attribute = style["categorise_by"]
    value = (properties or {}).get(attribute) if attribute else None
    if value is None:
        return style["fill"]
    if style["classes"]:
        number = as_number(value)
        found = next((c for c in style["classes"] if number is not None and c["min"] <= number <= c["max"]), None)
    else:
        found = next((c for c in style["categories"] if _as_js_text(value) == c["value"]), None)
    return found["colour"] if found else style["fill"]


def _as_js_text(value: object) -> str:
    """`String(value)` in the map script: true, 3 (not 3.0)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
