"""A resident changes or deletes their own comment or reply (issue #10, item 6)."""
from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import func, select

from participation.accounts.models import Role
from participation.comments import services
from participation.comments.models import Comment, Report, Support, Visibility
from participation.extensions import db
from tests.conftest import INSIDE, csrf_token, town_today

EN = {"Accept-Language": "en"}
EVERYWHERE = "13.0,53.0,14.0,54.0"


def project_url(project) -> str:
    return f"/{project.municipality.slug}/projekte/{project.id}"


def comment_url(app, comment, action: str) -> str:
    with app.app_context():
        slug = db.session.get(Comment, comment.id).project.municipality.slug
    return f"/{slug}/kommentare/{comment.id}/{action}"


def load(app, comment_id: int) -> Comment | None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        if comment is not None:
            db.session.expunge(comment)
        return comment


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def comment_element(html: str, comment_id: int):
    return lxml.html.fromstring(html).get_element_by_id(f"comment-{comment_id}")


@pytest.fixture
def mine(app, client, create_project, create_user, create_comment, login):
    """A project, its author's comment (with a pin, in the first category) and the author logged in."""
    project = create_project()
    author = create_user()
    comment = create_comment(project, author, text="Original words")
    login(author)
    return project, author, comment


def edit(app, client, comment, text="Changed words", category=None, **extra):
    token = csrf_token(client, comment_url(app, comment, "bearbeiten"))
    data = {"csrf_token": token, "text": text, **extra}
    if category is not None:
        data["category"] = str(category)
    return client.post(comment_url(app, comment, "bearbeiten"), data=data, headers=EN)


def test_the_author_changes_text_and_category_and_the_pin_stays(app, client, mine):
    project, _author, comment = mine
    page = client.get(comment_url(app, comment, "bearbeiten"), headers=EN)
    assert page.status_code == 200 and "Original words" in page.get_data(as_text=True)
    response = edit(app, client, comment, "  Changed words  ", project.categories[1].id, sortierung="alt", seite="1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{project_url(project)}?sortierung=alt#comment-{comment.id}")
    changed = load(app, comment.id)
    assert changed.text == "Changed words" and changed.category_id == project.categories[1].id
    assert changed.location.equals(INSIDE) and changed.edited_at is not None
    element = comment_element(client.get(project_url(project), headers=EN).get_data(as_text=True), comment.id)
    assert "Changed words" in element.text_content()
    assert element.xpath(".//header//time")[1].get("datetime") == changed.edited_at.isoformat()
    assert "edited" in element.xpath(".//header")[0].text_content()


def test_the_edit_follows_the_rules_for_a_new_comment(app, client, mine):
    project, _author, comment = mine
    for text, category, message in (("   ", project.categories[0].id, "Please write a comment."),
                                     ("Fine", 0, "Please choose one of the project's categories."),
                                     ("x" * 5001, project.categories[0].id, "The comment is too long")):
        response = edit(app, client, comment, text, category)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert message in lxml.html.fromstring(html).text_content() and 'aria-invalid="true"' in html
    assert load(app, comment.id).text == "Original words"


def test_a_reply_stops_editing_and_says_why(app, client, mine, create_user, create_comment):
    project, _author, comment = mine
    form_page = client.get(comment_url(app, comment, "bearbeiten"), headers=EN)  # opened before the reply came
    assert form_page.status_code == 200
    reply = create_comment(project, create_user(), text="An answer", parent=comment)
    token = csrf_token(client, project_url(project))
    response = client.post(comment_url(app, comment, "bearbeiten"), headers=EN,
                           data={"csrf_token": token, "text": "Sneaky change", "category": project.categories[0].id})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This comment has been answered, so it can no longer be changed." in html
    assert "Sneaky change" in html  # kept to copy, not saved
    assert load(app, comment.id).text == "Original words"
    element = comment_element(client.get(project_url(project), headers=EN).get_data(as_text=True), comment.id)
    assert not element.xpath(f".//a[contains(@href, '/kommentare/{comment.id}/bearbeiten')]")
    assert element.xpath(f".//form[contains(@action, '/kommentare/{comment.id}/loeschen')]")  # deleting still works
    # A reply a moderator removed is no answer any more.
    with app.app_context():
        db.session.get(Comment, reply.id).visibility = Visibility.HIDDEN
        db.session.commit()
    assert edit(app, client, comment, "Now it may change", project.categories[0].id).status_code == 302


