"""Each comment rule in one place: the HTML forms refuse bad input with exactly the message the JSON API
gives for the same input, in German (the default) and in English — both come from parse_comment."""
from __future__ import annotations

import re
from html import unescape
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from participation.comments.models import Comment, Visibility
from participation.extensions import db
from tests.conftest import INSIDE, OUTSIDE, csrf_token

LANGUAGES = {"de": {}, "en": {"Accept-Language": "en"}}
_DANGER = re.compile(r'kern-alert--danger".*?<span class="kern-title">(.*?)</span>', re.S)


def project_url(project):
    return f"/{project.municipality.slug}/projekte/{project.id}"


@pytest.fixture
def send(app, client, create_project, create_user, login):
    """A logged-in resident and an open project; `send.form(...)` posts a form and returns the messages
    flashed on the page it leads to, `send.api(...)` posts JSON and returns the refusal's field and message."""
    project = create_project()
    login(create_user())
    token = csrf_token(client, project_url(project))

    def form(changes: dict, lang: str, comment=None) -> list[str]:
        if comment is None:
            url = f"{project_url(project)}/kommentare"
            data = {"text": "A bench here", "category": str(project.categories[0].id),
                    "lon": str(INSIDE.x), "lat": str(INSIDE.y)}
        else:
            url = f"/{project.municipality.slug}/kommentare/{comment.id}/antworten"
            data = {"text": "Agreed"}
        data = {k: v for k, v in {**data, **changes, "csrf_token": token}.items() if v is not None}
        response = client.post(url, data=data, headers=LANGUAGES[lang], follow_redirects=True)
        # A refused comment: the page itself (400) with the form as sent; a reply: back to the page.
        assert (response.status_code, response.request.path) in ((400, url), (200, project_url(project)))
        return [unescape(m) for m in _DANGER.findall(response.get_data(as_text=True))]

    def api(changes: dict, lang: str, comment=None) -> tuple[str, str]:
        if comment is None:
            body = {"text": "A bench here", "category_id": project.categories[0].id,
                    "location": point(INSIDE.x, INSIDE.y)}
        else:
            body = {"text": "Agreed", "parent_id": comment.id}
        body = {k: v for k, v in {**body, **changes}.items() if v is not OMIT}
        response = client.post(f"/api/v1/projects/{project.id}/comments", json=body,
                               headers={"X-CSRFToken": token, **LANGUAGES[lang]})
        assert response.status_code == 400, response.get_data(as_text=True)
        answer = response.get_json()
        return answer["field"], answer["error"]

    def count() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count(Comment.id)))

    return SimpleNamespace(project=project, form=form, api=api, count=count)


def point(lon, lat) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


#: Leaves a key out of the JSON body (None is sent as null).
OMIT = object()
LIMIT = 2000  # COMMENT_MAX_LENGTH; test_limit_is_the_configured_one keeps it honest


#: id, form fields (None: left out), JSON changes, the field the API names.
COMMENT_CASES = [
    pytest.param({"text": ""}, {"text": ""}, "text", id="empty text"),
    pytest.param({"text": None}, {"text": OMIT}, "text", id="no text field"),
    pytest.param({"text": " \r\n\t "}, {"text": " \r\n\t "}, "text", id="whitespace-only text"),
    pytest.param({"text": "x" * (LIMIT + 1)}, {"text": "x" * (LIMIT + 1)}, "text", id="too-long text"),
    pytest.param({"text": "\x00 \x00"}, {"text": "\x00 \x00"}, "text", id="only NUL and space"),
    pytest.param({"category": "0"}, {"category_id": None}, "category_id", id="placeholder category"),
    pytest.param({"category": ""}, {"category_id": None}, "category_id", id="empty category"),
    pytest.param({"category": None}, {"category_id": OMIT}, "category_id", id="no category field"),
    pytest.param({"category": "999999"}, {"category_id": 999_999}, "category_id", id="unknown category"),
    pytest.param({"category": "9" * 5000}, {"category_id": 10**40}, "category_id", id="huge category"),
    pytest.param({"category": "Traffic"}, {"category_id": "Traffic"}, "category_id", id="non-number category"),
    pytest.param({"category": "-1"}, {"category_id": -1}, "category_id", id="negative category"),
    pytest.param({"category": "١"}, {"category_id": "١"}, "category_id", id="non-ASCII digits as category"),
    pytest.param({"lon": str(OUTSIDE.x), "lat": str(OUTSIDE.y)}, {"location": point(OUTSIDE.x, OUTSIDE.y)},
                 "location", id="pin outside the area"),
    pytest.param({"lon": "east"}, {"location": point("east", INSIDE.y)}, "location", id="coordinates not numbers"),
    pytest.param({"lat": ""}, {"location": point(INSIDE.x, None)}, "location", id="latitude missing"),
    pytest.param({"lon": "nan"}, {"location": point("nan", INSIDE.y)}, "location", id="not finite"),
    pytest.param({"lon": "200"}, {"location": point(200, INSIDE.y)}, "location", id="longitude out of range"),
]


