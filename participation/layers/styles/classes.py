"""Classes of a numeric attribute: breaks by equal intervals or quantiles, and their colours.

Plain numbers in, plain numbers out (no Flask): the view fills the style form
with them, `legend` labels them. A class is a closed range ``(low, high)``; a
value on a shared break belongs to the lower class (the map script takes the
first class that holds it).
"""
from __future__ import annotations

import math

#: Ways to classify numbers, as stored in ``style["classify"]["method"]``.
CLASS_METHODS = ("equal", "quantile")
MIN_CLASSES, MAX_CLASSES = 3, 7
DEFAULT_CLASS_COUNT = 5

#: Sequential colours per class count, low values light, high values dark: viridis as sampled by
#: viridisLite (perceptually uniform, readable with the common colour vision deficiencies and in
#: greyscale), reversed so that "more" is darker as map readers expect.
SEQUENTIAL = {
    1: ["#21918c"],
    2: ["#fde725", "#440154"],
    3: ["#fde725", "#21918c", "#440154"],
    4: ["#fde725", "#35b779", "#31688e", "#440154"],
    5: ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"],
    6: ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"],
    7: ["#fde725", "#90d743", "#35b779", "#21918c", "#31688e", "#443983", "#440154"],
}


def sequential_colours(count: int) -> list[str]:
    """`count` (1 … MAX_CLASSES) distinct colours from light to dark."""
    return list(SEQUENTIAL[count])


def decimals_for(step: float) -> int:
    """Decimal places that show a difference of `step` with two significant digits (0 … 6)."""
    if not step > 0 or not math.isfinite(step):
        return 0
    return max(0, min(6, 1 - math.floor(math.log10(step))))


def _ranges(breaks: list[float]) -> list[tuple[float, float]]:
    """Consecutive breaks as closed ranges; repeated breaks (many equal values) merge classes."""
    unique = [b for i, b in enumerate(breaks) if i == 0 or b > breaks[i - 1]]
    if len(unique) == 1:
        return [(unique[0], unique[0])]
    return list(zip(unique, unique[1:]))


def equal_intervals(low: float, high: float, count: int) -> list[tuple[float, float]]:
    """`count` ranges of equal width from `low` to `high`; inner breaks rounded to two significant
    digits of the width (they stay ordered: the rounding is at most a twentieth of the width)."""
    width = (high - low) / count
    places = decimals_for(width)
    inner = [round(low + k * width, places) for k in range(1, count)]
    return _ranges([low, *inner, high])


def quantiles(values: list[float], count: int) -> list[tuple[float, float]]:
    """Ranges holding about the same number of `values` each (sorted ascending); breaks are
    values of the data (nearest rank), so fewer classes result where many values are equal."""
    n = len(values)
    inner = [values[max(0, math.ceil(k * n / count) - 1)] for k in range(1, count)]
    return _ranges([values[0], *inner, values[-1]])


def classify(values: list[float], method: str, count: int) -> list[tuple[float, float]]:
    """Class ranges for `values` (finite numbers, any order, at least one) by `method`."""
    if method not in CLASS_METHODS:
        raise ValueError(f"unknown classification {method!r}")
    count = max(MIN_CLASSES, min(MAX_CLASSES, int(count)))
    ordered = sorted(values)
    if method == "equal":
        return equal_intervals(ordered[0], ordered[-1], count)
    return quantiles(ordered, count)
