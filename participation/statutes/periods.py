"""A statute's participation periods: what the law asks of them, whether one runs now, and changing them.

A period's days count whole (both inclusive) in the town's time zone: it opens at
00:00 of `starts_on` and closes at the end of `ends_on` (24:00, i.e. 00:00 of the next
day) in Europe/Berlin, whatever the season. A DISPLAY period (Öffentliche Auslegung,
§ 3 Abs. 2 BauGB) makes every comment in it a formal Stellungnahme with a receipt
(`statutes.receipts`).

The rules here take `now` (an aware datetime) and a time-zone name so that they can
be tested at any instant; the views pass the current time and `TIME_ZONE`.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from participation.database.mixins import utcnow
from participation.extensions import db
from participation.statutes.labels import PERIOD_KIND_LABELS
from participation.statutes.models import PeriodChange, PeriodKind, Statute, StatutePeriod

#: § 3 Abs. 2 BauGB: a public display lasts at least 30 days …
DISPLAY_MIN_DAYS = 30


class PeriodRefused(ValueError):
    """The rules refuse a period or its change; `errors` maps a form field to translated reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(reason for reasons in errors.values() for reason in reasons))
        self.errors = errors


def one_month_end(starts_on: date) -> date:
    """The last day of a period of one month whose first day is `starts_on`.

    The law counts it as §§ 187 Abs. 2, 188 Abs. 2 and 3 BGB do: the first day counts
    whole, so the period ends at the end of the day *before* the day of the next month
    that has the first day's number; when the next month has no such day, it ends
    with that month's last day.

    >>> one_month_end(date(2026, 11, 16))   # 16 Nov … 15 Dec
    datetime.date(2026, 12, 15)
    >>> one_month_end(date(2026, 1, 1))     # 1 Jan … 31 Jan
    datetime.date(2026, 1, 31)
    >>> one_month_end(date(2026, 1, 31))    # there is no 31 Feb (nor 30 Feb): 28 Feb
    datetime.date(2026, 2, 28)
    >>> one_month_end(date(2028, 1, 31))    # a leap year: 29 Feb
    datetime.date(2028, 2, 29)
    >>> one_month_end(date(2026, 12, 16))   # into the next year
    datetime.date(2027, 1, 15)
    """
    if starts_on.day == 1:  # the day before the 1st of the next month: this month's last day
        return starts_on.replace(day=calendar.monthrange(starts_on.year, starts_on.month)[1])
    year, month = (starts_on.year + 1, 1) if starts_on.month == 12 else (starts_on.year, starts_on.month + 1)
    return date(year, month, min(starts_on.day - 1, calendar.monthrange(year, month)[1]))


def earliest_display_end(starts_on: date) -> date:
    """The first day on which a public display starting on `starts_on` may end (§ 3 Abs. 2 BauGB).

    It must last at least 30 days *and* at least one month (`one_month_end`), so the later
    of the two ends counts:

    - from 16 Nov 2026: 30 days end on 15 Dec, one month on 15 Dec → 15 Dec 2026;
    - from 16 Jan 2026: 30 days end on 14 Feb, one month on 15 Feb → the month wins, 15 Feb;
    - from 1 Feb 2026: one month ends on 28 Feb (28 days), 30 days on 2 Mar → 30 days win, 2 Mar;
    - from 1 Feb 2028 (a leap year): one month ends on 29 Feb, 30 days on 1 Mar → 1 Mar 2028;
    - from 31 Jan 2026: one month ends on 28 Feb, 30 days on 1 Mar → 1 Mar 2026.
    """
    return max(starts_on + timedelta(days=DISPLAY_MIN_DAYS - 1), one_month_end(starts_on))


def check_period(kind: PeriodKind, starts_on: date, ends_on: date) -> list[str]:
    """The reasons (translated) the law refuses these days for a period of `kind`; empty if it allows them."""
    if ends_on < starts_on:
        return [_("The period cannot end before it starts.")]
    if PeriodKind(kind) is PeriodKind.DISPLAY:
        earliest = earliest_display_end(starts_on)
        if ends_on < earliest:
            return [_("A public display lasts at least 30 days and at least one month (§ 3 (2) BauGB): "
                      "starting on {start}, it can end on {earliest} at the earliest.").format(
                start=_day(starts_on), earliest=_day(earliest))]
    return []


