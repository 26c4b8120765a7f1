"""Reading comments: the page beside the map, the pins in a bbox, the reports.

Each function issues a fixed number of queries however many comments there are.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from geo.bbox import BBox
from participation.comments.models import Comment, Report, Support
from participation.database.spatial import intersects_bbox
from participation.extensions import db
from participation.projects.models import Project

PAGE_SIZE = 20


@dataclass
class CommentPage:
    items: list[Comment]
    number: int
    pages: int
    total: int
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    supports: dict[int, int] = field(default_factory=dict)
    supported_by_me: set[int] = field(default_factory=set)


def _visible_top_level(project: Project):
    return select(Comment).where(
        Comment.project_id == project.id, Comment.parent_id.is_(None), Comment.is_removed.is_(False)
    )


def support_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Support.comment_id, func.count()).where(Support.comment_id.in_(ids)).group_by(Support.comment_id)
    )
    return dict(rows.all())


def comment_page(project: Project, user, number: int) -> CommentPage:
    """One page of top-level comments, newest first, with replies and support counts."""
    total = db.session.scalar(select(func.count()).select_from(_visible_top_level(project).subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(number, 1), pages)
    items = db.session.scalars(
        _visible_top_level(project)
        .options(selectinload(Comment.author), selectinload(Comment.category))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    ).all()
    ids = [c.id for c in items]
    page = CommentPage(list(items), number, pages, total)
    if not ids:
        return page
    for reply in db.session.scalars(
        select(Comment)
        .options(selectinload(Comment.author))
        .where(Comment.parent_id.in_(ids), Comment.is_removed.is_(False))
        .order_by(Comment.created_at, Comment.id)
    ):
        page.replies.setdefault(reply.parent_id, []).append(reply)
    page.supports = support_counts(ids)
    if getattr(user, "is_authenticated", False):
        page.supported_by_me = set(
            db.session.scalars(select(Support.comment_id).where(Support.comment_id.in_(ids), Support.user_id == user.id))
        )
    return page


def pins_in_bbox(project: Project, bbox: BBox, limit: int) -> tuple[list[Comment], int]:
    """Visible pinned top-level comments inside `bbox` (at most `limit`), and how many there are."""
    where = (
        Comment.project_id == project.id,
        Comment.parent_id.is_(None),
        Comment.is_removed.is_(False),
        intersects_bbox(db.session.get_bind().dialect, Comment, Comment.spatial, bbox),
    )
    matched = db.session.scalar(select(func.count(Comment.id)).where(*where)) or 0
    items = db.session.scalars(
        select(Comment)
        .options(selectinload(Comment.author), selectinload(Comment.category))
        .where(*where)
        .order_by(Comment.id.desc())
        .limit(limit)
    ).all()
    return list(items), matched


def reply_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Comment.parent_id, func.count())
        .where(Comment.parent_id.in_(ids), Comment.is_removed.is_(False))
        .group_by(Comment.parent_id)
    )
    return dict(rows.all())


def open_reports(municipality_id: int) -> list[tuple[Comment, list[Report]]]:
    """Comments of a municipality with unresolved reports, most reported first."""
    reports = db.session.scalars(
        select(Report)
        .join(Comment, Report.comment_id == Comment.id)
        .join(Project, Comment.project_id == Project.id)
        .options(selectinload(Report.comment).selectinload(Comment.author), selectinload(Report.reporter))
        .where(Project.municipality_id == municipality_id, Report.is_resolved.is_(False))
        .order_by(Report.created_at)
    ).all()
    grouped: dict[int, tuple[Comment, list[Report]]] = {}
    for item in reports:
        grouped.setdefault(item.comment_id, (item.comment, []))[1].append(item)
    return sorted(grouped.values(), key=lambda pair: -len(pair[1]))
