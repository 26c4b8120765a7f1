"""The planners' periods page and the period notice on the statute's page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template
from sqlalchemy import select

from participation.accounts.models import Role
from participation.extensions import db
from participation.statutes import periods
from participation.statutes.models import PeriodChange, PeriodKind, Statute, StatutePeriod
from participation.statutes.periods import one_month_end
from tests.conftest import csrf_token, town_today

TODAY = town_today()


def _url(statute, rest: str = "") -> str:
    return f"/{statute.municipality.slug}/satzungen/{statute.id}/fristen{rest}"


def _add_period(app, statute, kind=PeriodKind.DISPLAY, starts=-3, ends=30) -> int:
    with app.app_context():
        period = StatutePeriod(statute_id=statute.id, kind=kind, starts_on=TODAY + timedelta(days=starts),
                               ends_on=TODAY + timedelta(days=ends))
        db.session.add(period)
        db.session.commit()
        return period.id


@pytest.mark.parametrize("role, published, status", [
    (None, True, 302),               # to the login
    (Role.RESIDENT, True, 403),
    (Role.RESIDENT, False, 404),     # a draft stays unknown
    ("other-planner", True, 403),    # a planner of another town
    (Role.PLANNER, True, 200),
    (Role.PLANNER, False, 200),
])
def test_only_the_towns_planners_see_the_periods_page(client, town, create_town, create_statute, create_user, login,
                                                      role, published, status):
    statute = create_statute(town, published=published)
    if role == "other-planner":
        login(create_user(Role.PLANNER, towns=[create_town()]))
    elif role is not None:
        login(create_user(role, towns=[town]))
    assert client.get(_url(statute)).status_code == status
    period_id = _add_period(client.application, statute, starts=3)
    token = csrf_token(client, "/konto/anmelden" if role is None else "/")  # the log-out button's form has one
    response = client.post(_url(statute, f"/{period_id}/entfernen"), data={"csrf_token": token})
    assert response.status_code == (302 if status == 200 else status)
    with client.application.app_context():
        assert (db.session.get(StatutePeriod, period_id) is None) == (status == 200)


def test_a_period_too_short_for_the_law_is_refused_in_the_error_summary(client, town, planner, create_statute):
    statute = create_statute(town)
    start = TODAY + timedelta(days=1)
    response = client.post(_url(statute), data={
        "csrf_token": csrf_token(client, _url(statute)), "kind": "display",
        "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=20)).isoformat()})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    earliest = max(start + timedelta(days=29), one_month_end(start))
    summary = page.split('role="alert"', 1)[1].split("</div>\n</div>", 1)[0]
    assert 'href="#ends_on"' in summary
    assert f"frühestens am {earliest:%d.%m.%Y} enden" in summary
    assert 'aria-invalid="true"' in page
    with client.application.app_context():
        assert db.session.scalar(select(StatutePeriod.id)) is None

    response = client.post(_url(statute), data={
        "csrf_token": csrf_token(client, _url(statute)), "kind": "display",
        "starts_on": start.isoformat(), "ends_on": earliest.isoformat()})
    assert response.status_code == 302
    page = client.get(_url(statute)).get_data(as_text=True)
    assert "Der Zeitraum wurde angelegt." in page
    assert f"{earliest:%d.%m.%Y}" in page


def test_a_bad_date_is_an_error_not_a_crash(client, town, planner, create_statute):
    statute = create_statute(town)
    response = client.post(_url(statute), data={
        "csrf_token": csrf_token(client, _url(statute)), "kind": "display", "starts_on": "31.02.2026",
        "ends_on": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Geben Sie den letzten Tag an." in page
    response = client.post(_url(statute), data={
        "csrf_token": csrf_token(client, _url(statute)), "kind": "unknown", "starts_on": "2030-01-01",
        "ends_on": "2030-03-01"})
    assert response.status_code == 400


def test_an_extension_is_kept_with_its_reason_and_shown(client, town, planner, create_statute):
    statute = create_statute(town, number="12")
    period_id = _add_period(client.application, statute)
    old_end, new_end = TODAY + timedelta(days=30), TODAY + timedelta(days=44)
    form = client.get(_url(statute, f"/{period_id}")).get_data(as_text=True)
    assert f'value="{old_end.isoformat()}"' in form  # the current days to start from

    data = {"csrf_token": csrf_token(client, _url(statute)), "starts_on": (TODAY - timedelta(days=3)).isoformat(),
            "ends_on": (TODAY + timedelta(days=20)).isoformat(), "reason": "Kürzer wäre schöner"}
    response = client.post(_url(statute, f"/{period_id}"), data=data)
    assert response.status_code == 400
    assert "nicht verkürzt" in response.get_data(as_text=True)

    data.update(ends_on=new_end.isoformat(), reason="   ")
    response = client.post(_url(statute, f"/{period_id}"), data=data)
    assert response.status_code == 400
    assert "Geben Sie den Grund für die Änderung an" in response.get_data(as_text=True)

    data.update(reason="Die Planunterlagen lagen zwei Tage nicht aus.")
    response = client.post(_url(statute, f"/{period_id}"), data=data)
    assert response.status_code == 302
    with client.application.app_context():
        change = db.session.scalar(select(PeriodChange))
        assert (change.old_ends_on, change.new_ends_on) == (old_end, new_end)
        assert change.changed_by_id == planner.id
    expected = (f"Verlängert am {TODAY:%d.%m.%Y} bis zum {new_end:%d.%m.%Y}:")
    assert expected in client.get(_url(statute)).get_data(as_text=True)
    notice = _period_notice(client.application, statute)
    assert expected in notice
    assert "Die Planunterlagen lagen zwei Tage nicht aus." in notice


def test_the_statute_page_shows_the_period_and_its_changes(client, town, create_statute):
    """Integration: statutes.views.statute_page includes _period.html with periods.page_context."""
    statute = create_statute(town)
    period_id = _add_period(client.application, statute)
    with client.application.app_context():
        period = db.session.get(StatutePeriod, period_id)
        periods.extend(period, period.starts_on, period.ends_on + timedelta(days=7), "Feiertage", None)
        db.session.commit()
    response = client.get(f"/{town.slug}/satzungen/{statute.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Eingangsbestätigung per E-Mail mit Aktenzeichen" in page
    assert f"bis zum {TODAY + timedelta(days=37):%d.%m.%Y}:" in page and "Feiertage" in page


def _period_notice(app, statute) -> str:
    """templates/statutes/_period.html as the statute page includes it, with periods.page_context."""
    with app.test_request_context("/"):
        loaded = db.session.get(Statute, statute.id)
        return render_template("statutes/_period.html", statute=loaded, town=loaded.municipality,
                               **periods.page_context(loaded))


def test_the_period_notice_announces_the_display_and_the_receipt(app, town, create_statute):
    statute = create_statute(town)
    _add_period(app, statute)
    notice = _period_notice(app, statute)
    end = TODAY + timedelta(days=30)
    assert (f"Öffentliche Auslegung vom {TODAY - timedelta(days=3):%d.%m.%Y} bis zum {end:%d.%m.%Y}") in notice
    assert "Eingangsbestätigung per E-Mail mit Aktenzeichen" in notice
    assert f"Stellungnahmen können bis zum {end:%d.%m.%Y}, 24:00 Uhr (deutsche Zeit), abgegeben werden." in notice


def test_the_period_notice_says_when_the_next_period_runs(app, town, create_statute):
    statute = create_statute(town)
    _add_period(app, statute, PeriodKind.EARLY, 5, 12)
    notice = _period_notice(app, statute)
    assert (f"Demnächst: Frühzeitige Beteiligung vom {TODAY + timedelta(days=5):%d.%m.%Y} bis zum "
            f"{TODAY + timedelta(days=12):%d.%m.%Y}.") in notice
    assert "Eingangsbestätigung" not in notice


def test_the_period_notice_says_when_the_display_ended(app, town, create_statute):
    statute = create_statute(town)
    _add_period(app, statute, PeriodKind.DISPLAY, -40, -2)
    notice = _period_notice(app, statute)
    assert f"Die Auslegung endete am {TODAY - timedelta(days=2):%d.%m.%Y}." in notice
    assert _period_notice(app, create_statute(town)).strip() == ""  # no period: no section


def test_a_running_period_cannot_be_removed(client, town, planner, create_statute):
    statute = create_statute(town)
    period_id = _add_period(client.application, statute)
    response = client.post(_url(statute, f"/{period_id}/entfernen"), data={"csrf_token": csrf_token(client, "/")},
                           follow_redirects=True)
    assert "kann nicht entfernt werden" in response.get_data(as_text=True)
    with client.application.app_context():
        assert db.session.get(StatutePeriod, period_id) is not None


def test_a_period_of_another_statute_is_not_found(client, town, planner, create_statute):
    statute, other = create_statute(town), create_statute(town)
    period_id = _add_period(client.application, other)
    assert client.get(_url(statute, f"/{period_id}")).status_code == 404
    assert client.get(_url(statute, "/99999999999")).status_code == 404


def test_the_statute_page_links_its_planners_to_the_periods(client, town, create_statute, create_user, login):
    statute = create_statute(town)
    link = f'href="{_url(statute)}"'
    assert link not in client.get(f"/{town.slug}/satzungen/{statute.id}").get_data(as_text=True)
    login(create_user(Role.PLANNER, towns=[town]))
    assert link in client.get(f"/{town.slug}/satzungen/{statute.id}").get_data(as_text=True)
