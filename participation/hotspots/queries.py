"""The hot spots of a project's or statute's comments, for the planners' map and the report."""
from __future__ import annotations

import json

from flask import current_app
from sqlalchemy import select

from geo.hotspots import find_hotspots, metric_crs_at
from participation.cache import cached_json
from participation.comments.models import Comment, Visibility
from participation.comments.services import comments_scope
from participation.comments.subjects import Subject, is_statute, of_subject
from participation.extensions import db
from participation.projects.models import Category
from participation.weighing.queries import paragraph_labels


def subject_hotspots(subject: Subject, public: bool = False) -> list[dict]:
    """The hot spots of `subject`'s top-level comments with a place, largest first: published ones only
    (`public`), or those waiting for approval too (the planners' view). Hidden and rejected comments
    never count. Cached until a comment of the subject changes."""
    distance = float(current_app.config["HOTSPOT_DISTANCE_METRES"])
    minimum = int(current_app.config["HOTSPOT_MIN_COMMENTS"])
    key = f"hotspots:{'public' if public else 'all'}:{distance:g}:{minimum}"
    return json.loads(cached_json(comments_scope(subject), key, lambda: _compute(subject, public, distance, minimum)))


def _compute(subject: Subject, public: bool, distance: float, minimum: int) -> list[dict]:
    shown = [Visibility.PUBLISHED] if public else [Visibility.PUBLISHED, Visibility.PENDING]
    rows = db.session.execute(
        select(Comment.id, Comment.min_x, Comment.min_y, Category.name, Comment.paragraph_anchor)
        .outerjoin(Category, Category.id == Comment.category_id)
        .where(of_subject(subject), Comment.parent_id.is_(None), Comment.deleted_at.is_(None),
               Comment.min_x.is_not(None), Comment.visibility.in_(shown))
        .order_by(Comment.id)).all()
    if is_statute(subject):
        labels = paragraph_labels(subject)
        topics = [labels.get(r.paragraph_anchor or "", "") for r in rows]
    else:
        topics = [r.name or "" for r in rows]
    centre = subject.area.centroid.x if subject.area is not None else (rows[0].min_x if rows else 10.0)
    spots = find_hotspots([r.min_x for r in rows], [r.min_y for r in rows], topics, metric_crs_at(centre),
                          distance=distance, min_comments=minimum)
    return [{"count": s.count, "longitude": s.longitude, "latitude": s.latitude, "radius": s.radius,
             "categories": [[name, n] for name, n in s.top_categories],
             "comments": [rows[i].id for i in s.members]} for s in spots]
