"""Participation periods: the law's minimum for a public display, when a period is open (Europe/Berlin, to the
second, across DST), why a comment is refused, and extending, changing and removing periods."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from participation.database.mixins import utcnow
from participation.extensions import db
from participation.statutes import periods
from participation.statutes.models import PeriodChange, PeriodKind, Statute, StatutePeriod

BERLIN = ZoneInfo("Europe/Berlin")
D = date


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize("starts_on, month_end", [
    (D(2026, 11, 16), D(2026, 12, 15)),
    (D(2026, 1, 1), D(2026, 1, 31)),    # from the 1st: to the month's own last day
    (D(2026, 4, 1), D(2026, 4, 30)),
    (D(2026, 1, 15), D(2026, 2, 14)),
    (D(2026, 1, 29), D(2026, 2, 28)),   # no 29 Feb in 2026
    (D(2026, 1, 30), D(2026, 2, 28)),
    (D(2026, 1, 31), D(2026, 2, 28)),
    (D(2028, 1, 30), D(2028, 2, 29)),   # leap year
    (D(2028, 1, 31), D(2028, 2, 29)),
    (D(2026, 3, 31), D(2026, 4, 30)),   # no 31 Apr
    (D(2026, 12, 16), D(2027, 1, 15)),  # into the next year
    (D(2026, 12, 1), D(2026, 12, 31)),
])
def test_one_month_is_counted_as_the_bgb_counts_it(starts_on, month_end):
    assert periods.one_month_end(starts_on) == month_end


@pytest.mark.parametrize("starts_on, earliest", [
    (D(2026, 11, 16), D(2026, 12, 15)),  # 30 days and one month end on the same day
    (D(2026, 1, 16), D(2026, 2, 15)),    # a 31-day month: one month is longer than 30 days
    (D(2026, 1, 1), D(2026, 1, 31)),
    (D(2026, 2, 1), D(2026, 3, 2)),      # February: one month is 28 days, 30 days win
    (D(2028, 2, 1), D(2028, 3, 1)),      # leap year: one month is 29 days, 30 days win
    (D(2026, 1, 31), D(2026, 3, 1)),     # one month ends 28 Feb, 30 days on 1 Mar
    (D(2026, 4, 1), D(2026, 4, 30)),     # a 30-day month: both the same
    (D(2026, 12, 20), D(2027, 1, 19)),
])
def test_a_public_display_lasts_30_days_and_a_month(ctx, starts_on, earliest):
    assert periods.earliest_display_end(starts_on) == earliest
    assert periods.check_period(PeriodKind.DISPLAY, starts_on, earliest) == []
    [reason] = periods.check_period(PeriodKind.DISPLAY, starts_on, earliest - timedelta(days=1))
    assert f"frühestens am {earliest:%d.%m.%Y} enden" in reason
    assert "§ 3 Abs. 2 BauGB" in reason


def test_early_participation_may_be_short_but_no_period_ends_before_it_starts(ctx):
    assert periods.check_period(PeriodKind.EARLY, D(2026, 3, 2), D(2026, 3, 2)) == []
    assert periods.check_period(PeriodKind.EARLY, D(2026, 3, 2), D(2026, 3, 1)) == [
        "Der Zeitraum kann nicht enden, bevor er beginnt."]
    assert periods.check_period(PeriodKind.DISPLAY, D(2026, 3, 2), D(2026, 3, 1)) == [
        "Der Zeitraum kann nicht enden, bevor er beginnt."]


def _statute(*spans, kind=PeriodKind.DISPLAY, published=True) -> Statute:
    statute = Statute(title="Am Mühlenteich", published_at=utcnow() if published else None)
    statute.periods = [StatutePeriod(kind=kind, starts_on=start, ends_on=end) for start, end in spans]
    return statute


def test_the_period_runs_from_midnight_of_its_first_day_to_midnight_after_its_last(ctx):
    statute = _statute((D(2026, 11, 16), D(2026, 12, 18)))
    [period] = statute.periods
    assert periods.is_open(statute, berlin(2026, 11, 15, 23, 59, 59), "Europe/Berlin") is None
    assert periods.is_open(statute, berlin(2026, 11, 16, 0, 0, 0), "Europe/Berlin") is period
    assert periods.is_open(statute, berlin(2026, 12, 18, 23, 59, 59), "Europe/Berlin") is period
    assert periods.is_open(statute, berlin(2026, 12, 19, 0, 0, 0), "Europe/Berlin") is None
    # The same instants given in UTC (CET is UTC+1): the town's day decides, not UTC's.
    assert periods.is_open(statute, datetime(2026, 12, 18, 22, 59, 59, tzinfo=timezone.utc), "Europe/Berlin")
    assert periods.is_open(statute, datetime(2026, 12, 18, 23, 0, 0, tzinfo=timezone.utc), "Europe/Berlin") is None
    assert periods.closes_at(period, "Europe/Berlin") == berlin(2026, 12, 19)


def test_the_last_day_ends_at_midnight_across_the_change_of_summer_time(ctx):
    # Summer time ends in the night to Sunday 25 Oct 2026 (03:00 CEST → 02:00 CET): the day has 25 hours.
    autumn = _statute((D(2026, 9, 25), D(2026, 10, 25)))
    assert periods.is_open(autumn, datetime(2026, 10, 25, 22, 59, 59, tzinfo=timezone.utc), "Europe/Berlin")
    assert periods.is_open(autumn, datetime(2026, 10, 25, 23, 0, 0, tzinfo=timezone.utc), "Europe/Berlin") is None
    # Summer time begins on 29 Mar 2026: the period's first day begins at 23:00 UTC the day before (CET),
    # its last day ends at 22:00 UTC (CEST).
    spring = _statute((D(2026, 3, 29), D(2026, 4, 28)))
    assert periods.is_open(spring, datetime(2026, 3, 28, 22, 59, 59, tzinfo=timezone.utc), "Europe/Berlin") is None
    assert periods.is_open(spring, datetime(2026, 3, 28, 23, 0, 0, tzinfo=timezone.utc), "Europe/Berlin")
    assert periods.is_open(spring, datetime(2026, 4, 28, 21, 59, 59, tzinfo=timezone.utc), "Europe/Berlin")
    assert periods.is_open(spring, datetime(2026, 4, 28, 22, 0, 0, tzinfo=timezone.utc), "Europe/Berlin") is None


def test_a_draft_accepts_no_comments_and_now_must_know_its_zone(ctx):
    draft = _statute((D(2026, 11, 16), D(2026, 12, 18)), published=False)
    assert periods.is_open(draft, berlin(2026, 11, 20, 12), "Europe/Berlin") is None
    with pytest.raises(ValueError):
        periods.is_open(_statute(), datetime(2026, 11, 20, 12))


def test_the_refusal_says_when_statements_can_be_made(ctx):
    statute = _statute((D(2026, 11, 16), D(2027, 1, 8)))
    assert periods.refusal(statute, berlin(2026, 11, 16, 0, 0), "Europe/Berlin") is None
    assert periods.refusal(statute, berlin(2026, 11, 15, 23, 59), "Europe/Berlin") == (
        "Stellungnahmen können vom 16.11.2026 bis zum 08.01.2027 abgegeben werden.")
    assert periods.refusal(statute, berlin(2027, 1, 9, 0, 0), "Europe/Berlin") == "Die Auslegung endete am 08.01.2027."
    assert periods.refusal(_statute(), berlin(2027, 1, 9), "Europe/Berlin") == (
        "Für diese Satzung läuft derzeit keine Beteiligung.")
    early = _statute((D(2026, 5, 4), D(2026, 5, 22)), kind=PeriodKind.EARLY)
    assert periods.refusal(early, berlin(2026, 5, 1), "Europe/Berlin") == (
        "Kommentare können vom 04.05.2026 bis zum 22.05.2026 abgegeben werden.")
    assert periods.refusal(early, berlin(2026, 5, 23), "Europe/Berlin") == (
        "Die frühzeitige Beteiligung endete am 22.05.2026.")
    # An ended early participation and a display to come: the display's days are what a resident needs.
    early.periods.append(StatutePeriod(kind=PeriodKind.DISPLAY, starts_on=D(2026, 9, 1), ends_on=D(2026, 10, 1)))
    assert periods.refusal(early, berlin(2026, 6, 1), "Europe/Berlin") == (
        "Stellungnahmen können vom 01.09.2026 bis zum 01.10.2026 abgegeben werden.")


# Changing periods: with the database, as the views do.

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def statute_in_display(ctx, create_statute, create_user):
    made = create_statute(number="12")
    statute = db.session.get(Statute, made.id)
    statute.periods.append(StatutePeriod(kind=PeriodKind.DISPLAY, starts_on=D(2026, 11, 16), ends_on=D(2026, 12, 18)))
    db.session.commit()
    return statute


def test_a_running_display_is_extended_with_its_reason_kept(statute_in_display, create_user):
    planner = create_user("planner")
    [period] = statute_in_display.periods
    change = periods.extend(period, D(2026, 11, 16), D(2027, 1, 8), "  Unterlagen fehlten zwei Tage.  ", planner,
                            now=NOW)
    db.session.commit()
    assert (period.starts_on, period.ends_on) == (D(2026, 11, 16), D(2027, 1, 8))
    stored = db.session.scalar(select(PeriodChange))
    assert stored is change
    assert (stored.old_ends_on, stored.new_ends_on, stored.reason) == (D(2026, 12, 18), D(2027, 1, 8),
                                                                      "Unterlagen fehlten zwei Tage.")
    assert stored.changed_by_id == planner.id


def test_a_change_needs_a_reason(statute_in_display):
    [period] = statute_in_display.periods
    with pytest.raises(periods.PeriodRefused) as refused:
        periods.extend(period, D(2026, 11, 16), D(2027, 1, 8), "   ", None, now=NOW)
    assert refused.value.errors == {"reason": [
        "Geben Sie den Grund für die Änderung an; er wird auf der Seite der Satzung angezeigt."]}
    assert period.ends_on == D(2026, 12, 18) and period.changes == []


def test_a_running_display_is_neither_shortened_nor_moved(statute_in_display):
    [period] = statute_in_display.periods
    with pytest.raises(periods.PeriodRefused) as refused:
        periods.extend(period, D(2026, 11, 17), D(2026, 12, 17), "Kürzer", None, now=NOW)
    assert "bis zum 18.12.2026 bekannt gemacht" in refused.value.errors["ends_on"][0]
    assert "nicht verkürzt" in refused.value.errors["ends_on"][0]
    assert refused.value.errors["starts_on"] == [
        "Der Zeitraum hat am 16.11.2026 bereits begonnen; sein erster Tag kann nicht mehr geändert werden."]
    assert period.ends_on == D(2026, 12, 18)


def test_an_upcoming_period_can_be_moved_but_not_below_the_legal_minimum(statute_in_display):
    later = StatutePeriod(kind=PeriodKind.DISPLAY, starts_on=D(2027, 3, 1), ends_on=D(2027, 3, 31))
    statute_in_display.periods.append(later)
    db.session.flush()
    periods.extend(later, D(2027, 2, 1), D(2027, 3, 3), "Neuer Termin des Rates", None, now=NOW)
    assert (later.starts_on, later.ends_on) == (D(2027, 2, 1), D(2027, 3, 3))
    with pytest.raises(periods.PeriodRefused) as refused:
        periods.extend(later, D(2027, 2, 1), D(2027, 3, 1), "Kürzer", None, now=NOW)
    assert "frühestens am 02.03.2027 enden" in refused.value.errors["ends_on"][0]
    with pytest.raises(periods.PeriodRefused) as refused:  # into the running one
        periods.extend(later, D(2026, 12, 18), D(2027, 1, 31), "Früher", None, now=NOW)
    assert "überschneiden sich" in refused.value.errors["starts_on"][0]


def test_an_ended_period_stays_as_it_was(statute_in_display):
    [period] = statute_in_display.periods
    after = datetime(2026, 12, 19, 0, 0, tzinfo=BERLIN)
    with pytest.raises(periods.PeriodRefused) as refused:
        periods.extend(period, D(2026, 11, 16), D(2027, 1, 8), "Zu spät", None, now=after)
    assert "endete am 18.12.2026" in refused.value.errors["ends_on"][0]
    with pytest.raises(periods.PeriodRefused):
        periods.remove_period(period, None, now=after)


def test_periods_are_added_from_today_and_never_overlap(ctx, create_statute):
    statute = db.session.get(Statute, create_statute().id)
    with pytest.raises(periods.PeriodRefused) as refused:
        periods.add_period(statute, PeriodKind.DISPLAY, D(2026, 11, 19), D(2026, 12, 31), None, now=NOW)
    assert refused.value.errors == {"starts_on": ["Ein Zeitraum kann nicht vor dem heutigen Tag beginnen."]}
    with pytest.raises(periods.PeriodRefused) as refused:
        periods.add_period(statute, PeriodKind.DISPLAY, D(2026, 12, 1), D(2026, 12, 30), None, now=NOW)
    assert "frühestens am 31.12.2026 enden" in refused.value.errors["ends_on"][0]
    early = periods.add_period(statute, PeriodKind.EARLY, D(2026, 11, 20), D(2026, 11, 30), None, now=NOW)
    with pytest.raises(periods.PeriodRefused) as refused:
        periods.add_period(statute, PeriodKind.DISPLAY, D(2026, 11, 30), D(2026, 12, 31), None, now=NOW)
    assert refused.value.errors["starts_on"] == [
        "Diese Tage überschneiden sich mit dem Zeitraum „Frühzeitige Beteiligung“ vom 20.11.2026 bis zum "
        "30.11.2026; eine Satzung hat immer nur einen Zeitraum zur selben Zeit."]
    display = periods.add_period(statute, PeriodKind.DISPLAY, D(2026, 12, 1), D(2026, 12, 31), None, now=NOW)
    db.session.commit()
    assert [p.id for p in statute.periods] == [early.id, display.id]


def test_only_a_period_that_has_not_started_is_removed(statute_in_display):
    [running] = statute_in_display.periods
    with pytest.raises(periods.PeriodRefused):
        periods.remove_period(running, None, now=NOW)
    later = periods.add_period(statute_in_display, PeriodKind.DISPLAY, D(2027, 3, 1), D(2027, 3, 31), None, now=NOW)
    periods.remove_period(later, None, now=NOW)
    db.session.commit()
    assert db.session.scalars(select(StatutePeriod.id)).all() == [running.id]
