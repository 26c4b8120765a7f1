"""A town's planners see reported comments and remove or keep them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.accounts.models import Role
from participation.comments.models import Comment, Report
from participation.extensions import db
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}
EVERYWHERE = "13.0,53.0,14.0,54.0"


@pytest.fixture
def reported(app, create_project, create_user, create_comment):
    """A project with a comment reported twice and one not reported."""
    project = create_project()
    author = create_user()
    comment = create_comment(project, author, text="Reported words")
    quiet = create_comment(project, author, text="Quiet words")
    with app.app_context():
        for reporter, reason in ((create_user(), "Rude"), (create_user(), "Off topic")):
            db.session.add(Report(comment_id=comment.id, user_id=reporter.id, reason=reason))
        db.session.commit()
    return project, comment, quiet


def moderation_url(project):
    return f"/{project.municipality.slug}/moderation"


def action(client, project, comment_id, verb):
    token = csrf_token(client, moderation_url(project))
    return client.post(f"/{project.municipality.slug}/kommentare/{comment_id}/{verb}", data={"csrf_token": token})


def open_reports(app, comment_id) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Report).where(Report.comment_id == comment_id,
                                                           Report.is_resolved.is_(False))).all())


@pytest.fixture
def moderator(client, reported, create_user, login):
    project = reported[0]
    login(create_user(role=Role.PLANNER, towns=[project.municipality]))


def test_reports_are_listed_for_the_towns_planner(client, reported, moderator):
    project, comment, _quiet = reported
    page = client.get(moderation_url(project), headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Reported words" in html and "Quiet words" not in html
    assert "Rude" in html and "Off topic" in html and "Reported 2 times" in html
    assert f"/kommentare/{comment.id}/entfernen" in html


def test_remove_hides_the_comment_from_page_and_api(app, client, reported, moderator):
    project, comment, quiet = reported
    response = action(client, project, comment.id, "entfernen")
    assert response.status_code == 302 and response.headers["Location"] == moderation_url(project)
    with app.app_context():
        assert db.session.get(Comment, comment.id).is_removed  # kept for the record
    assert open_reports(app, comment.id) == 0
    page = client.get(f"/{project.municipality.slug}/projekte/{project.id}").get_data(as_text=True)
    assert "Reported words" not in page and "Quiet words" in page
    pins = client.get(f"/api/v1/projects/{project.id}/comments?bbox={EVERYWHERE}").get_json()
    assert [f["id"] for f in pins["features"]] == [quiet.id]
    assert client.get(f"/api/v1/comments/{comment.id}").status_code == 404
    assert "Reported words" not in client.get(moderation_url(project)).get_data(as_text=True)


def test_keep_resolves_the_reports_and_the_comment_stays(app, client, reported, moderator):
    project, comment, _quiet = reported
    assert action(client, project, comment.id, "behalten").status_code == 302
    assert open_reports(app, comment.id) == 0
    with app.app_context():
        assert not db.session.get(Comment, comment.id).is_removed
    assert client.get(f"/api/v1/comments/{comment.id}").status_code == 200
    html = client.get(moderation_url(project), headers=EN).get_data(as_text=True)
    assert "Reported words" not in html and "There are no open reports." in html


@pytest.mark.parametrize("role, own_town", [(Role.RESIDENT, False), (Role.PLANNER, False), (Role.GIS, True)])
def test_others_get_403(app, client, reported, create_user, create_town, login, role, own_town):
    project, comment, _quiet = reported
    login(create_user(role=role, towns=[project.municipality if own_town else create_town()]))
    assert client.get(moderation_url(project)).status_code == 403
    for verb in ("entfernen", "behalten"):
        assert action(client, project, comment.id, verb).status_code == 403
    assert open_reports(app, comment.id) == 2
    with app.app_context():
        assert not db.session.get(Comment, comment.id).is_removed


def test_anonymous_is_sent_to_login(client, reported):
    response = client.get(moderation_url(reported[0]))
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]


def test_comment_of_another_town_is_404_under_this_slug(app, client, reported, moderator, create_project,
                                                         create_user, create_comment):
    project = reported[0]
    foreign = create_comment(create_project(), create_user(), text="Elsewhere")
    for verb in ("entfernen", "behalten"):
        assert action(client, project, foreign.id, verb).status_code == 404
    assert action(client, project, 10**20, "entfernen").status_code == 404
    with app.app_context():
        assert not db.session.get(Comment, foreign.id).is_removed


def test_admin_moderates_every_town(app, client, reported, create_user, login):
    project, comment, _quiet = reported
    login(create_user(role=Role.ADMIN))
    assert client.get(moderation_url(project)).status_code == 200
    assert action(client, project, comment.id, "entfernen").status_code == 302
    with app.app_context():
        assert db.session.get(Comment, comment.id).is_removed


def test_report_reason_with_nul_reaches_the_moderators(client, reported, create_user, login):
    # PostgreSQL refuses NUL in text; the character is dropped rather than failing with a 500.
    project, _comment, quiet = reported
    login(create_user())
    token = csrf_token(client, f"/{project.municipality.slug}/projekte/{project.id}")
    response = client.post(f"/{project.municipality.slug}/kommentare/{quiet.id}/melden",
                           data={"csrf_token": token, "reason": "Spam\x00 link"})
    assert response.status_code == 302
    client.post("/konto/abmelden", data={"csrf_token": token})
    login(create_user(role=Role.PLANNER, towns=[project.municipality]))
    html = client.get(moderation_url(project)).get_data(as_text=True)
    assert "Quiet words" in html and "Spam link" in html


def test_the_moderation_page_leads_back_to_the_town_and_its_projects(client, reported, moderator):
    project = reported[0]
    html = client.get(moderation_url(project), headers=EN).get_data(as_text=True)
    breadcrumb = html.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert f'href="/{project.municipality.slug}/"' in breadcrumb
    assert f"All projects in {project.municipality.name}" in breadcrumb
