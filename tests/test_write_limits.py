"""Writing is throttled per account and per address: comments, replies, supports and reports,
through the form and the API, with a message where the writer is (issue 9, finding 6)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.comments.models import Comment, Report, Support
from participation.extensions import db, limiter
from tests.conftest import INSIDE, csrf_token, extra_app
from tests.test_openapi import check_response

EN = {"Accept-Language": "en"}


@pytest.fixture
def limited(app):
    """An app on the same database that lets an account write 3 times and an address 5 times a minute."""
    made = extra_app({
        "TESTING": True,
        "INSTANCE_PATH": app.instance_path,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "limits-test-secret",
        "MAIL_SERVER": "",
        "WRITE_LIMIT_PER_ACCOUNT": "3 per minute",
        "WRITE_LIMIT_PER_ADDRESS": "5 per minute",
    })
    yield made
    with made.app_context():
        limiter.reset()


def log_in(app, user, address: str = "198.51.100.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    response = client.post("/konto/anmelden", data={"email": user.email, "password": "correct horse battery",
                                                    "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def form_comment(client, project, text="Hier bitte einen Baum"):
    url = f"/{project.municipality.slug}/projekte/{project.id}"
    return client.post(f"{url}/kommentare", headers=EN, data={
        "csrf_token": csrf_token(client, url), "text": text, "category": str(project.categories[0].id),
        "lon": str(INSIDE.x), "lat": str(INSIDE.y)})


def api_comment(client, project, text="Hier bitte einen Baum"):
    token = csrf_token(client, f"/{project.municipality.slug}/projekte/{project.id}")
    return client.post(f"/api/v1/projects/{project.id}/comments", headers={**EN, "X-CSRFToken": token},
                       json={"text": text, "category_id": project.categories[0].id})


def test_the_form_flashes_the_limit_at_the_comment_form(limited, create_project, create_user):
    project = create_project()
    client = log_in(limited, create_user())
    for _ in range(3):
        assert form_comment(client, project).status_code == 302
    response = form_comment(client, project, text="Mein vierter Gedanke")
    # The page again, the words kept in the form and the reason at it.
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    form = page[page.index('id="comment-form"'):]
    assert "You have written a lot in a short time. Please wait" in form and "Mein vierter Gedanke" in form
    assert count(limited, Comment) == 3


def test_the_api_answers_429_with_a_message_and_retry_after(limited, create_project, create_user):
    project = create_project()
    client = log_in(limited, create_user())
    for _ in range(3):
        assert api_comment(client, project).status_code == 201
    response = api_comment(client, project)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert response.get_json()["error"].startswith("You have written a lot in a short time.")
    assert count(limited, Comment) == 3
    with limited.app_context():  # as the OpenAPI document says
        document = limited.test_client().get("/api/v1/openapi.json").get_json()
    check_response(document, "/projects/{project_id}/comments", "post", response)
    assert "Retry-After" in document["paths"]["/projects/{project_id}/comments"]["post"]["responses"]["429"]["headers"]


def test_the_message_is_german_by_default(limited, create_project, create_user):
    project = create_project()
    client = log_in(limited, create_user())
    for _ in range(3):
        api_comment(client, project)
    response = client.post(f"/api/v1/projects/{project.id}/comments", json={"text": "x"},
                           headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code == 429 and "Sekunden" in response.get_json()["error"]


def test_form_and_api_replies_supports_and_reports_share_one_budget(limited, create_project, create_user,
                                                                    create_comment):
    project = create_project()
    others = [create_comment(project, create_user()) for _ in range(2)]
    client = log_in(limited, create_user())
    slug = project.municipality.slug
    token = csrf_token(client, f"/{slug}/projekte/{project.id}")
    assert form_comment(client, project).status_code == 302
    assert client.post(f"/{slug}/kommentare/{others[0].id}/unterstuetzen", data={"csrf_token": token}).status_code == 302
    assert api_comment(client, project).status_code == 201
    # The budget of 3 is spent: a reply, a support and a report are refused with the message.
    for action, data in (("antworten", {"text": "Genau"}), ("unterstuetzen", {}), ("melden", {"reason": "Spam"})):
        response = client.post(f"/{slug}/kommentare/{others[1].id}/{action}", data={"csrf_token": token, **data},
                               headers=EN)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"#comment-{others[1].id}")
    assert "You have written a lot" in client.get(f"/{slug}/projekte/{project.id}", headers=EN).get_data(as_text=True)
    assert (count(limited, Comment), count(limited, Support), count(limited, Report)) == (2 + 2, 1, 0)


def test_refused_input_does_not_count(limited, create_project, create_user):
    project = create_project()
    client = log_in(limited, create_user())
    for _ in range(5):
        assert api_comment(client, project, text="").status_code == 400
    assert api_comment(client, project).status_code == 201


def test_the_limit_is_per_account_and_per_address(limited, create_project, create_user):
    project = create_project()
    first = log_in(limited, create_user(), "198.51.100.1")
    for _ in range(3):
        assert api_comment(first, project).status_code == 201
    assert api_comment(first, project).status_code == 429
    # Another account at the same address still writes, until the address' budget (5) is spent.
    second = log_in(limited, create_user(), "198.51.100.1")
    assert [api_comment(second, project).status_code for _ in range(3)] == [201, 201, 429]
    # An account elsewhere is not affected.
    third = log_in(limited, create_user(), "203.0.113.9")
    assert api_comment(third, project).status_code == 201


def test_the_default_limits_are_configured(app):
    assert app.config["WRITE_LIMIT_PER_ACCOUNT"] and app.config["WRITE_LIMIT_PER_ADDRESS"]


def test_editing_counts_against_the_write_limit(limited, create_project, create_user, create_comment):
    """Each edit also empties the map's cache of pins: not without bounds."""
    project = create_project()
    author = create_user()
    comment = create_comment(project, author, text="Erster Gedanke")
    client = log_in(limited, author)
    url = f"/{project.municipality.slug}/kommentare/{comment.id}/bearbeiten"
    for n in range(3):
        response = client.post(url, headers=EN, data={
            "csrf_token": csrf_token(client, url), "text": f"Gedanke {n}", "category": str(project.categories[0].id)})
        assert response.status_code == 302
    response = client.post(url, headers=EN, data={
        "csrf_token": csrf_token(client, url), "text": "Zu schnell", "category": str(project.categories[0].id)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "You have written a lot in a short time" in page
    with limited.app_context():
        assert db.session.get(Comment, comment.id).text == "Gedanke 2"
