"""The planners' daily digest: new comments per project and statute, approvals waiting, open reports.

Each planner (or admin) who is a member of a town gets at most one digest per town and local day
(`TIME_ZONE`), not before `DIGEST_HOUR`, and none when nothing happened: no new comment since their
last digest (or in the last 24 hours), nothing waiting for approval, no open report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from participation.comments.models import Comment, Report, Visibility
from participation.comments.subjects import of_town
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.notifications.mailing import queue_notice
from participation.notifications.models import SentNotice
from participation.notifications.permissions import gets_digest
from participation.projects.models import Project
from participation.statutes.labels import statute_title
from participation.statutes.models import Statute
from participation.web.mail import external_url


@dataclass
class TownSummary:
    """What happened in a town since a moment, for one digest."""

    #: (title, number of new comments and replies, link), projects first, then statutes, by title.
    new_comments: list[tuple[str, int, str]] = field(default_factory=list)
    pending: int = 0
    reported_comments: int = 0

    @property
    def new_total(self) -> int:
        return sum(count for _title, count, _link in self.new_comments)

    @property
    def is_empty(self) -> bool:
        return not (self.new_comments or self.pending or self.reported_comments)


def summary(town: Municipality, since: datetime) -> TownSummary:
    """The town's new comments since `since`, and what waits for a moderator now."""
    result = TownSummary()
    fresh = (Comment.created_at >= since, Comment.deleted_at.is_(None))
    project_counts = db.session.execute(
        select(Project.id, Project.title, func.count(Comment.id)).join(Comment, Comment.project_id == Project.id)
        .where(Project.municipality_id == town.id, *fresh)
        .group_by(Project.id, Project.title).order_by(Project.title, Project.id)).all()
    for project_id, title, count in project_counts:
        result.new_comments.append((title, count, external_url("projects.show", slug=town.slug,
                                                               project_id=project_id)))
    statute_counts = dict(db.session.execute(
        select(Statute.id, func.count(Comment.id)).join(Comment, Comment.statute_id == Statute.id)
        .where(Statute.municipality_id == town.id, *fresh).group_by(Statute.id)).all())
    statutes = db.session.scalars(select(Statute).where(Statute.id.in_(statute_counts))
                                  .order_by(Statute.title, Statute.id)) if statute_counts else []
    for statute in statutes:
        result.new_comments.append((statute_title(statute), statute_counts[statute.id],
                                    external_url("statutes.show", slug=town.slug, statute_id=statute.id)))
    result.pending = db.session.scalar(select(func.count(Comment.id)).where(
        of_town(town.id), Comment.visibility == Visibility.PENDING, Comment.deleted_at.is_(None))) or 0
    result.reported_comments = db.session.scalar(
        select(func.count(func.distinct(Report.comment_id))).join(Comment, Report.comment_id == Comment.id)
        .where(of_town(town.id), Report.is_resolved.is_(False))) or 0
    return result


def digest_key(user_id: int, town_id: int, day: str) -> str:
    return f"digest:{user_id}:{town_id}:{day}"


def _last_digest(user_id: int, town_id: int) -> datetime | None:
    prefix = f"digest:{user_id}:{town_id}:"
    return db.session.scalar(select(SentNotice.created_at).where(SentNotice.key.startswith(prefix, autoescape=True))
                             .order_by(SentNotice.created_at.desc()).limit(1))


def send_digests(now: datetime | None = None) -> int:
    """Queue the digests due at `now` (default: the current time); returns how many were queued.
    The caller commits."""
    now = now or utcnow()
    local = now.astimezone(ZoneInfo(current_app.config["TIME_ZONE"]))
    if local.hour < int(current_app.config["DIGEST_HOUR"]):
        return 0
    day = local.date().isoformat()
    sent = 0
    towns = db.session.scalars(select(Municipality).options(selectinload(Municipality.members))
                               .order_by(Municipality.id))
    for town in towns:
        for user in sorted((m for m in town.members if gets_digest(m)), key=lambda m: m.id):
            key = digest_key(user.id, town.id, day)
            if db.session.scalar(select(SentNotice.id).where(SentNotice.key == key)) is not None:
                continue  # today's went out: no need to count again every quarter of an hour
            since = _last_digest(user.id, town.id) or now - timedelta(hours=24)
            found = summary(town, since)
            if found.is_empty:
                continue
            subject = ngettext("Daily summary for %(town)s: %(num)d new comment",
                               "Daily summary for %(town)s: %(num)d new comments", found.new_total, town=town.name)
            body = render_template("mail/digest.txt", user=user, town=town, summary=found, since=since,
                                   moderation=external_url("moderation.queue", slug=town.slug))
            if queue_notice(user.email, "digest", subject, body, key=key):
                # The next digest counts from the moment this one covered (`now` may be given, e.g. by the CLI).
                db.session.execute(update(SentNotice).where(SentNotice.key == key).values(created_at=now))
                sent += 1
    if sent:
        current_app.logger.info("Queued %s digests", sent)
    return sent
