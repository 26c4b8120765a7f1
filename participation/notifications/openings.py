"""Opening notices: a project or statute that is open for participation now is announced once to the
people who follow it, or who follow an area it touches.

A project is open in its participation phase on the days from `participation_start` to
`participation_end` (`projects.permissions.is_participation_open`); a statute while one of its periods
runs (`statutes.periods.is_open`). Each notice has a key naming the subject, the opening (the project's
first day, the statute's period) and the account, so that a run every few minutes sends it once, and a
new period of the same statute is announced again.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

import shapely
from flask import current_app, render_template
from flask_babel import gettext as _
from pyproj import CRS, Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from participation.database.mixins import utcnow
from participation.extensions import db
from participation.notifications import queries
from participation.notifications.mailing import claim, queue_notice
from participation.notifications.models import Follow
from participation.notifications.permissions import may_be_notified
from participation.projects.models import Phase, Project
from participation.projects.permissions import is_participation_open
from participation.statutes import periods
from participation.statutes.labels import statute_title
from participation.statutes.models import Statute, StatutePeriod
from participation.web.mail import external_url

#: The radii (metres) one can follow an area with.
RADII = (250, 500, 1000)
#: Metres per degree of latitude (and of longitude at the equator), for a generous first filter.
_METRES_PER_DEGREE = 111_000


@dataclass(frozen=True)
class Opening:
    """A project or statute open for participation now."""

    subject: Project | Statute
    #: What names this opening in the notice's key: the project's first day, the statute's period.
    mark: str
    #: The last day on which comments are accepted, if known.
    ends_on: date | None

    @property
    def kind(self) -> str:
        return queries.subject_kind(self.subject)

    def key(self, user_id: int) -> str:
        return f"opening:{self.kind}:{self.subject.id}:{self.mark}:{user_id}"


def open_now(now: datetime, municipality_id: int | None = None) -> list[Opening]:
    """Every project and statute open for participation at `now` (in one town, or all), by id."""
    today = periods.local_date(now)
    projects = select(Project).where(
        Project.phase == Phase.PARTICIPATION,
        or_(Project.participation_start.is_(None), Project.participation_start <= today),
        or_(Project.participation_end.is_(None), Project.participation_end >= today)).order_by(Project.id)
    statutes = select(Statute).where(
        Statute.published_at.is_not(None),
        Statute.periods.any((StatutePeriod.starts_on <= today) & (StatutePeriod.ends_on >= today)),
    ).options(selectinload(Statute.periods)).order_by(Statute.id)
    if municipality_id is not None:
        projects = projects.where(Project.municipality_id == municipality_id)
        statutes = statutes.where(Statute.municipality_id == municipality_id)
    found = [Opening(project, str(project.participation_start or "open"), project.participation_end)
             for project in db.session.scalars(projects) if is_participation_open(project, today)]
    for statute in db.session.scalars(statutes):
        period = periods.is_open(statute, now)
        if period is not None:
            found.append(Opening(statute, f"period{period.id}", period.ends_on))
    return found


def opening_of(subject: Project | Statute, now: datetime) -> Opening | None:
    """The subject's opening if it is open at `now`."""
    today = periods.local_date(now)
    if isinstance(subject, Project):
        if not is_participation_open(subject, today):
            return None
        return Opening(subject, str(subject.participation_start or "open"), subject.participation_end)
    period = periods.is_open(subject, now)
    return Opening(subject, f"period{period.id}", period.ends_on) if period is not None else None


def distance_m(point: Point, area: BaseGeometry) -> float:
    """Metres from `point` to the nearest part of `area` (both EPSG:4326); 0.0 inside it.

    Measured in an azimuthal equidistant projection centred on the point, where distances from
    the centre are true to scale.
    """
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={point.y:.7f} +lon_0={point.x:.7f} +datum=WGS84 +units=m +no_defs")
    to_metres = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    area_m = shapely.transform(area, to_metres.transform, interleaved=False)
    return float(area_m.distance(Point(0.0, 0.0)))


def touches(follow: Follow, area: BaseGeometry | None) -> bool:
    """Whether the circle of an area follow meets `area` (the boundary counts)."""
    if area is None or area.is_empty or follow.location is None or not follow.radius_m:
        return False
    point, radius = follow.location, follow.radius_m
    # A cheap test first: the area's bounds widened by the radius (in degrees, generously) must hold the point.
    margin_lat = radius / _METRES_PER_DEGREE * 1.1
    margin_lon = margin_lat / max(math.cos(math.radians(point.y)), 0.01)
    minx, miny, maxx, maxy = area.bounds
    if not (minx - margin_lon <= point.x <= maxx + margin_lon and miny - margin_lat <= point.y <= maxy + margin_lat):
        return False
    return distance_m(point, area) <= radius


def followers(opening: Opening) -> list[tuple[Follow, object]]:
    """(follow, account) for everyone to tell about `opening`: followers of the subject first, then
    follows of an area it touches in its town; one entry per account."""
    found: dict[int, tuple[Follow, object]] = {}
    for follow in queries.subject_followers(opening.subject):
        found.setdefault(follow.user_id, (follow, follow.user))
    for follow in queries.area_follows(opening.subject.municipality_id):
        if follow.user_id not in found and touches(follow, opening.subject.area):
            found[follow.user_id] = (follow, follow.user)
    return list(found.values())


def send_opening_notices(now: datetime | None = None) -> int:
    """Queue the opening notices due at `now` (default: the current time); returns how many were queued.
    The caller commits (the mails go out after the commit)."""
    now = now or utcnow()
    sent = 0
    for opening in open_now(now):
        for follow, user in followers(opening):
            if not may_be_notified(user):
                continue
            subject, body = _message(opening, follow, user)
            if queue_notice(user.email, "opening", subject, body, key=opening.key(user.id)):
                sent += 1
    if sent:
        current_app.logger.info("Queued %s opening notices", sent)
    return sent


def mark_seen(follow: Follow, now: datetime | None = None) -> None:
    """Claim the notices of what is open already when `follow` is made: one follows to hear of
    openings to come, not of what one is looking at."""
    now = now or utcnow()
    if follow.project is not None or follow.statute is not None:
        opening = opening_of(follow.project or follow.statute, now)
        openings = [opening] if opening is not None else []
    else:
        openings = [o for o in open_now(now, follow.municipality_id) if touches(follow, o.subject.area)]
    for opening in openings:
        claim(opening.key(follow.user_id))


def _message(opening: Opening, follow: Follow, user) -> tuple[str, str]:
    subject = opening.subject
    town = subject.municipality
    if isinstance(subject, Project):
        title = subject.title
        link = external_url("projects.show", slug=town.slug, project_id=subject.id)
    else:
        title = statute_title(subject)
        link = external_url("statutes.show", slug=town.slug, statute_id=subject.id)
    line = _("Open for participation: {title}").format(title=title)
    body = render_template("mail/opening.txt", user=user, title=title, town=town, opening=opening,
                           area_label=follow.label if follow.location is not None else None,
                           radius=follow.radius_m, link=link,
                           settings=external_url("notifications.settings"))
    return line, body
