"""The planners' daily digest: once per day and town, with counts, only when something happened."""
from __future__ import annotations

from datetime import timedelta


from participation.accounts.models import Role
from participation.comments.models import Comment, Report, Visibility
from participation.extensions import db
from participation.notifications.mailing import opt_out
from tests.notifications.conftest import local


def _comment(app, create_comment, project, author, at, **values):
    comment = create_comment(project, author)
    with app.app_context():
        stored = db.session.get(Comment, comment.id)
        for name, value in {"created_at": at, **values}.items():
            setattr(stored, name, value)
        db.session.commit()
    return comment


def test_the_planner_gets_one_digest_a_day_with_counts(app, town, create_user, create_project, create_comment,
                                                       create_statute, mailbox, run_due):
    now = local(hour=9)
    planner = create_user(Role.PLANNER, towns=[town])
    resident = create_user()
    create_user(Role.PLANNER, towns=[])  # a planner of no town
    market = create_project(town=town, title="Marktplatz")
    park = create_project(town=town, title="Stadtpark")
    for _ in range(2):
        _comment(app, create_comment, market, resident, now - timedelta(hours=2))
    _comment(app, create_comment, park, resident, now - timedelta(hours=1), visibility=Visibility.PENDING)
    _comment(app, create_comment, park, resident, now - timedelta(days=3))  # before the last 24 h
    reported = _comment(app, create_comment, park, resident, now - timedelta(days=5))
    with app.app_context():
        db.session.add(Report(comment_id=reported.id, user_id=resident.id, reason="spam"))
        db.session.commit()

    assert run_due(now) == (0, 1)
    assert run_due(now + timedelta(hours=3)) == (0, 0)
    [mail] = mailbox()
    assert mail["To"] == planner.email and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert town.name in mail["Subject"] and "3" in mail["Subject"]
    body = mail.get_content()
    assert "- Marktplatz: 2" in body and "- Stadtpark: 1" in body
    assert f"http://localhost/{town.slug}/projekte/{market.id}" in body
    assert "Freigabe: 1" in body and "Hinweise: 1" in body
    assert f"http://localhost/{town.slug}/moderation" in body

    # The next day: only what came after the first digest counts; nothing new, but the report is open.
    next_day = now + timedelta(days=1)
    _comment(app, create_comment, market, resident, next_day - timedelta(hours=1))
    assert run_due(next_day) == (0, 1)
    assert "- Marktplatz: 1" in mailbox()[-1].get_content()


def test_no_digest_before_the_hour_nor_when_nothing_happened(app, town, create_user, create_project, create_comment,
                                                            mailbox, run_due):
    create_user(Role.PLANNER, towns=[town])
    project = create_project(town=town)
    assert run_due(local(hour=10)) == (0, 0)  # nothing happened
    _comment(app, create_comment, project, create_user(), local(hour=5) - timedelta(hours=1))
    assert run_due(local(hour=6)) == (0, 0)  # before DIGEST_HOUR (7)
    assert run_due(local(hour=7)) == (0, 1)
    assert len(mailbox()) == 1


def test_statute_comments_count_and_admins_who_are_members_get_it(app, town, create_user, create_statute, mailbox,
                                                                 run_due):
    admin = create_user(Role.ADMIN, towns=[town])
    create_user(Role.ADMIN)  # an admin who is no member of the town
    create_user(Role.GIS, towns=[town])
    statute = create_statute(town=town, title="Am Mühlenteich", number="12")
    with app.app_context():
        db.session.add(Comment(statute_id=statute.id, author_id=admin.id, text="Zu hoch", created_at=local(hour=8)))
        db.session.commit()
    assert run_due(local(hour=9)) == (0, 1)
    [mail] = mailbox()
    assert mail["To"] == admin.email and "Am Mühlenteich" in mail.get_content()


def test_an_unsubscribed_planner_gets_none(app, client, town, create_user, create_project, create_comment, mailbox,
                                           run_due):
    planner = create_user(Role.PLANNER, towns=[town])
    _comment(app, create_comment, create_project(town=town), create_user(), local(hour=8))
    with app.app_context():
        opt_out(planner.email, "digest")
        db.session.commit()
    assert run_due(local(hour=9)) == (0, 0)
    assert mailbox() == []
