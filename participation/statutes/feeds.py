"""A town's participation in feeds: Atom (RFC 4287) for what is open now, iCalendar (RFC 5545) for the deadlines.

The Atom feed lists the statutes whose participation period runs (a public display
above all) and the projects open for comments; the calendar has one all-day event per
period of a published statute and per participation period of a published project,
from a year back onwards. Links come from BASE_URL, never from the request's Host.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import Blueprint, Response, current_app
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from participation import config as settings
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.loaders import get_municipality
from participation.municipalities.models import Municipality
from participation.projects.models import Phase, Project
from participation.projects.permissions import is_participation_open
from participation.statutes.labels import PERIOD_KIND_LABELS, statute_title
from participation.statutes.models import PeriodKind, Statute, StatutePeriod
from participation.statutes.periods import is_open, local_date
from participation.web.mail import external_url

bp = Blueprint("statute_feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
#: Characters XML 1.0 does not allow (control characters other than tab and line breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: How far back the calendar reaches: older periods are history, not deadlines.
CALENDAR_DAYS_BACK = 365


@bp.get("/<slug>/satzungen.atom")
def atom(slug: str):
    town = get_municipality(slug)
    return Response(atom_feed(town, utcnow()), content_type="application/atom+xml; charset=utf-8")


@bp.get("/<slug>/fristen.ics")
def calendar(slug: str):
    town = get_municipality(slug)
    response = Response(ical_calendar(town, utcnow()), content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="fristen-{town.slug}.ics"'
    return response


@dataclass(frozen=True)
class _Entry:
    key: str
    created: datetime
    updated: datetime
    title: str
    summary: str
    url: str
    category: str


def atom_feed(town: Municipality, now: datetime) -> bytes:
    """The Atom document of `town`'s statutes in a running participation period and its open projects."""
    entries = [*_statute_entries(town, now), *_project_entries(town, now)]
    entries.sort(key=lambda e: e.updated, reverse=True)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": str(get_locale())})
    _text(feed, "id", _tag_uri(town.created_at, f"/{town.slug}/satzungen.atom"))
    _text(feed, "title", _("Participation in {town}: public displays and open projects").format(town=town.name))
    _text(feed, "subtitle", _("Statutes in their public display and projects open for comments."))
    _text(feed, "updated", _rfc3339(max([town.updated_at, *(e.updated for e in entries)])))
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", town.name)
    _link(feed, "self", external_url("statute_feeds.atom", slug=town.slug), "application/atom+xml")
    _link(feed, "alternate", external_url("statutes.register", slug=town.slug), "text/html")
    for item in entries:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", _tag_uri(item.created, item.key))
        _text(entry, "title", item.title)
        _text(entry, "updated", _rfc3339(item.updated))
        _link(entry, "alternate", item.url, "text/html")
        _text(entry, "summary", item.summary)
        ElementTree.SubElement(entry, f"{{{ATOM}}}category", {"term": item.category})
    ElementTree.register_namespace("", ATOM)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def _statute_entries(town: Municipality, now: datetime) -> list[_Entry]:
    entries = []
    for statute in _published_statutes(town):
        period = is_open(statute, now)
        if period is None:
            continue
        kind = PERIOD_KIND_LABELS[period.kind]
        days = _("{start} to {end}").format(start=_day(period.starts_on), end=_day(period.ends_on))
        what = (_("Statements can be submitted until the end of {end}.") if period.kind is PeriodKind.DISPLAY
                else _("Comments can be made until the end of {end}.")).format(end=_day(period.ends_on))
        entries.append(_Entry(
            key=f"/{town.slug}/satzungen/{statute.id}/fristen/{period.id}",
            created=period.created_at,
            updated=max([statute.updated_at, period.updated_at, *(c.changed_at for c in period.changes)]),
            title=f"{kind}: {statute_title(statute)}",
            summary=" ".join(part for part in (f"{kind} {days}.", what, statute.summary) if part),
            url=external_url("statutes.show", slug=town.slug, statute_id=statute.id),
            category=f"statute-{period.kind.value}",
        ))
    return entries