def local_date(now: datetime, zone: str | None = None) -> date:
    """The day `now` falls on in the town's time zone (`TIME_ZONE` unless `zone` is given)."""
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(_zone(zone)).date()


def closes_at(period: StatutePeriod, zone: str | None = None) -> datetime:
    """The instant the period closes: 24:00 of its last day (00:00 of the next) in the town's time zone."""
    return datetime.combine(period.ends_on + timedelta(days=1), datetime.min.time(), tzinfo=_zone(zone))


def state(period: StatutePeriod, today: date) -> str:
    """"upcoming", "running" or "ended" on the town's day `today`."""
    if today < period.starts_on:
        return "upcoming"
    return "running" if today <= period.ends_on else "ended"


def is_open(statute: Statute, now: datetime, zone: str | None = None) -> StatutePeriod | None:
    """The period in which comments on the published `statute` are accepted at `now`, or None.

    A DISPLAY period makes them formal Stellungnahmen (`period.kind`).
    """
    if not statute.is_published:
        return None
    today = local_date(now, zone)
    return next((p for p in statute.periods if state(p, today) == "running"), None)


def refusal(statute: Statute, now: datetime, zone: str | None = None) -> str | None:
    """Why a comment on `statute` is not accepted at `now` (translated, with the days it can be made), or None.

    Only the periods decide here; who may see the statute and comment is the comments' own rule.
    """
    if is_open(statute, now, zone) is not None:
        return None
    today = local_date(now, zone)
    if statute.is_published:
        upcoming = [p for p in statute.periods if state(p, today) == "upcoming"]
        if upcoming:
            period = min(upcoming, key=lambda p: p.starts_on)
            message = (_("Statements can be submitted from {start} to {end}.") if period.kind is PeriodKind.DISPLAY
                       else _("Comments can be made from {start} to {end}."))
            return message.format(start=_day(period.starts_on), end=_day(period.ends_on))
        ended = [p for p in statute.periods if state(p, today) == "ended"]
        if ended:
            period = max(ended, key=lambda p: p.ends_on)
            message = (_("The public display ended on {end}.") if period.kind is PeriodKind.DISPLAY
                       else _("The early participation ended on {end}."))
            return message.format(end=_day(period.ends_on))
    return _("No participation is currently running for this statute.")


def add_period(statute: Statute, kind: PeriodKind, starts_on: date, ends_on: date, user,
               now: datetime | None = None) -> StatutePeriod:
    """Add a participation period; raises PeriodRefused when the law or the other periods refuse its days.

    It may not start before today (the town's day): the days residents could comment on are
    announced ahead, not set afterwards.
    """
    kind = PeriodKind(kind)
    today = local_date(now or utcnow())
    errors: dict[str, list[str]] = {}
    if starts_on < today:
        errors.setdefault("starts_on", []).append(_("A period cannot start before today."))
    _check_days(errors, statute, None, kind, starts_on, ends_on)
    if errors:
        raise PeriodRefused(errors)
    period = StatutePeriod(kind=kind, starts_on=starts_on, ends_on=ends_on, created_by_id=getattr(user, "id", None))
    statute.periods.append(period)
    db.session.flush()
    current_app.logger.info("User %s added %s period %s (%s to %s) to statute %s", getattr(user, "id", None),
                            kind, period.id, starts_on, ends_on, statute.id)
    return period


