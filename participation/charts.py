"""Charts drawn on the server as SVG, for documents that no browser renders (the PDF report) and for
pages that should show their charts without a script (survey results).

Plain functions of numbers and words: no Flask, nothing fetched, every text escaped. A chart is an
image with an accessible name; the document beside it says the same in words or a table.

`column_chart` has a fixed drawing size that scales as a whole (a page of a PDF has one width).
`bar_chart` and `fluid_column_chart` are for web pages: they fill the width of their box (lengths in
per cent) while their text keeps its size, so that they stay readable on a phone.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from math import ceil
from textwrap import wrap
from typing import Iterable

BAR = "#2f6f9f"
AXIS = "#1f1f1f"
GRID = "#d0d0d0"
#: The bar's full length behind it (the bar on it has a contrast of 4.6:1).
TRACK = "#e6eaee"


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


def _wrapped(label: str, chars: int) -> list[str]:
    return wrap(label, chars, break_long_words=True, break_on_hyphens=True) or [""]


def bar_chart(bars: list[tuple[str, float, str]], title: str, chars_per_line: int = 40) -> str:
    """Horizontal bars for a web page: `bars` are (label, the bar's length as a fraction of the full
    length 0…1, the figure written at its end, e.g. "12 (34 %)").

    Each label stands above its bar, wrapped after about `chars_per_line` characters (40 fit a phone);
    the figure sits right of a short bar and inside a long one (white on the bar).
    """
    font, line, bar_height, gap = 14, 18, 20, 12
    parts, y = [], 0
    for label, fraction, figure in bars:
        for text in _wrapped(label, chars_per_line):
            y += line
            parts.append(f'<text x="0" y="{y - 4}" fill="{AXIS}">{escape(text)}</text>')
        y += 2
        percent = round(100 * min(max(fraction, 0.0), 1.0), 2)
        parts.append(f'<rect x="0" y="{y}" width="100%" height="{bar_height}" fill="{TRACK}"/>')
        if percent:
            parts.append(f'<rect x="0" y="{y}" width="{percent}%" height="{bar_height}" fill="{BAR}"/>')
        if percent <= 60:
            parts.append(f'<text x="{percent}%" dx="6" y="{y + 15}" fill="{AXIS}">{escape(figure)}</text>')
        else:
            parts.append(f'<text x="{percent}%" dx="-6" y="{y + 15}" text-anchor="end" fill="#ffffff">'
                         f'{escape(figure)}</text>')
        y += bar_height + gap
    height = max(y - gap, 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" role="img" '
            f'aria-label="{escape(title)}" font-family="sans-serif" font-size="{font}">'
            f"<title>{escape(title)}</title>{''.join(parts)}</svg>")


def fluid_column_chart(columns: list[tuple[str, int]], title: str, height: int = 180,
                       label_every: int | None = None) -> str:
    """Columns for a web page (a histogram, counts per day): `columns` are (label under the axis, count).

    The columns share the box's width; `label_every` writes every n-th label (default: as many as fit
    a phone's 300 px). The grid's numbers are written over the columns with a white halo.
    """
    font, top, bottom = 12, 18, 24
    plot = height - top - bottom
    maximum = max((count for _label, count in columns), default=0)
    step = _nice_step(max(maximum, 1))
    ceiling = step * -(-max(maximum, 1) // step)
    parts, grid_labels = [], []
    for value in range(0, ceiling + 1, step):
        y = top + plot - plot * value / ceiling
        parts.append(f'<line x1="0" x2="100%" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        grid_labels.append(f'<text x="2" y="{y - 3:.1f}" fill="{AXIS}" stroke="#ffffff" stroke-width="3" '
                           f'paint-order="stroke">{value}</text>')
    if columns:
        slot = 100 / len(columns)
        gap = slot * 0.15
        longest = max(len(label) for label, _count in columns)
        every = label_every or max(1, ceil(len(columns) / max(1, 300 // (longest * 7 + 12))))
        for index, (label, count) in enumerate(columns):
            if count:
                bar = plot * count / ceiling
                parts.append(f'<rect x="{index * slot + gap / 2:.3f}%" y="{top + plot - bar:.1f}" '
                             f'width="{slot - gap:.3f}%" height="{bar:.1f}" fill="{BAR}"/>')
            if index % every == 0:
                if index == 0:
                    x, anchor = f"{index * slot:.3f}%", "start"
                elif index == len(columns) - 1:
                    x, anchor = "100%", "end"
                else:
                    x, anchor = f"{(index + 0.5) * slot:.3f}%", "middle"
                parts.append(f'<text x="{x}" y="{height - 6}" text-anchor="{anchor}" fill="{AXIS}">'
                             f"{escape(label)}</text>")
    parts.append(f'<line x1="0" x2="100%" y1="{top + plot}" y2="{top + plot}" stroke="{AXIS}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" role="img" '
            f'aria-label="{escape(title)}" font-family="sans-serif" font-size="{font}">'
            f"<title>{escape(title)}</title>{''.join(parts + grid_labels)}</svg>")
