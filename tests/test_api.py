"""The JSON API: reading projects and pins, writing comments with session + CSRF header."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.accounts.models import Role, User
from participation.comments.models import Comment, Visibility
from participation.extensions import db
from tests.conftest import INSIDE, OUTSIDE, csrf_token, town_today

API = "/api/v1"
EN = {"Accept-Language": "en"}
EVERYWHERE = "13.0,53.0,14.0,54.0"


def page_url(project):
    return f"/{project.municipality.slug}/projekte/{project.id}"


def comments_url(project):
    return f"{API}/projects/{project.id}/comments"


def count_comments(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Comment.id)))


@pytest.fixture
def writer(client, create_project, create_user, login):
    """A logged-in resident, an open project and the CSRF token of its page."""
    project = create_project()
    user = create_user()
    login(user)
    token = csrf_token(client, page_url(project))

    def post(body=None, *, data=None, project=project, headers=None):
        headers = {"X-CSRFToken": token, **EN, **(headers or {})}
        if data is not None:
            return client.post(comments_url(project), data=data, content_type="application/json", headers=headers)
        return client.post(comments_url(project), json=body, headers=headers)

    post.project, post.user, post.token = project, user, token
    return post


def valid_body(project, **changes):
    body = {"text": "A bench here", "category_id": project.categories[0].id,
            "location": {"type": "Point", "coordinates": [INSIDE.x, INSIDE.y]}}
    body.update(changes)
    return body


def test_projects_lists_only_published_and_filters_by_town(client, create_town, create_project):
    a, b = create_town(slug="alpha"), create_town(slug="beta")
    published = create_project(town=a)
    create_project(town=a, phase="draft")
    elsewhere = create_project(town=b, phase="information")
    body = client.get(f"{API}/projects").get_json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [published.id, elsewhere.id]
    only_a = client.get(f"{API}/projects?municipality=alpha").get_json()
    assert [f["id"] for f in only_a["features"]] == [published.id]
    assert only_a["features"][0]["properties"]["municipality"] == "alpha"
    assert client.get(f"{API}/projects?municipality=nowhere").get_json()["features"] == []


def test_project_feature(client, create_project):
    project = create_project()
    feature = client.get(f"{API}/projects/{project.id}").get_json()
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["url"] == page_url(project)
    assert [c["name"] for c in feature["properties"]["categories"]] == ["Traffic", "Green"]


def test_draft_is_hidden_except_from_its_planners(client, create_project, create_user, create_town, login):
    project = create_project(phase="draft")
    url = f"{API}/projects/{project.id}"
    assert client.get(url).status_code == 404
    assert client.get(f"{comments_url(project)}?bbox={EVERYWHERE}").status_code == 404
    login(create_user(role=Role.PLANNER, towns=[create_town()]))
    assert client.get(url).status_code == 404
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(create_user(role=Role.PLANNER, towns=[project.municipality]))
    assert client.get(url).status_code == 200
    assert client.get(f"{API}/projects").get_json()["features"] == []  # the list stays public-only


@pytest.mark.parametrize("url", [f"{API}/projects/0", f"{API}/projects/abc", f"{API}/projects/{10**20}",
                                 f"{API}/comments/{10**20}", f"{API}/projects/{10**20}/comments?bbox=1,2,3,4"])
def test_unknown_ids_are_404_json(client, url):
    response = client.get(url)
    assert response.status_code == 404 and "error" in response.get_json()


def test_pins_as_geojson_and_removed_ones_hidden(app, client, create_project, create_user, create_comment):
    project = create_project()
    author = create_user()
    shown = create_comment(project, author, text="Shown")
    removed = create_comment(project, author, text="Removed")
    create_comment(project, author, text="Reply", parent=shown)
    with app.app_context():
        db.session.get(Comment, removed.id).visibility = Visibility.HIDDEN
        db.session.commit()
    body = client.get(f"{comments_url(project)}?bbox={EVERYWHERE}").get_json()
    assert (body["numberMatched"], body["numberReturned"]) == (1, 1)
    [feature] = body["features"]
    assert feature["id"] == shown.id
    assert feature["geometry"] == {"type": "Point", "coordinates": [INSIDE.x, INSIDE.y]}
    assert feature["properties"]["replies"] == 1
    assert feature["properties"]["author"] == author.pseudonym
    assert client.get(f"{API}/comments/{removed.id}").status_code == 404
    assert client.get(f"{API}/comments/{shown.id}").get_json()["properties"]["text"] == "Shown"
    away = client.get(f"{comments_url(project)}?bbox=13.3,53.59,13.31,53.61").get_json()
    assert away["features"] == [] and away["numberMatched"] == 0


@pytest.mark.parametrize("query", [
    "", "?bbox=", "?bbox=1,2,3", "?bbox=a,b,c,d", "?bbox=nan,53,14,54", "?bbox=13,53,inf,54",
    "?bbox=13,53,14,100", "?bbox=14,53,13,54", "?bbox=13,53,14,54,1",
])
def test_malformed_bbox_is_400_json(client, create_project, query):
    response = client.get(comments_url(create_project()) + query, headers=EN)
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == "bbox" and "bbox" in body["error"]


@pytest.mark.parametrize("limit", ["0", "abc", "-1", "1.5", "5001", "²", "9" * 5000, ""])
def test_bad_limit_is_400(client, create_project, limit):
    response = client.get(f"{comments_url(create_project())}?bbox={EVERYWHERE}&limit={limit}", headers=EN)
    assert response.status_code == 400
    assert response.get_json()["field"] == "limit"


def test_limit_cuts_the_features(client, create_project, create_user, create_comment):
    project = create_project()
    author = create_user()
    for _ in range(3):
        create_comment(project, author)
    body = client.get(f"{comments_url(project)}?bbox={EVERYWHERE}&limit=2").get_json()
    assert (body["numberMatched"], body["numberReturned"], len(body["features"])) == (3, 2, 2)


def test_anonymous_post_is_401(app, client, create_project):
    project = create_project()
    token = csrf_token(client, page_url(project))
    response = client.post(comments_url(project), json=valid_body(project), headers={"X-CSRFToken": token})
    assert response.status_code == 401 and "error" in response.get_json()
    assert count_comments(app) == 0


def test_post_without_csrf_header_is_400_json(app, writer):
    response = writer(valid_body(writer.project), headers={"X-CSRFToken": ""})
    assert response.status_code == 400 and "error" in response.get_json()
    response = writer(valid_body(writer.project), headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400
    assert count_comments(app) == 0


def test_create_comment(app, client, writer):
    project = writer.project
    response = writer(valid_body(project, category_id=project.categories[1].id))
    assert response.status_code == 201
    feature = response.get_json()
    assert response.headers["Location"].endswith(f"{API}/comments/{feature['id']}")
    assert feature["type"] == "Feature"
    assert feature["geometry"]["coordinates"] == [INSIDE.x, INSIDE.y]
    assert feature["properties"]["category"]["id"] == project.categories[1].id
    assert feature["properties"]["author"] == writer.user.pseudonym
    assert client.get(response.headers["Location"]).get_json()["id"] == feature["id"]
    with app.app_context():
        saved = db.session.get(Comment, feature["id"])
        assert saved.text == "A bench here" and saved.author_id == writer.user.id
        assert (saved.min_x, saved.min_y) == (INSIDE.x, INSIDE.y)


def test_comment_without_a_place(writer):
    response = writer(valid_body(writer.project, location=None))
    assert response.status_code == 201 and response.get_json()["geometry"] is None


@pytest.mark.parametrize("change, field", [
    ({"category_id": 999_999}, "category_id"),
    ({"category_id": True}, "category_id"),
    ({"category_id": None}, "category_id"),
    ({"text": "x" * 2001}, "text"),
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": None}, "text"),
    ({"text": 42}, "text"),
    ({"location": {"type": "Point", "coordinates": [200, 53.5]}}, "location"),
    ({"location": {"type": "Point", "coordinates": [13.2, -91]}}, "location"),
    ({"location": {"type": "Point", "coordinates": [OUTSIDE.x, OUTSIDE.y]}}, "location"),
    ({"location": {"type": "Point", "coordinates": ["a", "b"]}}, "location"),
    ({"location": {"type": "Point", "coordinates": [True, 53.5]}}, "location"),
    ({"location": {"type": "Point", "coordinates": [10**400, 53.5]}}, "location"),
    ({"location": {"type": "Point", "coordinates": [13.25]}}, "location"),
    ({"location": {"type": "Point", "coordinates": [13.25, 53.55, 3]}}, "location"),
    ({"location": {"type": "Polygon", "coordinates": [13.25, 53.55]}}, "location"),
    ({"location": [13.25, 53.55]}, "location"),
    ({"location": "POINT(13.25 53.55)"}, "location"),
    ({"location": {}}, "location"),
    ({"parent_id": 999_999}, "parent_id"),
    ({"parent_id": 10**20}, "parent_id"),
    ({"parent_id": "1"}, "parent_id"),
])
def test_invalid_comment_is_400_with_field(app, writer, change, field):
    response = writer(valid_body(writer.project, **change))
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["field"] == field and body["error"]
    assert count_comments(app) == 0


def test_text_at_the_limit_is_accepted(app, writer):
    limit = app.config["COMMENT_MAX_LENGTH"]
    assert writer(valid_body(writer.project, text="x" * limit)).status_code == 201


@pytest.mark.parametrize("raw", [
    '{"text":"x","category_id":1,"location":{"type":"Point","coordinates":[NaN, 1]}}',
    '{"text":"x","category_id":1,"location":{"type":"Point","coordinates":[13.25, Infinity]}}',
])
def test_non_finite_coordinates_are_400(app, writer, raw):
    raw = raw.replace('"category_id":1', f'"category_id":{writer.project.categories[0].id}')
    response = writer(data=raw)
    assert response.status_code == 400
    assert response.get_json()["field"] == "location"
    assert count_comments(app) == 0


@pytest.mark.parametrize("raw", ["[]", '"text"', "1", "null", "{", "", "\xff"])
def test_body_must_be_a_json_object(writer, raw):
    response = writer(data=raw)
    assert response.status_code == 400 and "error" in response.get_json()


def test_reply_and_no_reply_to_a_reply(app, writer, create_comment, create_project, create_user):
    project = writer.project
    parent = create_comment(project, create_user())
    response = writer({"text": "Agreed", "parent_id": parent.id})
    assert response.status_code == 201
    reply = response.get_json()
    assert reply["properties"]["parent_id"] == parent.id and reply["geometry"] is None
    nested = writer({"text": "And again", "parent_id": reply["id"]})
    assert nested.status_code == 400 and nested.get_json()["field"] == "parent_id"
    foreign = create_comment(create_project(), create_user())
    response = writer({"text": "Wrong project", "parent_id": foreign.id})
    assert response.status_code == 400 and response.get_json()["field"] == "parent_id"
    assert count_comments(app) == 3


def test_closed_period_is_403(app, writer, create_project):
    yesterday = town_today() - timedelta(days=1)
    closed = create_project(start=yesterday - timedelta(days=9), end=yesterday)
    response = writer(valid_body(closed), project=closed)
    assert response.status_code == 403 and response.get_json()["error"]
    assert count_comments(app) == 0


def test_draft_project_is_404_for_residents(writer, create_project):
    draft = create_project(phase="draft")
    assert writer(valid_body(draft), project=draft).status_code == 404


def test_unconfirmed_user_is_403(app, writer):
    with app.app_context():  # the address is withdrawn after logging in
        db.session.get(User, writer.user.id).email_confirmed_at = None
        db.session.commit()
    response = writer(valid_body(writer.project))
    assert response.status_code == 403 and "confirm" in response.get_json()["error"]
    assert count_comments(app) == 0


def test_anonymous_post_without_a_csrf_token_is_401_as_documented(app, client, create_project):
    """The log-in is checked before the CSRF token: a client without a session learns that it must log in."""
    project = create_project()
    response = client.post(comments_url(project), json=valid_body(project), headers=EN)
    assert response.status_code == 401 and response.get_json()["error"] == "Please log in to comment."
    assert count_comments(app) == 0


@pytest.mark.parametrize("method, url, allowed", [
    ("DELETE", "/projects", {"GET"}),
    ("PUT", "/projects/1/comments", {"GET", "POST"}),
    ("POST", "/openapi.json", {"GET"}),
])
def test_405_names_the_allowed_methods(client, method, url, allowed):
    response = client.open(API + url, method=method, headers=EN)
    assert response.status_code == 405 and "error" in response.get_json()
    assert {m.strip() for m in response.headers["Allow"].split(",")} - {"HEAD", "OPTIONS"} == allowed


def test_405_on_a_page_names_the_allowed_methods_too(client):
    response = client.put("/language")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "POST" in response.headers["Allow"]


def test_an_empty_bbox_is_refused_as_the_document_says(client, create_project):
    """bbox is required and is four numbers (OpenAPI: an array, form style, not exploded); an empty one
    is no box, and the document says so rather than allowing any string."""
    response = client.get(comments_url(create_project()) + "?bbox=", headers=EN)
    assert response.status_code == 400 and response.get_json()["field"] == "bbox"
    document = client.get(f"{API}/openapi.json").get_json()
    [bbox] = [p for p in document["paths"]["/projects/{project_id}/comments"]["get"]["parameters"] if p["name"] == "bbox"]
    assert bbox["required"] and bbox["schema"]["type"] == "array" and bbox["schema"]["minItems"] == 4
    assert (bbox["style"], bbox["explode"]) == ("form", False)


@pytest.mark.parametrize("url", ["/projects", "/projects/1", "/openapi.json", "/comments/1", "/layers/1/features"])
def test_a_nul_in_the_query_is_a_documented_400(client, url):
    response = client.get(f"{API}{url}?x=%00", headers=EN)
    assert response.status_code == 400 and "NUL" in response.get_json()["error"]
    document = client.get(f"{API}/openapi.json").get_json()
    assert all("400" in op["responses"] for item in document["paths"].values() for op in item.values())
