"""Reading what a style can refer to."""
from __future__ import annotations

import math
import re

from sqlalchemy import select

from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerVersion

#: Attribute types (as the upload check reports them) whose values are numbers to classify.
NUMERIC_TYPES = ("integer", "float")
#: A number written as text, as GDAL stores a column that also holds text ("0.29999999999999999"), or
#: with a decimal comma; no group separators. static/js/layer-map.js reads the same (NUMBER_TEXT).
NUMBER_TEXT = re.compile(r"\s*-?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?\s*")


def as_number(value: object) -> float | None:
    """A finite number from a number or a text that is one, else None (booleans are not numbers)."""
    if isinstance(value, str) and NUMBER_TEXT.fullmatch(value):
        value = float(value.replace(",", "."))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _values_of(version: LayerVersion, attribute: str):
    """One attribute's values, feature by feature, streamed in one pass.

    Not with SQL's JSON paths: SQLite's ``json_extract`` misses names with
    umlauts, spaces or quotes (as SQLAlchemy writes the path), and such names
    are common in German data.
    """
    rows = db.session.scalars(select(LayerFeature.properties).where(LayerFeature.version_id == version.id),
                              execution_options={"yield_per": 2000})
    for properties in rows:
        yield (properties or {}).get(attribute)


def attribute_values(version: LayerVersion, attribute: str, limit: int) -> list[str]:
    """The most frequent values of one attribute in a version, as text, at most `limit`."""
    counts: dict[str, int] = {}
    for value in _values_of(version, attribute):
        if value is not None and value != "":
            counts[str(value)] = counts.get(str(value), 0) + 1
    return sorted(counts, key=lambda value: (-counts[value], value))[:limit]


def numeric_values(version: LayerVersion, attribute: str) -> tuple[list[float], int]:
    """The finite numbers among one attribute's values in a version, and how many other values
    there are besides empty ones (such as "k. A."), in one pass. Those others keep the plain fill."""
    numbers, others = [], 0
    for value in _values_of(version, attribute):
        if (number := as_number(value)) is not None:
            numbers.append(number)
        elif value is not None and value != "":
            others += 1
    return numbers, others


def is_numeric(layer: Layer, attribute: str, numbers: list[float], others: int) -> bool:
    """Whether to classify `attribute`: the check report found numbers, or most of its values are
    numbers (a GRZ column with a few "k. A." is read as text)."""
    version = layer.current_version or (layer.versions[-1] if layer.versions else None)
    kinds = dict(map(tuple, version.report.get("attributes", []))) if version else {}
    return kinds.get(attribute) in NUMERIC_TYPES or (bool(numbers) and len(numbers) >= others)
