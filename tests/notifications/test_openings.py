"""Opening notices: to followers of a project or statute and of areas it touches, once each."""
from __future__ import annotations

from datetime import timedelta

from shapely.geometry import Point
from sqlalchemy import select

from participation.accounts.models import User
from participation.extensions import db
from participation.jobs.registry import periodic_tasks
from participation.notifications import services
from participation.notifications.mailing import opt_out
from participation.notifications.models import Follow
from participation.notifications.openings import distance_m
from participation.projects.models import Phase, Project
from participation.statutes.models import PeriodKind, Statute, StatutePeriod
from tests.conftest import AREA, town_today


def _follow(app, user, subject_model, subject_id):
    with app.app_context():
        services.follow(db.session.get(User, user.id), db.session.get(subject_model, subject_id))
        db.session.commit()


def _follow_area(app, user, town, lon, lat, radius):
    with app.app_context():
        db.session.add(Follow(user_id=user.id, municipality_id=town.id, location=Point(lon, lat), radius_m=radius,
                              label=f"{lon},{lat}"))
        db.session.commit()


def _open(app, project):
    with app.app_context():
        row = db.session.get(Project, project.id)
        row.phase = Phase.PARTICIPATION
        db.session.commit()


def test_distance_is_measured_in_metres():
    assert distance_m(Point(13.255, 53.552), AREA) == 0.0
    # 0.006° of longitude at 53.552° N is about 397 m; 0.001° of latitude about 111 m.
    assert abs(distance_m(Point(13.266, 53.552), AREA) - 397) < 3
    assert abs(distance_m(Point(13.255, 53.555), AREA) - 111) < 2


def test_a_followed_project_is_announced_once_when_it_opens(app, create_project, create_user, mailbox, run_due):
    project = create_project(phase=Phase.INFORMATION, title="Marktplatz")
    resident = create_user()
    _follow(app, resident, Project, project.id)
    assert run_due() == (0, 0)
    _open(app, project)
    assert run_due() == (1, 0)
    assert run_due() == (0, 0)
    [mail] = mailbox()
    assert mail["To"] == resident.email and "Marktplatz" in mail["Subject"]
    body = mail.get_content()
    assert f"http://localhost/{project.municipality.slug}/projekte/{project.id}" in body
    assert "/konto/benachrichtigungen" in body and "/abmelden/" in body
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_project_whose_first_day_comes_is_announced_on_that_day(app, create_project, create_user, mailbox, run_due):
    tomorrow = town_today() + timedelta(days=1)
    project = create_project(start=tomorrow, end=tomorrow + timedelta(days=20))
    _follow(app, create_user(), Project, project.id)
    assert run_due() == (0, 0)
    with app.app_context():
        db.session.get(Project, project.id).participation_start = town_today()
        db.session.commit()
    assert run_due() == (1, 0)
    assert len(mailbox()) == 1


def test_area_followers_within_the_radius_are_told(app, town, create_project, create_user, mailbox, run_due):
    project = create_project(town=town, phase=Phase.INFORMATION)
    near, far, small_circle, elsewhere = create_user(), create_user(), create_user(), create_user()
    _follow_area(app, near, town, 13.2635, 53.552, 250)          # ~230 m from the area
    _follow_area(app, small_circle, town, 13.266, 53.552, 250)   # ~397 m: outside 250 m
    _follow_area(app, far, town, 13.266, 53.552, 500)            # ~397 m: inside 500 m
    _follow_area(app, elsewhere, town, 13.30, 53.60, 1000)
    _open(app, project)
    assert run_due() == (2, 0)
    assert sorted(m["To"] for m in mailbox()) == sorted([near.email, far.email])
    assert "250 m" in next(m for m in mailbox() if m["To"] == near.email).get_content()


def test_area_follows_of_another_town_are_not_told(app, create_town, create_project, create_user, mailbox, run_due):
    town, other = create_town(), create_town()
    project = create_project(town=town, phase=Phase.INFORMATION)
    _follow_area(app, create_user(), other, 13.255, 53.552, 1000)
    _open(app, project)
    assert run_due() == (0, 0)


def test_one_notice_per_person_even_with_two_follows(app, town, create_project, create_user, mailbox, run_due):
    project = create_project(town=town, phase=Phase.INFORMATION)
    resident = create_user()
    _follow(app, resident, Project, project.id)
    _follow_area(app, resident, town, 13.255, 53.552, 250)
    _open(app, project)
    assert run_due() == (1, 0)


def test_a_statute_period_is_announced_and_a_later_period_again(app, town, create_statute, create_user, mailbox,
                                                               run_due):
    statute = create_statute(town=town, title="Am Mühlenteich")
    resident = create_user()
    _follow(app, resident, Statute, statute.id)
    today = town_today()
    with app.app_context():
        db.session.add(StatutePeriod(statute_id=statute.id, kind=PeriodKind.EARLY, starts_on=today,
                                     ends_on=today + timedelta(days=10)))
        db.session.commit()
    assert run_due() == (1, 0)
    assert run_due() == (0, 0)
    [mail] = mailbox()
    assert "Am Mühlenteich" in mail["Subject"]
    with app.app_context():  # the first period is moved into the past; a display starts today
        period = db.session.scalar(select(StatutePeriod))
        period.starts_on, period.ends_on = today - timedelta(days=40), today - timedelta(days=31)
        db.session.add(StatutePeriod(statute_id=statute.id, kind=PeriodKind.DISPLAY, starts_on=today,
                                     ends_on=today + timedelta(days=31)))
        db.session.commit()
    assert run_due() == (1, 0)


def test_no_notice_to_unconfirmed_blocked_or_unsubscribed_accounts(app, create_project, create_user, mailbox,
                                                                  run_due):
    project = create_project(phase=Phase.INFORMATION)
    unconfirmed, blocked, unsubscribed = create_user(confirmed=False), create_user(), create_user()
    for user in (unconfirmed, blocked, unsubscribed):
        _follow(app, user, Project, project.id)
    with app.app_context():
        db.session.get(User, blocked.id).is_blocked = True
        opt_out(unsubscribed.email, "opening")
        db.session.commit()
    _open(app, project)
    assert run_due() == (0, 0)
    assert mailbox() == []


def test_drafts_and_closed_projects_are_not_announced(app, create_project, create_user, mailbox, run_due):
    yesterday = town_today() - timedelta(days=1)
    ended = create_project(start=yesterday - timedelta(days=10), end=yesterday, phase=Phase.INFORMATION)
    evaluation = create_project(phase=Phase.INFORMATION)
    resident = create_user()
    for project in (ended, evaluation):
        _follow(app, resident, Project, project.id)
    _open(app, ended)
    with app.app_context():
        db.session.get(Project, evaluation.id).phase = Phase.EVALUATION
        db.session.commit()
    assert run_due() == (0, 0)


def test_the_cli_sends_what_is_due(app, runner, create_project, create_user, mailbox):
    project = create_project(phase=Phase.INFORMATION)
    _follow(app, create_user(), Project, project.id)
    _open(app, project)
    result = runner.invoke(args=["notifications", "send-due"])
    assert result.exit_code == 0 and "1 opening notices" in result.output
    assert "0 opening notices" in runner.invoke(args=["notifications", "send-due"]).output
    assert len(mailbox()) == 1
    bad = runner.invoke(args=["notifications", "send-due", "--now", "gestern"])
    assert bad.exit_code != 0 and "ISO" in bad.output


def test_the_worker_runs_it_periodically(app):
    assert "notifications-due" in [task.name for task in periodic_tasks(app)]