def _assert_same_answer(send, form_changes, api_changes, field, comment=None):
    before = send.count()
    answers = {}
    for lang in LANGUAGES:
        api_field, api_message = send.api(api_changes, lang, comment)
        assert api_field == field
        assert send.form(form_changes, lang, comment) == [api_message], lang
        answers[lang] = api_message
    # The German run is German: the same rule, translated.
    assert answers["de"] != answers["en"]
    assert send.count() == before


@pytest.mark.parametrize("form_changes, api_changes, field", COMMENT_CASES)
def test_comment_form_refuses_like_the_api(send, form_changes, api_changes, field):
    _assert_same_answer(send, form_changes, api_changes, field)


def test_category_of_another_project(send, create_project):
    foreign = str(create_project().categories[0].id)
    _assert_same_answer(send, {"category": foreign}, {"category_id": int(foreign)}, "category_id")


def test_reply_to_a_reply(send, create_comment, create_user):
    parent = create_comment(send.project, create_user())
    reply = create_comment(send.project, create_user(), parent=parent)
    _assert_same_answer(send, {}, {}, "parent_id", comment=reply)


def test_reply_to_a_removed_comment(app, send, create_comment, create_user):
    # The page of a comment that never existed is a 404 (below); a removed one is still in the database.
    gone = create_comment(send.project, create_user())
    with app.app_context():
        db.session.get(Comment, gone.id).visibility = Visibility.HIDDEN
        db.session.commit()
    _assert_same_answer(send, {}, {}, "parent_id", comment=gone)
    for lang in LANGUAGES:  # an id that names nothing gets the same answer from the API
        assert send.api({"parent_id": 999_999}, lang) == send.api({}, lang, comment=gone)


@pytest.mark.parametrize("text", [
    pytest.param("", id="empty"),
    pytest.param(" \r\n ", id="blank"),
    pytest.param("x" * (LIMIT + 1), id="long"),
    pytest.param("\x00", id="only NUL"),
])
def test_reply_text_is_refused_like_the_api(send, create_comment, create_user, text):
    parent = create_comment(send.project, create_user())
    _assert_same_answer(send, {"text": text}, {"text": text}, "text", comment=parent)


def test_reply_to_a_missing_comment_page_is_404(client, send):
    response = client.post(f"/{send.project.municipality.slug}/kommentare/999999/antworten",
                           data={"text": "Agreed", "csrf_token": csrf_token(client, project_url(send.project))})
    assert response.status_code == 404


@pytest.mark.parametrize("lang", LANGUAGES)
def test_form_names_every_mistake_the_api_names_the_first(send, lang):
    # The API answers with one field; the form lists all, in the same order, with the same words.
    text = send.api({"text": "", "category_id": None, "location": OMIT}, lang)
    category = send.api({"category_id": None}, lang)
    place = send.api({"location": point(OUTSIDE.x, OUTSIDE.y)}, lang)
    assert text[0] == "text"
    messages = send.form({"text": "", "category": "0", "lon": str(OUTSIDE.x), "lat": str(OUTSIDE.y)}, lang)
    assert messages == [text[1], category[1], place[1]]
    assert send.count() == 0


def test_text_at_the_limit_with_a_category_and_a_pin_is_accepted(app, send):
    # Surrounding white space does not count, as in the API (test_api.test_text_at_the_limit_is_accepted).
    assert send.form({"text": " " + "x" * LIMIT + "\n", "category": str(send.project.categories[1].id)}, "de") == []
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert len(comment.text) == LIMIT and comment.category_id == send.project.categories[1].id
        assert comment.location.equals(INSIDE)


def test_nul_is_dropped_alike_by_the_form_and_the_api(app, client, send):
    """participation.web.input_guard removes NUL from form values and JSON strings before any view
    runs (PostgreSQL cannot store it), so both save the pasted text without it."""
    assert send.form({"text": "a\x00b"}, "de") == []
    response = client.post(f"/api/v1/projects/{send.project.id}/comments",
                           json={"text": "c\x00d", "category_id": send.project.categories[0].id},
                           headers={"X-CSRFToken": csrf_token(client, project_url(send.project))})
    assert response.status_code == 201
    with app.app_context():
        assert sorted(db.session.scalars(select(Comment.text))) == ["ab", "cd"]


def test_limit_is_the_configured_one(app):
    assert app.config["COMMENT_MAX_LENGTH"] == LIMIT


def test_project_without_categories_needs_none(client, create_project, create_user, login):
    project = create_project(categories=())
    login(create_user())
    token = csrf_token(client, project_url(project))
    page = client.get(project_url(project)).get_data(as_text=True)
    assert 'name="category"' not in page
    response = client.post(f"{project_url(project)}/kommentare", data={"csrf_token": token, "text": "Fine"})
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]


def test_fields_are_still_marked_required(client, send):
    page = client.get(project_url(send.project)).get_data(as_text=True)
    form = page[page.index('<section id="comment-form"'):page.index("</section>", page.index('id="comment-form"'))]
    assert re.search(r"<textarea[^>]*\bname=\"text\"[^>]*\brequired\b", form)
    assert re.search(r"<select[^>]*\bname=\"category\"[^>]*\brequired\b", form)
    assert "(optional)" in form  # the place and the photos are optional ...
    assert form.count("(optional)") == 2  # ... and nothing else is labelled so
