"""Charts drawn on the server (participation.charts): buckets over time and a column chart's SVG."""
from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

from participation.charts import buckets, column_chart


def test_days_are_counted_per_day_week_or_month_with_empty_ones_in_between():
    days = [date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 5)]
    found, size = buckets(days)
    assert size == "day" and [(b.start.day, b.count) for b in found] == [(2, 2), (3, 0), (4, 0), (5, 1)]
    weeks, size = buckets([date(2026, 3, 4), date(2026, 6, 10)])
    assert size == "week" and weeks[0].start == date(2026, 3, 2) and len(weeks) == 15
    assert sum(b.count for b in weeks) == 2 and weeks[-1].start.weekday() == 0
    months, size = buckets([date(2025, 11, 30), date(2028, 1, 1)])
    assert size == "month" and months[0].start == date(2025, 11, 1) and months[1].start == date(2025, 12, 1)
    assert len(months) == 27 and buckets([]) == ([], "day")


def test_a_column_chart_is_an_image_with_a_name_and_its_words_escaped():
    svg = column_chart([("1.3.", 4), ("<b>&2.3.", 0), ("3.3.", 12)], 'Beiträge "pro" Tag <script>')
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own SVG; well-formed: labels and title are escaped
    assert root.get("role") == "img" and root.get("aria-label") == 'Beiträge "pro" Tag <script>'
    bars = root.findall("{http://www.w3.org/2000/svg}rect")
    assert len(bars) == 2  # an empty column draws nothing
    heights = sorted(float(bar.get("height")) for bar in bars)
    assert abs(heights[1] / heights[0] - 3) < 0.01  # true to the counts
    assert "<b>" not in svg and "&lt;b&gt;&amp;2.3." in svg
