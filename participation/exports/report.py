"""What the PDF participation report says before its weighing table: figures, charts, the map and the hot
spots of one project's or statute's comments (within the export's days)."""
from __future__ import annotations

from collections import defaultdict

from flask import current_app
from babel.dates import format_skeleton
from flask_babel import format_date, get_locale, gettext as _
from sqlalchemy import distinct, func, select

from geo.errors import N_
from geo.hotspots import find_hotspots, metric_crs_at
from participation.accounts.models import User
from participation.charts import buckets, column_chart
from participation.comments.models import Comment, Support, Visibility
from participation.comments.subjects import is_statute
from participation.exports import rows
from participation.exports.reportmap import report_map
from participation.extensions import db
from participation.projects.models import Category

#: Comments a report's map and hot spots show: those residents see or will see (hidden and rejected never).
SHOWN = (Visibility.PUBLISHED, Visibility.PENDING)
BUCKET_WORDS = {"day": N_("Comments per day"), "week": N_("Comments per week (from Monday)"),
                "month": N_("Comments per month")}


def report_context(scope: rows.Scope, words: rows.Words) -> dict:
    """Everything the report template shows above the weighing table."""
    figures = defaultdict(list)
    for chunk in rows.figure_rows(scope, words):
        for row in chunk:
            figures[row["figure"]].append((row["value"], row["count"]))
    total = figures.pop(_("Comments"))[0][1]
    topic = _("Paragraph") if is_statute(scope.subject) else _("Category")
    return {
        "totals": _totals(scope, total),
        "figures": dict(figures),
        "topic": topic,
        "topics": _shares(figures.get(topic, []), total),
        "timeline": _timeline(scope, words),
        "statute": is_statute(scope.subject),
        "hotspot_minimum": int(current_app.config["HOTSPOT_MIN_COMMENTS"]),
        "hotspot_distance": int(current_app.config["HOTSPOT_DISTANCE_METRES"]),
        **_map_and_hotspots(scope, words),
    }


def _totals(scope: rows.Scope, total: int) -> list[tuple[str, int]]:
    _top, replies = rows.count_comments(scope)
    placed, answered = db.session.execute(
        select(func.count(Comment.min_x), func.count(Comment.answer_id))
        .where(*scope.where(), Comment.parent_id.is_(None))).one()
    supports = db.session.scalar(select(func.count()).select_from(Support).join(
        Comment, Comment.id == Support.comment_id).where(*scope.where())) or 0
    people = db.session.scalar(select(func.count(distinct(Comment.author_id))).join(
        User, User.id == Comment.author_id).where(*scope.where(), User.role.not_in(rows.STAFF))) or 0
    return [(_("Comments"), total), (_("Replies to comments"), replies), (_("Supports"), supports),
            (_("Residents who took part online"), people), (_("Comments with a place"), placed),
            (_("Comments the town answered"), answered)]


def _shares(counts: list[tuple[str, int]], total: int) -> list[dict]:
    """Rows of the bar chart of categories or paragraphs: count, share of all comments, bar length."""
    largest = max((count for _value, count in counts), default=0)
    return [{"label": value, "count": count, "percent": round(100 * count / total) if total else 0,
             "bar": round(100 * count / largest) if largest else 0} for value, count in counts]


def _timeline(scope: rows.Scope, words: rows.Words) -> dict | None:
    """The comments over time as a column chart, by the day they reached the town (letters by the day
    of receipt), in the town's time zone."""
    query = (select(Comment.created_at, Comment.received_on)
             .where(*scope.where(), Comment.parent_id.is_(None)).order_by(Comment.id))
    days = (received or words.local(created).date()
            for created, received in db.session.execute(query, execution_options={"yield_per": rows.CHUNK}))
    found, size = buckets(days)
    if not found:
        return None
    skeleton = "yMMM" if size == "month" else "dM"  # "Dez. 2026" / "1.12." in German, "Dec 2026" / "12/1"
    columns = [(format_skeleton(skeleton, b.start, locale=get_locale()), b.count) for b in found]
    busiest = max(found, key=lambda b: b.count)
    title = _(BUCKET_WORDS[size])
    if size == "day":
        summary = _("Most comments (%(count)d) arrived on %(day)s.", count=busiest.count,
                    day=format_date(busiest.start))
    elif size == "week":
        summary = _("Most comments (%(count)d) arrived in the week from %(day)s.", count=busiest.count,
                    day=format_date(busiest.start))
    else:
        summary = _("Most comments (%(count)d) arrived in %(month)s.", count=busiest.count,
                    month=format_skeleton("yMMMM", busiest.start, locale=get_locale()))
    return {"svg": column_chart(columns, f"{title}. {summary}"), "title": title, "summary": summary,
            "columns": len(found), "first": found[0].start, "rows": [(b.start, b.count) for b in found]}


def _map_and_hotspots(scope: rows.Scope, words: rows.Words) -> dict:
    subject = scope.subject
    query = (select(Comment.min_x, Comment.min_y, Category.name, Comment.paragraph_anchor)
             .outerjoin(Category, Category.id == Comment.category_id)
             .where(*scope.where(), Comment.parent_id.is_(None), Comment.min_x.is_not(None),
                    Comment.visibility.in_(SHOWN))
             .order_by(Comment.id))
    placed = db.session.execute(query).all()
    spots = []
    if placed:
        topics = ([words.paragraph(subject.id, r.paragraph_anchor) for r in placed] if is_statute(subject)
                  else [r.name or "" for r in placed])
        centre = subject.area.centroid.x if subject.area is not None else placed[0].min_x
        spots = [{"count": s.count, "longitude": s.longitude, "latitude": s.latitude, "radius": s.radius,
                  "categories": s.top_categories}
                 for s in find_hotspots([r.min_x for r in placed], [r.min_y for r in placed], topics,
                                        metric_crs_at(centre),
                                        distance=float(current_app.config["HOTSPOT_DISTANCE_METRES"]),
                                        min_comments=int(current_app.config["HOTSPOT_MIN_COMMENTS"]))]
    return {"map": report_map(subject, [(r.min_x, r.min_y) for r in placed], spots), "hotspots": spots,
            "placed_shown": len(placed)}
