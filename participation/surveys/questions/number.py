"""A number, optionally whole, within a range and with a unit."""
from __future__ import annotations

import math
import re

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from geo.errors import N_
from participation.surveys.questions import Answered, AnswerError, QuestionType, Setting, register

#: "12", "-3", "12,5" or "12.5": one decimal mark, comma or point, no grouping (which would make "1.234" ambiguous).
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")


def parse_number(text: str) -> float | None:
    """A typed number with a decimal comma or point, or None."""
    text = text.replace(" ", "").replace("\u202f", "").replace("\u2212", "-")
    if len(text) > 30 or not _NUMBER.match(text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


@register
class Number(QuestionType):
    kind = "number"
    label = _l("Numeric answer")
    description = _l("A number, e.g. minutes or metres, within a range.")
    settings = (Setting("min", _l("Smallest value"), "float"),
                Setting("max", _l("Largest value"), "float"),
                Setting("unit", _l("Unit (e.g. minutes)"), "text", high=30),
                Setting("whole", _l("Whole numbers only"), "bool", default=True))

    def check_settings(self, settings: dict) -> dict[str, str]:
        low, high = settings.get("min"), settings.get("max")
        if low is not None and high is not None and low > high:
            return {"min": N_("The smallest value is greater than the largest.")}
        return {}

    def read(self, question, reading) -> Answered:
        text = reading.get()
        if not text:
            return Answered()
        number = parse_number(text)
        if number is None:
            raise AnswerError(N_("Please enter a number, e.g. 12 or 12,5."))
        whole = question.settings.get("whole", True)
        if whole and number != int(number):
            raise AnswerError(N_("Please enter a whole number."))
        low, high = question.settings.get("min"), question.settings.get("max")
        if low is not None and number < low or high is not None and number > high:
            raise AnswerError(N_("Please enter a number from {low} to {high}."), low=_plain(low, "…"),
                              high=_plain(high, "…"))
        return Answered(int(number) if whole else number)

    def describe(self, question, value, geometry) -> str:
        unit = question.settings.get("unit") or ""
        return f"{format_decimal(value)} {unit}".strip()

    def add(self, question, tally, value, geometry) -> None:
        numbers = tally.extra.setdefault("numbers", [])
        numbers.append(value)

    def summary(self, question, tally, total: int) -> dict:
        numbers = sorted(tally.extra.get("numbers", []))
        if not numbers:
            return {"answered": 0, "figures": None}
        middle = len(numbers) // 2
        median = numbers[middle] if len(numbers) % 2 else (numbers[middle - 1] + numbers[middle]) / 2
        return {"answered": tally.answered, "unit": question.settings.get("unit") or "",
                "figures": {"min": numbers[0], "median": median, "mean": sum(numbers) / len(numbers),
                            "max": numbers[-1]},
                "histogram": histogram(numbers, whole=question.settings.get("whole", True))}


def histogram(numbers: list[float], bins: int = 10, whole: bool = False) -> list[tuple[float, float, int]]:
    """(from, to, count) of equal bins over sorted `numbers` (one bin when all are equal).

    With `whole` numbers a bin holds the whole numbers from `from` to `to`, both included (0–12,
    13–25, …: no bin boundary falls between two whole numbers), and there may be fewer than `bins`.
    """
    low, high = numbers[0], numbers[-1]
    if low == high:
        return [(low, high, len(numbers))]
    if whole:
        width = math.ceil((high - low + 1) / bins)
        counts = [0] * math.ceil((high - low + 1) / width)
        for number in numbers:
            counts[int((number - low) // width)] += 1
        return [(low + i * width, min(high, low + (i + 1) * width - 1), count) for i, count in enumerate(counts)]
    width = (high - low) / bins
    counts = [0] * bins
    for number in numbers:
        counts[min(bins - 1, int((number - low) / width))] += 1
    return [(low + i * width, low + (i + 1) * width, count) for i, count in enumerate(counts)]


def _plain(number, missing: str) -> str:
    if number is None:
        return missing
    return f"{number:g}"
