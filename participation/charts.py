"""Charts drawn on the server as SVG, for documents that no browser renders (the PDF report).

Plain functions of numbers and words: no Flask, nothing fetched, every text escaped. A chart is an
image with an accessible name; the document beside it says the same in words or a table.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Iterable

BAR = "#2f6f9f"
AXIS = "#1f1f1f"
GRID = "#d0d0d0"


@dataclass
class Bucket:
    """One column of a chart over time: the first day it counts, and how many fell into it."""

    start: date
    count: int


def bucket_size(first: date, last: date) -> str:
    """"day" for up to two months, "week" for up to two years, else "month"."""
    span = (last - first).days
    if span <= 62:
        return "day"
    return "week" if span <= 730 else "month"


def _start_of(day: date, size: str) -> date:
    if size == "week":
        return day - timedelta(days=day.weekday())
    if size == "month":
        return day.replace(day=1)
    return day


def _next(start: date, size: str) -> date:
    if size == "week":
        return start + timedelta(days=7)
    if size == "month":
        return (start + timedelta(days=32)).replace(day=1)
    return start + timedelta(days=1)


def buckets(days: Iterable[date], size: str | None = None) -> tuple[list[Bucket], str]:
    """Count `days` per day, week (from Monday) or month, empty ones included, and say which size."""
    counted = Counter(days)
    if not counted:
        return [], size or "day"
    first, last = min(counted), max(counted)
    size = size or bucket_size(first, last)
    per_start: Counter = Counter()
    for day, count in counted.items():
        per_start[_start_of(day, size)] += count
    found, start = [], _start_of(first, size)
    while start <= last:
        found.append(Bucket(start, per_start.get(start, 0)))
        start = _next(start, size)
    return found, size


def _nice_step(maximum: int) -> int:
    """A step for 3–6 grid lines up to `maximum`: 1, 2, 5, 10, 20, 50 …"""
    step = 1
    while maximum / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if maximum / step <= 5:
                break
    return max(step, 1)


def column_chart(columns: list[tuple[str, int]], title: str, width: int = 720, height: int = 220,
                 label_every: int | None = None) -> str:
    """Columns over time (or any ordered series): `columns` are (label under the axis, count).

    `label_every` writes every n-th label (default: as many as fit, about one per 60 units).
    """
    left, bottom, top, right = 40, 28, 10, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    maximum = max((count for _label, count in columns), default=0)
    step = _nice_step(max(maximum, 1))
    ceiling = step * -(-max(maximum, 1) // step)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
             f"<title>{escape(title)}</title>"]
    for value in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * value / ceiling
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">{value}</text>')
    if columns:
        slot = plot_w / len(columns)
        gap = min(slot * 0.2, 4)
        every = label_every or max(1, round(60 / slot))
        for index, (label, count) in enumerate(columns):
            x = left + index * slot
            bar = plot_h * count / ceiling
            if count:
                parts.append(f'<rect x="{x + gap / 2:.1f}" y="{top + plot_h - bar:.1f}" width="{slot - gap:.1f}" '
                             f'height="{bar:.1f}" fill="{BAR}"/>')
            if index % every == 0:
                parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - 10}" text-anchor="middle" '
                             f'fill="{AXIS}">{escape(label)}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
                 f'stroke="{AXIS}"/></svg>')
    return "".join(parts)