def test_no_edit_once_the_participation_period_is_over_but_delete_works(app, client, create_project, create_user,
                                                                        create_comment, login):
    yesterday = town_today() - timedelta(days=1)
    project = create_project(start=yesterday - timedelta(days=30), end=yesterday)
    author = create_user()
    comment = create_comment(project, author, text="Late words")
    login(author)
    assert edit(app, client, comment, "Too late", project.categories[0].id).status_code == 409
    assert load(app, comment.id).text == "Late words"
    response = client.post(comment_url(app, comment, "loeschen"), data={"csrf_token": csrf_token(client, project_url(project))})
    assert response.status_code == 302 and load(app, comment.id) is None


@pytest.mark.parametrize("who", ["resident", "planner", "admin"])
def test_only_the_author_may_edit_or_delete(app, client, create_project, create_user, create_comment, login, who):
    project = create_project()
    comment = create_comment(project, create_user(), text="Not yours")
    role = {"resident": Role.RESIDENT, "planner": Role.PLANNER, "admin": Role.ADMIN}[who]
    login(create_user(role=role, towns=[project.municipality] if who == "planner" else ()))
    token = csrf_token(client, project_url(project))
    assert client.get(comment_url(app, comment, "bearbeiten")).status_code == 403
    assert client.post(comment_url(app, comment, "bearbeiten"), data={"csrf_token": token, "text": "Mine now"}).status_code == 403
    assert client.post(comment_url(app, comment, "loeschen"), data={"csrf_token": token}).status_code == 403
    assert load(app, comment.id).text == "Not yours"
    element = comment_element(client.get(project_url(project)).get_data(as_text=True), comment.id)
    assert not element.xpath(".//a[contains(@href, '/bearbeiten')] | .//form[contains(@action, '/loeschen')]")


def test_anonymous_is_sent_to_log_in(app, client, create_project, create_user, create_comment):
    comment = create_comment(create_project(), create_user())
    response = client.get(comment_url(app, comment, "bearbeiten"))
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]


def test_a_removed_comment_cannot_be_changed_or_deleted_by_its_author(app, client, mine):
    project, _author, comment = mine
    with app.app_context():
        db.session.get(Comment, comment.id).visibility = Visibility.HIDDEN
        db.session.commit()
    assert client.get(comment_url(app, comment, "bearbeiten")).status_code == 403
    token = csrf_token(client, project_url(project))
    assert client.post(comment_url(app, comment, "loeschen"), data={"csrf_token": token}).status_code == 403
    assert load(app, comment.id).is_removed


def test_deleting_a_comment_without_replies_removes_it_with_supports_and_reports(app, client, mine, create_user):
    project, _author, comment = mine
    with app.app_context():
        db.session.add(Support(comment_id=comment.id, user_id=create_user().id))
        db.session.add(Report(comment_id=comment.id, user_id=create_user().id, reason="Hm"))
        db.session.commit()
    response = client.post(comment_url(app, comment, "loeschen"), headers=EN,
                           data={"csrf_token": csrf_token(client, project_url(project)), "kategorie": "999999"})
    assert response.status_code == 302
    assert (load(app, comment.id), count(app, Support), count(app, Report)) == (None, 0, 0)
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Your comment has been deleted." in html and "Original words" not in html


def test_deleting_a_comment_with_replies_leaves_a_placeholder(app, client, mine, create_user, create_comment):
    project, _author, comment = mine
    replier = create_user()
    reply = create_comment(project, replier, text="A reply that stays", parent=comment)
    with app.app_context():
        db.session.add(Support(comment_id=comment.id, user_id=replier.id))
        db.session.add(Report(comment_id=comment.id, user_id=replier.id, reason="Hm"))
        db.session.commit()
    response = client.post(comment_url(app, comment, "loeschen"), headers=EN,
                           data={"csrf_token": csrf_token(client, project_url(project))})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comment-{comment.id}")
    kept = load(app, comment.id)
    assert kept.deleted_at is not None and kept.text == "" and kept.category_id is None
    assert kept.location is None and kept.min_x is None
    assert count(app, Support) == 0
    with app.app_context():
        assert db.session.scalar(select(Report.is_resolved)) is True
    assert load(app, reply.id).text == "A reply that stays"

    element = comment_element(client.get(project_url(project), headers=EN).get_data(as_text=True), comment.id)
    assert "This comment was deleted by its author." in element.text_content()
    assert "A reply that stays" in element.text_content() and "Original words" not in element.text_content()
    assert not element.xpath(".//details/summary[normalize-space()='Reply' or normalize-space()='Report']")
    # Nor in the API or on the map.
    assert client.get(f"/api/v1/comments/{comment.id}").status_code == 404
    pins = client.get(f"/api/v1/projects/{project.id}/comments?bbox={EVERYWHERE}").get_json()
    assert [f["id"] for f in pins["features"]] == []
    # The placeholder is neither changed, deleted again, replied to, supported nor reported.
    token = csrf_token(client, project_url(project))
    assert client.get(comment_url(app, comment, "bearbeiten")).status_code == 403
    assert client.post(comment_url(app, comment, "loeschen"), data={"csrf_token": token}).status_code == 403
    client.post(comment_url(app, comment, "antworten"), data={"csrf_token": token, "text": "To nothing"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Comment.text == "To nothing")) == 0


