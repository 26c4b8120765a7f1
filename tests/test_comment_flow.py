"""A resident comments on the map, replies, supports and reports — through the forms."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from participation.comments.models import Comment, Report, Support
from participation.extensions import db
from tests.conftest import INSIDE, OUTSIDE, csrf_token, town_today


def project_url(project):
    return f"/{project.municipality.slug}/projekte/{project.id}"


def test_resident_comments_with_a_pin(app, client, create_project, create_user, login):
    project = create_project()
    resident = create_user()
    login(resident)
    token = csrf_token(client, project_url(project))
    response = client.post(
        f"{project_url(project)}/kommentare",
        data={"csrf_token": token, "text": "More trees here", "category": project.categories[1].id,
              "lon": INSIDE.x, "lat": INSIDE.y},
    )
    assert response.status_code == 302
    assert "#comment-" in response.headers["Location"]
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.text == "More trees here"
        assert comment.category_id == project.categories[1].id
        assert comment.location.equals(INSIDE)
        assert (comment.min_x, comment.min_y) == (INSIDE.x, INSIDE.y)
    page = client.get(project_url(project)).get_data(as_text=True)
    assert "More trees here" in page


def test_pin_outside_the_area_is_refused_and_nothing_saved(app, client, create_project, create_user, login):
    project = create_project()
    login(create_user())
    response = client.post(
        f"{project_url(project)}/kommentare",
        data={"csrf_token": csrf_token(client, project_url(project)), "text": "Out there",
              "category": project.categories[0].id, "lon": OUTSIDE.x, "lat": OUTSIDE.y},
        follow_redirects=True,
    )
    assert "außerhalb des Projektgebiets" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_refused_comment_comes_back_with_its_words_pin_and_category(client, create_project, create_user, login):
    """Nothing typed is lost: the page is shown again (400) with the form as sent and the reason at it."""
    from lxml import html

    project = create_project()
    login(create_user())
    response = client.post(
        f"{project_url(project)}/kommentare",
        data={"csrf_token": csrf_token(client, project_url(project)), "text": "Mein langer Gedanke",
              "category": project.categories[1].id, "lon": OUTSIDE.x, "lat": OUTSIDE.y},
    )
    assert response.status_code == 400
    document = html.fromstring(response.get_data(as_text=True))
    form = document.get_element_by_id("comment-form")
    assert form.xpath(".//textarea[@name='text']")[0].text_content().strip() == "Mein langer Gedanke"
    assert form.xpath(".//option[@selected]")[0].get("value") == str(project.categories[1].id)
    assert float(form.xpath(".//input[@name='lon']")[0].get("value")) == OUTSIDE.x  # the map script shows it again
    assert "außerhalb des Projektgebiets" in form.get_element_by_id("comment-form-feedback").text_content()
    assert not document.find_class("flash-messages")


def test_comment_without_pin(app, client, create_project, create_user, login):
    project = create_project()
    login(create_user())
    client.post(
        f"{project_url(project)}/kommentare",
        data={"csrf_token": csrf_token(client, project_url(project)), "text": "No place", "category": project.categories[0].id},
    )
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.location is None and comment.min_x is None


def test_closed_period_refuses_comments(app, client, create_project, create_user, login):
    yesterday = town_today() - timedelta(days=1)
    project = create_project(start=yesterday - timedelta(days=30), end=yesterday)
    login(create_user())
    response = client.post(
        f"{project_url(project)}/kommentare",
        data={"csrf_token": csrf_token(client, project_url(project)), "text": "Late", "category": project.categories[0].id},
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_reply_support_and_report(app, client, create_project, create_user, create_comment, login):
    project = create_project()
    author, other = create_user(), create_user()
    comment = create_comment(project, author)
    login(other)
    token = csrf_token(client, project_url(project))
    assert client.post(f"/{project.municipality.slug}/kommentare/{comment.id}/antworten",
                       data={"csrf_token": token, "text": "Agreed"}).status_code == 302
    for _ in range(2):  # the second support is refused by the unique constraint, without an error
        assert client.post(f"/{project.municipality.slug}/kommentare/{comment.id}/unterstuetzen",
                           data={"csrf_token": token}).status_code == 302
    assert client.post(f"/{project.municipality.slug}/kommentare/{comment.id}/melden",
                       data={"csrf_token": token, "reason": "Rude"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Support.id))) == 1
        assert db.session.scalar(select(Report.reason)) == "Rude"
        reply = db.session.scalar(select(Comment).where(Comment.parent_id == comment.id))
        assert reply.text == "Agreed"