def extend(period: StatutePeriod, new_starts_on: date, new_ends_on: date, reason: str, user,
           now: datetime | None = None) -> PeriodChange:
    """Change a period's days (usually: extend it) and keep the change with its reason for the statute's page.

    Refused (PeriodRefused) without a reason, for an ended period, when the new days break
    the law or overlap another period, and for a running period when its first day would move
    or a running public display would be shortened: it was announced for those days, and
    people plan their Stellungnahme by them.
    """
    now = now or utcnow()
    today = local_date(now)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the reason for the change; it is shown on the statute's page.")]
    current = state(period, today)
    if current == "ended":
        errors.setdefault("ends_on", []).append(_(
            "This period ended on {end} and can no longer be changed. Add a new period instead.").format(
            end=_day(period.ends_on)))
        raise PeriodRefused(errors)
    if (new_starts_on, new_ends_on) == (period.starts_on, period.ends_on):
        errors.setdefault("ends_on", []).append(_("The new days are the same as the old ones."))
    if current == "running":
        if new_starts_on != period.starts_on:
            errors.setdefault("starts_on", []).append(_(
                "The period has already started on {start}; its first day cannot be changed.").format(
                start=_day(period.starts_on)))
        if period.kind is PeriodKind.DISPLAY and new_ends_on < period.ends_on:
            errors.setdefault("ends_on", []).append(_(
                "The public display is running and was announced until {end}: it can be extended, but not "
                "shortened, because people plan their statements by the announced days.").format(
                end=_day(period.ends_on)))
        elif new_ends_on < today:
            errors.setdefault("ends_on", []).append(_("The last day cannot lie before today."))
    elif new_starts_on < today:
        errors.setdefault("starts_on", []).append(_("A period cannot start before today."))
    _check_days(errors, period.statute, period, period.kind, new_starts_on, new_ends_on)
    if errors:
        raise PeriodRefused(errors)
    change = PeriodChange(changed_at=now, changed_by_id=getattr(user, "id", None),
                          old_starts_on=period.starts_on, old_ends_on=period.ends_on,
                          new_starts_on=new_starts_on, new_ends_on=new_ends_on, reason=reason)
    period.changes.append(change)
    period.starts_on, period.ends_on = new_starts_on, new_ends_on
    db.session.flush()
    current_app.logger.info("User %s changed period %s of statute %s from %s–%s to %s–%s",
                            getattr(user, "id", None), period.id, period.statute_id, change.old_starts_on,
                            change.old_ends_on, new_starts_on, new_ends_on)
    return change


def remove_period(period: StatutePeriod, user, now: datetime | None = None) -> None:
    """Remove a period that has not started; one that has is part of the record and stays."""
    if state(period, local_date(now or utcnow())) != "upcoming":
        raise PeriodRefused({"period": [_(
            "This period has already started; it is part of the record and cannot be removed.")]})
    statute = period.statute
    statute.periods.remove(period)
    db.session.flush()
    current_app.logger.info("User %s removed period %s of statute %s", getattr(user, "id", None), period.id,
                            statute.id)


def _check_days(errors: dict[str, list[str]], statute: Statute, period: StatutePeriod | None, kind: PeriodKind,
                starts_on: date, ends_on: date) -> None:
    """Add the law's reasons and an overlap with another period of the statute to `errors`."""
    reasons = check_period(kind, starts_on, ends_on)
    if reasons:
        errors.setdefault("ends_on", []).extend(reasons)
        return
    for other in statute.periods:
        if other is not period and other.starts_on <= ends_on and starts_on <= other.ends_on:
            errors.setdefault("starts_on", []).append(_(
                "These days overlap the {kind} from {start} to {end}; a statute has one period at a time.").format(
                kind=PERIOD_KIND_LABELS[other.kind], start=_day(other.starts_on), end=_day(other.ends_on)))


@dataclass(frozen=True)
class PeriodOverview:
    """What the statute's page says about its periods."""

    #: The period running now, or None.
    current: StatutePeriod | None
    #: The next period to come, or None.
    upcoming: StatutePeriod | None
    #: The period that ended last, or None.
    ended: StatutePeriod | None
    #: Every change of every period, oldest first.
    changes: list[PeriodChange]
    #: When the current period closes (aware, in the town's time zone).
    closes_at: datetime | None


def overview(statute: Statute, now: datetime, zone: str | None = None) -> PeriodOverview:
    today = local_date(now, zone)
    periods = statute.periods
    current = is_open(statute, now, zone)
    upcoming = min((p for p in periods if state(p, today) == "upcoming"), key=lambda p: p.starts_on, default=None)
    ended = max((p for p in periods if state(p, today) == "ended"), key=lambda p: p.ends_on, default=None)
    changes = sorted((c for p in periods for c in p.changes), key=lambda c: c.changed_at)
    return PeriodOverview(current=current, upcoming=upcoming, ended=ended, changes=changes,
                          closes_at=closes_at(current, zone) if current else None)


def page_context(statute: Statute) -> dict:
    """What `templates/statutes/_period.html` needs on the statute's page."""
    return {"period_overview": overview(statute, utcnow())}


def _zone(zone: str | None) -> ZoneInfo:
    return ZoneInfo(zone or current_app.config["TIME_ZONE"])


def _day(day: date) -> str:
    return format_date(day, "medium")