def _project_entries(town: Municipality, now: datetime) -> list[_Entry]:
    today = local_date(now)
    entries = []
    for project in db.session.scalars(select(Project).where(
            Project.municipality_id == town.id, Project.phase == Phase.PARTICIPATION).order_by(Project.id)):
        if not is_participation_open(project, today):
            continue
        until = (_("Comments can be made until the end of {end}.").format(end=_day(project.participation_end))
                 if project.participation_end else "")
        entries.append(_Entry(
            key=f"/{town.slug}/projekte/{project.id}",
            created=project.created_at,
            updated=project.updated_at,
            title=_("Participation: {title}").format(title=project.title),
            summary=" ".join(part for part in (until, project.summary) if part),
            url=external_url("projects.show", slug=town.slug, project_id=project.id),
            category="project-participation",
        ))
    return entries


def ical_calendar(town: Municipality, now: datetime) -> bytes:
    """The iCalendar file of `town`'s participation periods: one all-day event per period."""
    since = local_date(now) - timedelta(days=CALENDAR_DAYS_BACK)
    host = _host()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Beteiligungspool//Fristen//DE", "CALSCALE:GREGORIAN",
             "X-WR-CALNAME:" + _ical_text(_("Participation deadlines in {town}").format(town=town.name)),
             "X-WR-TIMEZONE:" + current_app.config["TIME_ZONE"]]
    for statute in _published_statutes(town):
        for period in statute.periods:
            if period.ends_on < since:
                continue
            kind = PERIOD_KIND_LABELS[period.kind]
            what = (_("Statements can be submitted until the end of {end}.") if period.kind is PeriodKind.DISPLAY
                    else _("Comments can be made until the end of {end}.")).format(end=_day(period.ends_on))
            lines += _event(
                uid=f"statute-period-{period.id}@{host}",
                stamp=max([period.updated_at, *(c.changed_at for c in period.changes)]),
                sequence=len(period.changes),
                first=period.starts_on, last=period.ends_on,
                summary=f"{kind}: {statute_title(statute)}",
                description=" ".join(part for part in (what, statute.summary) if part),
                url=external_url("statutes.show", slug=town.slug, statute_id=statute.id),
            )
    for project in db.session.scalars(select(Project).where(
            Project.municipality_id == town.id, Project.phase != Phase.DRAFT,
            Project.participation_start.is_not(None), Project.participation_end.is_not(None),
            Project.participation_end >= since).order_by(Project.id)):
        lines += _event(
            uid=f"project-{project.id}@{host}",
            stamp=project.updated_at,
            sequence=0,
            first=project.participation_start, last=project.participation_end,
            summary=_("Participation: {title}").format(title=project.title),
            description=" ".join(part for part in (
                _("Comments can be made until the end of {end}.").format(end=_day(project.participation_end)),
                project.summary) if part),
            url=external_url("projects.show", slug=town.slug, project_id=project.id),
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _event(*, uid: str, stamp: datetime, sequence: int, first: date, last: date, summary: str, description: str,
           url: str) -> list[str]:
    """An all-day VEVENT: DTEND is the day after the last day (RFC 5545 3.6.1, end exclusive)."""
    return [
        "BEGIN:VEVENT",
        "UID:" + _ical_text(uid),
        "DTSTAMP:" + stamp.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
        "SEQUENCE:" + str(sequence),
        "DTSTART;VALUE=DATE:" + first.strftime("%Y%m%d"),
        "DTEND;VALUE=DATE:" + (last + timedelta(days=1)).strftime("%Y%m%d"),
        "SUMMARY:" + _ical_text(summary),
        "DESCRIPTION:" + _ical_text(description),
        "URL;VALUE=URI:" + url,
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def fold(line: str, limit: int = 75) -> str:
    """A content line folded at `limit` octets (RFC 5545 3.1): CRLF and a space before each
    continuation, never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        # The first line holds `limit` octets; each continuation line starts with a space.
        if size + width > (limit if not parts else limit - 1):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _ical_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _published_statutes(town: Municipality) -> list[Statute]:
    return list(db.session.scalars(
        select(Statute).where(Statute.municipality_id == town.id, Statute.published_at.is_not(None))
        .options(selectinload(Statute.periods).selectinload(StatutePeriod.changes)).order_by(Statute.id)))


def _host() -> str:
    return urlsplit(settings.base_url(current_app.config)).hostname or "localhost"


def _tag_uri(created: datetime, path: str) -> str:
    """A tag: URI (RFC 4151) for an Atom id: unique, and the same for the same thing in every fetch."""
    return f"tag:{_host()},{created.date().isoformat()}:{path}"


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: ElementTree.Element, name: str, value: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}{name}").text = _NOT_XML.sub("", value)


def _link(parent: ElementTree.Element, rel: str, href: str, media_type: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "href": href, "type": media_type})


def _day(day: date) -> str:
    return format_date(day, "medium")
