"""How a layer looks on the map and what its popups show.

`Layer.style` and `Layer.popup` are stored as JSON in the shapes below. They
are cleaned on input (colours as ``#rrggbb``, numbers in range, symbols from a
list), so the map script can use them without further checks.
"""
from __future__ import annotations

import math

from participation.layers.models import Layer
from participation.layers.styles.classes import CLASS_METHODS, MAX_CLASSES, MIN_CLASSES
from participation.web.colours import colour_or

POINT_SYMBOLS = ("circle", "square", "triangle", "diamond")
DEFAULT_STYLE = {
    "fill": "#2f6f9f",
    "stroke": "#1d4f73",
    #: Fill opacity, 0 … 1; lines and outlines are drawn opaque.
    "opacity": 0.35,
    #: Line and outline width in screen pixels.
    "width": 2.0,
    "point": "circle",
    #: An attribute whose values choose the fill colour, or None.
    "categorise_by": None,
    #: [{"value": "WA", "colour": "#e6a23c", "label": "Allgemeines Wohngebiet"}]; other values keep "fill".
    "categories": [],
    #: How the classes of a numeric attribute were made: {"method": "equal"|"quantile", "count": 3 … 7}, or None.
    "classify": None,
    #: Ranges of a numeric attribute, ordered: [{"min": 0.2, "max": 0.4, "colour": "#21918c", "label": ""}];
    #: an empty label shows the range. A feature in no range, or without a number, keeps "fill".
    #: When there are classes, there are no categories.
    "classes": [],
}
MAX_CATEGORIES = 30
MAX_POPUP_ROWS = 20
#: Value labels per popup row ("WA" → "Allgemeines Wohngebiet"), and the length of codes and labels.
MAX_VALUE_LABELS = 50
MAX_VALUE_LABEL_LENGTH = 200


def _number(value: object, low: float, high: float, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return min(high, max(low, number)) if number == number else default


def _finite(value: object) -> float | None:
    """`value` as a finite number, or None (booleans and text are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def clean_classes(items: object) -> list[dict]:
    """At most MAX_CLASSES ranges with finite, ordered bounds (min ≤ max, none overlapping the one
    before except on the shared break); rows that break the order are dropped."""
    classes: list[dict] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or len(classes) >= MAX_CLASSES:
            continue
        low, high = _finite(item.get("min")), _finite(item.get("max"))
        if low is None or high is None or low > high or (classes and low < classes[-1]["max"]):
            continue
        classes.append({"min": low, "max": high, "colour": colour_or(item.get("colour"), DEFAULT_STYLE["fill"]),
                        "label": str(item.get("label") or "")[:200]})
    return classes


def clean_classify(value: object) -> dict | None:
    """``{"method", "count"}`` with a known method and MIN_CLASSES … MAX_CLASSES classes, or None."""
    if not isinstance(value, dict) or value.get("method") not in CLASS_METHODS:
        return None
    count = _finite(value.get("count"))
    if count is None or count != int(count) or not MIN_CLASSES <= count <= MAX_CLASSES:
        return None
    return {"method": value["method"], "count": int(count)}


def clean_style(style: dict | None, attributes: list[str] | None = None) -> dict:
    """A complete, safe style from stored or submitted values; unknown keys are dropped.

    `attributes`, when given, are the layer's attribute names: a categorising
    attribute that is not among them is dropped.
    """
    style = style if isinstance(style, dict) else {}
    attribute = style.get("categorise_by")
    if not isinstance(attribute, str) or not attribute or (attributes is not None and attribute not in attributes):
        attribute = None
    categories = []
    for item in style.get("categories") or []:
        if not isinstance(item, dict) or len(categories) >= MAX_CATEGORIES:
            continue
        value = item.get("value")
        categories.append({
            "value": "" if value is None else str(value)[:200],
            "colour": colour_or(item.get("colour"), DEFAULT_STYLE["fill"]),
            "label": str(item.get("label") or value or "")[:200],
        })
    classes = clean_classes(style.get("classes")) if attribute else []
    return {
        "fill": colour_or(style.get("fill"), DEFAULT_STYLE["fill"]),
        "stroke": colour_or(style.get("stroke"), DEFAULT_STYLE["stroke"]),
        "opacity": _number(style.get("opacity"), 0.0, 1.0, DEFAULT_STYLE["opacity"]),
        "width": _number(style.get("width"), 0.0, 20.0, DEFAULT_STYLE["width"]),
        "point": style.get("point") if style.get("point") in POINT_SYMBOLS else DEFAULT_STYLE["point"],
        "categorise_by": attribute,
        "categories": categories if attribute and not classes else [],
        "classify": clean_classify(style.get("classify")) if attribute else None,
        "classes": classes,
    }


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a ``#rrggbb`` colour."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def colour_distance(first: str, second: str) -> float:
    """CIE76 ΔE between two ``#rrggbb`` colours; below about 10 two map areas look alike."""
    return math.dist(_lab(first), _lab(second))


def too_close(colour: str | None, others: list[str], limit: float = 10.0) -> bool:
    """True if `colour` (``#rrggbb`` or None) is hard to tell apart from one of `others`."""
    colour = colour_or(colour, DEFAULT_STYLE["fill"])
    return any(colour_distance(colour, other) < limit for other in others)


def clean_value_labels(values: object) -> dict[str, str]:
    """At most MAX_VALUE_LABELS ``{code: label}`` pairs of text, neither empty, both shortened."""
    cleaned: dict[str, str] = {}
    for code, label in (values.items() if isinstance(values, dict) else []):
        code, label = str(code).strip()[:MAX_VALUE_LABEL_LENGTH], str(label or "").strip()[:MAX_VALUE_LABEL_LENGTH]
        if code and label and code not in cleaned and len(cleaned) < MAX_VALUE_LABELS:
            cleaned[code] = label
    return cleaned


def clean_popup(rows: list | None, attributes: list[str] | None = None) -> list[dict]:
    """Popup rows ``{"attribute", "label", "values"}`` for attributes the layer has, each at most once.

    ``values``, only where given, maps codes to the words residents see (``{"WA": "Allgemeines Wohngebiet"}``).
    """
    cleaned, seen = [], set()
    for row in rows or []:
        if not isinstance(row, dict) or len(cleaned) >= MAX_POPUP_ROWS:
            continue
        attribute = row.get("attribute")
        if not isinstance(attribute, str) or attribute in seen or (attributes is not None and attribute not in attributes):
            continue
        seen.add(attribute)
        entry = {"attribute": attribute, "label": str(row.get("label") or attribute)[:100]}
        if values := clean_value_labels(row.get("values")):
            entry["values"] = values
        cleaned.append(entry)
    return cleaned


def public_attributes(layer: Layer) -> list[str]:
    """The attributes residents may receive: those in the popup and the one that picks colours.

    Everything else stays on the server (attributes may hold owners' names).
    """
    names = [row["attribute"] for row in clean_popup(layer.popup)]
    attribute = clean_style(layer.style).get("categorise_by")
    if attribute and attribute not in names:
        names.append(attribute)
    return names
