"""Hostile or broken input is answered with a 4xx and a message, never a 500 (issue 9, finding 7).

Each test covers a class: every route with an integer in its path, every JSON body, every
redirect target taken from the visitor, every error a file download can raise, the map editor's
re-rendered form.
"""
from __future__ import annotations

import io
import re

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.layers.models import Layer
from participation.maps.models import MapLayer
from participation.web.input_guard import MAX_JSON_DEPTH, MAX_URL_INT
from tests.conftest import PASSWORD, csrf_token
from tests.test_town_settings import PNG, post_settings

HUGE = 99999999999999999999  # beyond 64 bits


def _no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"


@pytest.fixture
def planner_site(create_town, create_user, create_project, login):
    town = create_town()
    project = create_project(town=town)
    user = create_user(Role.ADMIN, towns=[town])
    login(user)
    return town, project


def test_every_integer_in_a_path_beyond_the_id_range_is_not_found(app, client, planner_site):
    """Not only /auftraege/<id>: each route with an <int:…> part, GET and POST, as an admin."""
    town, project = planner_site
    token = csrf_token(client, "/")
    checked = 0
    for rule in app.url_map.iter_rules():
        if "int" not in {type(c).__name__.lower()[:3] for c in rule._converters.values()}:
            continue
        values = {name: (town.slug if name == "slug" else HUGE) for name in rule.arguments}
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == 404, f"{method} {path}: {response.status_code}"
            checked += 1
    assert checked > 30  # the walk found the routes


def test_the_largest_id_is_still_looked_up_and_one_more_is_refused(client, planner_site):
    town, project = planner_site
    assert client.get(f"/auftraege/{MAX_URL_INT}").status_code == 404
    assert client.get(f"/auftraege/{MAX_URL_INT + 1}/status").status_code == 404
    assert client.get(f"/{town.slug}/projekte/{project.id}").status_code == 200


@pytest.mark.parametrize("body, message", [
    ("[" * 2000 + "]" * 2000, "nested too deeply"),
    ('{"text": ' + "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1) + "}", "nested too deeply"),
    ('{"text": "Hallo \\ud800 Welt"}', "not valid Unicode"),
    ('{"text": "ok", "\\udfff": 1}', "not valid Unicode"),
])
def test_json_too_deep_or_with_a_lone_surrogate_is_refused_with_a_message(client, create_project, create_user,
                                                                          login, body, message):
    project = create_project()
    login(create_user())
    token = csrf_token(client, "/")
    response = client.post(f"/api/v1/projects/{project.id}/comments", data=body,
                           headers={"X-CSRFToken": token, "Accept-Language": "en"}, content_type="application/json")
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_json_within_the_bounds_still_works(client, create_project, create_user, login):
    project = create_project()
    login(create_user())
    response = client.post(f"/api/v1/projects/{project.id}/comments",
                           json={"text": "Ein Baum 🌳 bitte", "category_id": project.categories[0].id},
                           headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code == 201 and response.get_json()["properties"]["text"] == "Ein Baum 🌳 bitte"


@pytest.mark.parametrize("target", ["/a\r\nSet-Cookie: x=1", "/a\nb", "/a\rb", "/a\tb", "/a\x7fb", "/a\x85b"])
def test_control_characters_in_next_fall_back_to_the_start_page(client, create_user, target):
    response = client.post("/language", data={"lang": "en", "next": target, "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and response.headers["Location"] == "/"

    user = create_user()
    response = client.post("/konto/anmelden", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_plain_next_path_is_still_followed(client):
    response = client.post("/language", data={"lang": "en", "next": "/impressum?x=1", "csrf_token": csrf_token(client, "/")})
    assert response.headers["Location"] == "/impressum?x=1"


@pytest.mark.parametrize("fields", [
    {"rows-0-layer_id": str(HUGE), "rows-0-visible": "y", "add": "999"},  # unknown layer, form invalid (add)
    {"rows-0-visible": "y"},  # a row without its layer id
    {"rows-0-layer_id": "²", "add": ""},  # a digit Python's int() refuses
    {"rows-0-layer_id": "123456", "stray": "x", "add": ""},
])
def test_the_map_editor_refuses_unknown_rows_with_a_message(app, client, create_town, create_user, create_project,
                                                            login, fields):
    town = create_town()
    project = create_project(town=town)
    login(create_user(Role.PLANNER, towns=[town]))
    url = f"/{town.slug}/projekte/{project.id}/karte"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **fields},
                           headers={"Accept-Language": "en"})
    _no_server_error(response, str(fields))
    assert response.status_code == 400
    assert "not available for this map" in response.get_data(as_text=True)


def test_the_map_editor_still_saves_known_layers(app, client, create_town, create_user, create_project, login):
    town = create_town()
    project = create_project(town=town)
    login(create_user(Role.PLANNER, towns=[town]))
    with app.app_context():
        layer = Layer(municipality_id=town.id, name="Bäume")
        db.session.add(layer)
        db.session.commit()
        layer_id = layer.id
    url = f"/{town.slug}/projekte/{project.id}/karte"
    assert client.post(url, data={"csrf_token": csrf_token(client, url), "add": str(layer_id)}).status_code == 302
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "rows-0-layer_id": str(layer_id),
                                      "rows-0-visible": "y", "add": str(HUGE)})
    assert response.status_code == 200  # the choice is a form error, shown at the field
    assert "Bäume" in response.get_data(as_text=True)
    twice = {"rows-0-layer_id": str(layer_id), "rows-1-layer_id": str(layer_id), "add": str(layer_id)}
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **twice})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(MapLayer).count() == 1


def test_a_range_beyond_the_end_of_a_static_file_is_416(client):
    response = client.get("/static/js/pool.js", headers={"Range": "bytes=999999999-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"].startswith("bytes */")
    with client.get("/static/js/pool.js", headers={"Range": "bytes=0-9"}) as partial:
        assert partial.status_code == 206 and len(partial.data) == 10


def test_a_range_beyond_the_end_of_a_town_logo_is_416(client, create_town, create_user, login):
    town = create_town()
    login(create_user(role="planner", towns=[town]))
    assert post_settings(client, town, logo=(io.BytesIO(PNG), "logo.png")).status_code == 302
    response = client.get(f"/{town.slug}/logo", headers={"Range": f"bytes={len(PNG) + 10}-"})
    assert response.status_code == 416 and response.headers["Content-Range"] == f"bytes */{len(PNG)}"
