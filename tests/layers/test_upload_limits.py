"""Layer uploads may be as large as LAYER_UPLOAD_MAX_BYTES; every other route keeps MAX_CONTENT_LENGTH
(issue 9, finding 5). The files are generated on disk and streamed, never held whole in memory."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import EnvironBuilder

from participation.accounts.models import Role
from tests.conftest import PASSWORD, csrf_token, extra_app
from tests.layers.test_layer_pages import finished_upload

MB = 2**20


def padded_geojson(path: Path, size: int) -> Path:
    """A valid, empty FeatureCollection padded with blanks to `size` bytes, written in chunks."""
    head, tail = b'{"type": "FeatureCollection", "features": [', b"]}"
    with open(path, "wb") as out:
        out.write(head)
        left = size - len(head) - len(tail)
        while left > 0:
            out.write(b" " * min(MB, left))
            left -= MB
        out.write(tail)
    return path


@pytest.fixture
def large_app(app):
    # The app-wide default (8 MB) stays; layers may be 20 MB here instead of 200 MB.
    made = extra_app({"INSTANCE_PATH": app.instance_path, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                      "SECRET_KEY": app.config["SECRET_KEY"], "MAIL_SERVER": "",
                      "LAYER_UPLOAD_MAX_BYTES": 20 * MB})
    assert made.config["MAX_CONTENT_LENGTH"] == 8 * MB
    return made


@pytest.fixture
def gis_client(large_app, create_town, create_user):
    town = create_town()
    user = create_user(Role.GIS, towns=[town])
    client = large_app.test_client()
    response = client.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD,
                                                    "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client, town


def post_file(client, url: str, fields: dict, file_field: str, path: Path):
    """POST `path` as multipart form data, encoded by Werkzeug into a temporary file (closed here:
    the test client leaves it open)."""
    with open(path, "rb") as stream:
        builder = EnvironBuilder(client.application, path=url, method="POST", content_type="multipart/form-data",
                                 data={**fields, file_field: (stream, path.name)})
        environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def upload(client, town, path: Path):
    url = f"/{town.slug}/gis/ebenen/hochladen"
    return post_file(client, url, {"csrf_token": csrf_token(client, url), "name": "Groß", "crs": ""}, "file", path)


def test_a_layer_between_the_app_limit_and_the_layer_limit_is_accepted(large_app, gis_client, tmp_path):
    client, town = gis_client
    response = upload(client, town, padded_geojson(tmp_path / "ten.geojson", 10 * MB))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert finished_upload(large_app, response).original_filename == "ten.geojson"


def test_a_layer_over_the_layer_limit_is_refused(gis_client, tmp_path):
    client, town = gis_client
    assert upload(client, town, padded_geojson(tmp_path / "big.geojson", 21 * MB)).status_code == 413


def test_other_routes_keep_the_small_limit(gis_client, tmp_path):
    client, town = gis_client
    path = padded_geojson(tmp_path / "area.geojson", 10 * MB)
    url = f"/{town.slug}/projekte/neu"
    response = post_file(client, url, {"csrf_token": csrf_token(client, url), "title": "x"}, "area_file", path)
    assert response.status_code == 413