def test_the_moderation_page_shows_no_deleted_text(app, client, create_project, create_user, create_comment, login):
    project = create_project()
    author = create_user()
    comment = create_comment(project, author, text="Deleted words")
    first, second = create_user(), create_user()
    with app.app_context():
        db.session.add(Report(comment_id=comment.id, user_id=first.id))
        db.session.commit()
        db.session.add(Comment(project_id=project.id, author_id=author.id, text="Reply", parent_id=comment.id))
        services.delete_comment(db.session.get(Comment, comment.id), author)
        # Filed in between: the page must still not show the words.
        db.session.get(Comment, comment.id).text = "Deleted words"
        db.session.add(Report(comment_id=comment.id, user_id=second.id))
        db.session.commit()
    login(create_user(role=Role.PLANNER, towns=[project.municipality]))
    queue = client.get(f"/{project.municipality.slug}/moderation", headers=EN).get_data(as_text=True)
    detail = client.get(f"/{project.municipality.slug}/moderation/kommentare/{comment.id}",
                        headers=EN).get_data(as_text=True)
    assert "Deleted words" not in queue and "Deleted words" not in detail


def test_a_reply_is_changed_and_deleted_by_its_author(app, client, create_project, create_user, create_comment, login):
    project = create_project()
    comment = create_comment(project, create_user(), text="Question")
    replier = create_user()
    reply = create_comment(project, replier, text="First answer", parent=comment)
    login(replier)
    page = client.get(comment_url(app, reply, "bearbeiten"), headers=EN).get_data(as_text=True)
    assert "Edit your reply" in page and 'name="category"' not in page
    assert edit(app, client, reply, "Better answer").status_code == 302
    assert load(app, reply.id).text == "Better answer" and load(app, reply.id).edited_at is not None
    response = client.post(comment_url(app, reply, "loeschen"), headers=EN,
                           data={"csrf_token": csrf_token(client, project_url(project))})
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    assert load(app, reply.id) is None and load(app, comment.id).deleted_at is None
    element = comment_element(client.get(response.headers["Location"], headers=EN).get_data(as_text=True), comment.id)
    assert "Your reply has been deleted." in element.text_content()


def test_edit_and_delete_invalidate_the_pins_cache(app, client, mine, monkeypatch):
    project, _author, comment = mine
    scopes = []
    monkeypatch.setattr(services, "invalidate", scopes.append)
    edit(app, client, comment, "Changed", project.categories[0].id)
    client.post(comment_url(app, comment, "loeschen"), data={"csrf_token": csrf_token(client, project_url(project))})
    assert scopes == [services.comments_scope(project)] * 2


def test_a_placeholder_stays_only_while_a_visible_reply_stands_under_it(app, client, mine, create_user, create_comment):
    project, author, comment = mine
    replier = create_user()
    removed = create_comment(project, replier, text="Removed by the moderators", parent=comment)
    with app.app_context():
        db.session.get(Comment, removed.id).visibility = Visibility.HIDDEN
        db.session.commit()
    response = client.post(comment_url(app, comment, "loeschen"), headers=EN,
                           data={"csrf_token": csrf_token(client, project_url(project))})
    assert load(app, comment.id).deleted_at is not None  # kept for the moderators' record …
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert f'id="comment-{comment.id}"' not in page  # … but no empty placeholder in the list
    assert "Your comment has been deleted." in page and "The replies to it stay." not in page
    assert ">0 comments<" in page

    # The same when the last visible reply under a placeholder goes.
    other = create_comment(project, author, text="Second thought")
    reply = create_comment(project, replier, text="Answer", parent=other)
    client.post(comment_url(app, other, "loeschen"), data={"csrf_token": csrf_token(client, project_url(project))})
    assert f'id="comment-{other.id}"' in client.get(project_url(project)).get_data(as_text=True)
    with app.app_context():  # the replier deletes their reply
        services.delete_comment(db.session.get(Comment, reply.id), replier)
        db.session.commit()
    assert f'id="comment-{other.id}"' not in client.get(project_url(project)).get_data(as_text=True)
