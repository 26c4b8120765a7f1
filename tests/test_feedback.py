"""After an action on a comment, the message is shown at that comment, and the person is back at the
list page, order and filter they acted from (issue #10, item 5)."""
from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select

from participation.comments.models import Comment
from participation.extensions import db
from tests.conftest import INSIDE, csrf_token
from tests.test_write_limits import limited, log_in  # noqa: F401  (the fixture)

EN = {"Accept-Language": "en"}


def project_url(project) -> str:
    return f"/{project.municipality.slug}/projekte/{project.id}"


def action_url(project, comment, action: str) -> str:
    return f"/{project.municipality.slug}/kommentare/{comment.id}/{action}"


def parse(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def general_area(document) -> str:
    return " ".join(e.text_content() for e in document.find_class("flash-messages"))


def message_at(document, comment_id: int):
    """The message elements inside the comment's element."""
    return document.get_element_by_id(f"comment-{comment_id}").xpath(".//*[@data-feedback]")


@pytest.fixture
def other(app, client, create_project, create_user, create_comment, login):
    """A project with someone else's comment; a resident logged in."""
    project = create_project()
    comment = create_comment(project, create_user(), text="Someone else's words")
    login(create_user())
    return project, comment


def test_support_shows_the_message_at_the_comment_and_keeps_the_list(client, other):
    project, comment = other
    token = csrf_token(client, project_url(project))
    response = client.post(action_url(project, comment, "unterstuetzen"), headers=EN,
                           data={"csrf_token": token, "sortierung": "unterstuetzt", "seite": "1", "junk": "x"})
    assert response.headers["Location"].endswith(f"{project_url(project)}?sortierung=unterstuetzt#comment-{comment.id}")
    document = parse(client.get(response.headers["Location"], headers=EN))
    [message] = message_at(document, comment.id)
    assert message.get("id") == f"comment-{comment.id}-feedback" and message.get("tabindex") == "-1"
    assert message.xpath(".//*[@role='status']")[0].text_content().strip() == "You support this comment."
    assert "You support this comment." not in general_area(document)
    assert document.xpath("//script[contains(@src, 'js/feedback.js')]")
    # Shown once: the next page has neither the message nor the script.
    again = parse(client.get(project_url(project), headers=EN))
    assert not message_at(again, comment.id) and not again.xpath("//script[contains(@src, 'js/feedback.js')]")


def test_a_reported_comment_says_so_instead_of_offering_report(client, other):
    project, comment = other
    before = parse(client.get(project_url(project), headers=EN)).get_element_by_id(f"comment-{comment.id}")
    assert before.xpath(".//summary[normalize-space()='Report']")
    token = csrf_token(client, project_url(project))
    response = client.post(action_url(project, comment, "melden"), headers=EN,
                           data={"csrf_token": token, "reason": "Rude", "kategorie": str(project.categories[0].id)})
    assert f"kategorie={project.categories[0].id}" in response.headers["Location"]
    document = parse(client.get(response.headers["Location"], headers=EN))
    element = document.get_element_by_id(f"comment-{comment.id}")
    assert "You reported this comment." in element.text_content()
    assert not element.xpath(".//summary[normalize-space()='Report']")
    assert "The moderators will look at this comment." in message_at(document, comment.id)[0].text_content()


def test_forms_at_a_comment_carry_the_list_view(client, other):
    project, comment = other
    document = parse(client.get(f"{project_url(project)}?sortierung=alt&kategorie={project.categories[0].id}"))
    element = document.get_element_by_id(f"comment-{comment.id}")
    for form in element.xpath(".//form"):
        values = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
        assert values["sortierung"] == "alt" and values["kategorie"] == str(project.categories[0].id), form.get("action")


def test_an_empty_reply_is_refused_at_the_comment(app, client, other):
    project, comment = other
    token = csrf_token(client, project_url(project))
    response = client.post(action_url(project, comment, "antworten"), headers=EN,
                           data={"csrf_token": token, "text": "  ", "sortierung": "alt"})
    assert response.headers["Location"].endswith(f"?sortierung=alt#comment-{comment.id}")
    document = parse(client.get(response.headers["Location"], headers=EN))
    [message] = message_at(document, comment.id)
    assert message.xpath(".//*[@role='alert']")[0].text_content().strip() == "Please write a comment."
    assert "Please write a comment." not in general_area(document)


def test_a_new_comment_opens_the_first_page_newest_first_with_the_message_at_it(app, client, other):
    project, _comment = other
    token = csrf_token(client, project_url(project))
    response = client.post(f"{project_url(project)}/kommentare", headers=EN, data={
        "csrf_token": token, "text": "My new words", "category": str(project.categories[1].id),
        "lon": str(INSIDE.x), "lat": str(INSIDE.y), "sortierung": "alt", "seite": "3",
        "kategorie": str(project.categories[0].id)})
    with app.app_context():
        new_id = db.session.scalar(select(Comment.id).where(Comment.text == "My new words"))
    assert response.headers["Location"].endswith(f"{project_url(project)}#comment-{new_id}")
    document = parse(client.get(response.headers["Location"], headers=EN))
    first = document.find_class("comment-list")[0].xpath("./li")[0]
    assert first.get("id") == f"comment-{new_id}"
    assert "Your comment has been published." in message_at(document, new_id)[0].text_content()


def test_a_message_whose_comment_is_not_on_the_page_stays_at_the_top(client, other):
    project, comment = other
    token = csrf_token(client, project_url(project))
    client.post(action_url(project, comment, "unterstuetzen"), data={"csrf_token": token}, headers=EN)
    # Another category: the comment is not in the list, so the message may not wait for it.
    document = parse(client.get(f"{project_url(project)}?kategorie={project.categories[1].id}", headers=EN))
    assert "You support this comment." in general_area(document)


def test_the_write_limit_is_shown_at_the_comment(limited, create_project, create_user, create_comment):  # noqa: F811
    project = create_project()
    comment = create_comment(project, create_user())
    client = log_in(limited, create_user())
    token = csrf_token(client, project_url(project))
    others = [create_comment(project, create_user()) for _ in range(3)]
    for item in others:
        assert client.post(action_url(project, item, "unterstuetzen"), data={"csrf_token": token}).status_code == 302
        client.get(project_url(project))  # read the message, as the browser would
    response = client.post(action_url(project, comment, "unterstuetzen"), data={"csrf_token": token}, headers=EN)
    document = parse(client.get(response.headers["Location"], headers=EN))
    [message] = message_at(document, comment.id)
    assert "You have written a lot in a short time." in message.text_content()
    assert "You have written a lot" not in general_area(document)
