"""A town's planners change its name and logo; the logo is served from the upload folder."""
from __future__ import annotations

import io

import pytest

from participation.extensions import db
from participation.municipalities.models import Municipality
from tests.conftest import csrf_token

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def post_settings(client, town, **data):
    url = f"/{town.slug}/einstellungen"
    data = {"csrf_token": csrf_token(client, url), "name": town.name, **data}
    return client.post(url, data=data, content_type="multipart/form-data", headers={"Accept-Language": "en"})


@pytest.mark.parametrize("content, filename, mimetype", [(SVG, "logo.svg", "image/svg+xml"), (PNG, "logo.png", "image/png")])
def test_planner_uploads_logo_and_it_is_served(app, client, create_town, create_user, login, content, filename, mimetype):
    town = create_town()
    login(create_user(role="planner", towns=[town]))
    response = post_settings(client, town, name="Neuer Name", logo=(io.BytesIO(content), filename))
    assert response.status_code == 302
    with client.get(f"/{town.slug}/logo") as served:
        assert served.status_code == 200 and served.data == content and served.mimetype == mimetype
        assert "sandbox" in served.headers["Content-Security-Policy"]
    with app.app_context():
        assert db.session.get(Municipality, town.id).name == "Neuer Name"


def test_a_file_that_is_not_an_image_is_refused(app, client, create_town, create_user, login):
    town = create_town()
    login(create_user(role="planner", towns=[town]))
    response = post_settings(client, town, logo=(io.BytesIO(b"MZ\x90\x00 not an image"), "logo.svg"))
    assert response.status_code == 400
    assert "not an SVG or PNG" in response.get_data(as_text=True)
    assert client.get(f"/{town.slug}/logo").status_code == 404


@pytest.mark.parametrize("role, member, status", [("resident", False, 403), ("planner", False, 403),
                                                  ("gis", True, 403), ("planner", True, 200), ("admin", False, 200)])
def test_who_may_open_the_settings(client, create_town, create_user, login, role, member, status):
    town = create_town()
    login(create_user(role=role, towns=[town] if member else []))
    assert client.get(f"/{town.slug}/einstellungen").status_code == status
