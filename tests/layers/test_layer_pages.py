"""The GIS team in the browser (without JavaScript): upload → check job → choose → review → publish,
style and popup, layers on a project's map; permissions; hostile files."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from participation.accounts.models import Role
from participation.extensions import db
from participation.jobs import services as job_services
from participation.layers.models import Layer, LayerVersion
from participation.layers.uploads.models import LayerUpload, UploadStatus
from participation.layers.uploads.services import upload_folder
from participation.maps.models import MapLayer
from tests.conftest import csrf_token

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real GIS files not found in {REAL}")

PARCELS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"nutzung": "WA", "eigentuemer": "Erika Muster", "grz": 0.4},
     "geometry": {"type": "Polygon", "coordinates": [[[13.25, 53.55], [13.252, 53.55], [13.252, 53.552], [13.25, 53.55]]]}},
    {"type": "Feature", "properties": {"nutzung": "GE", "eigentuemer": "Max Muster", "grz": 0.8},
     "geometry": {"type": "Polygon", "coordinates": [[[13.254, 53.55], [13.256, 53.55], [13.256, 53.552], [13.254, 53.55]]]}},
]}


def post_upload(client, town, data: bytes, filename: str, **fields):
    url = f"/{town.slug}/gis/ebenen/hochladen" + (f"?ebene={fields.pop('layer_id')}" if "layer_id" in fields else "")
    form = {"csrf_token": csrf_token(client, url), "name": "Flurstücke", "crs": "", **fields,
            "file": FileStorage(io.BytesIO(data), filename)}
    # Encoded in memory: for bodies over 500 KB the test client's own encoder uses a temporary
    # file it never closes (a ResourceWarning that the suite treats as an error).
    body, length, boundary = stream_encode_multipart(MultiDict(form), use_tempfile=False)
    return client.post(url, data=body.read(length), content_type=f"multipart/form-data; boundary={boundary}")


def finished_upload(app, response) -> LayerUpload:
    """Wait for the check job of the upload the response redirected to; return the upload."""
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    upload_id = int(re.search(r"/hochladen/(\d+)$", response.headers["Location"]).group(1))
    with app.app_context():
        upload = db.session.get(LayerUpload, upload_id)
        job = job_services.wait(upload.job_id, timeout=60)
        assert job.is_done, job.message
        db.session.expire_all()
        upload = db.session.get(LayerUpload, upload_id)
        db.session.expunge(upload)
        return upload


def page(client, town, upload) -> str:
    response = client.get(f"/{town.slug}/gis/hochladen/{upload.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_upload_review_publish_and_see_on_the_public_api(app, client, town, gis):
    upload = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "parcels.geojson"))
    assert upload.status is UploadStatus.READY
    html = page(client, town, upload)
    assert "Validation report" in html or "Prüfbericht" in html
    assert "nutzung" in html and "EPSG:4326" in html
    with app.app_context():
        version = db.session.get(LayerVersion, upload.version_id)
        layer_id, number = version.layer_id, version.number
        assert version.layer.current_version_id is None  # not public before confirmation
    assert client.get(f"/api/v1/layers/{layer_id}/features").status_code == 404
    preview = client.get(f"/{town.slug}/gis/ebenen/{layer_id}/versionen/{number}/vorschau?zoom=14").get_json()
    assert len(preview["features"]) == 2

    response = client.post(f"/{town.slug}/gis/hochladen/{upload.id}/veroeffentlichen",
                           data={"csrf_token": csrf_token(client, f"/{town.slug}/gis/hochladen/{upload.id}")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/gis/ebenen/{layer_id}")
    body = client.get(f"/api/v1/layers/{layer_id}/features").get_json()
    assert len(body["features"]) == 2
    assert all(f["properties"] == {} for f in body["features"])  # nothing public before a popup is chosen
    assert not (upload_folder_of(app) / upload.stored_name).exists()
    assert client.get(f"/{town.slug}/gis/ebenen/{layer_id}").status_code == 200


def test_the_preview_of_a_version_over_the_size_cap_is_refused_with_a_message(app, client, town, gis, monkeypatch):
    """The GIS team's preview loads every vertex like the public API: the same cap applies."""
    upload = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "parcels.geojson"))
    with app.app_context():
        version = db.session.get(LayerVersion, upload.version_id)
        url = f"/{town.slug}/gis/ebenen/{version.layer_id}/versionen/{version.number}/vorschau"
        size = version.report["vertex_count"] + version.feature_count
    monkeypatch.setitem(app.config, "LAYER_GEOJSON_MAX_VERTICES", size - 1)
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "too large for a preview" in response.get_json()["error"]
    monkeypatch.setitem(app.config, "LAYER_GEOJSON_MAX_VERTICES", size)
    assert client.get(url).status_code == 200


def upload_folder_of(app) -> Path:
    with app.app_context():
        return upload_folder()


def test_a_new_version_and_rollback(app, client, town, gis):
    first = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "parcels.geojson"))
    token = csrf_token(client, f"/{town.slug}/gis/hochladen/{first.id}")
    client.post(f"/{town.slug}/gis/hochladen/{first.id}/veroeffentlichen", data={"csrf_token": token})
    smaller = {**PARCELS, "features": PARCELS["features"][:1]}
    second = finished_upload(app, post_upload(client, town, json.dumps(smaller).encode(), "parcels2.geojson",
                                              layer_id=first.layer_id))
    assert second.layer_id == first.layer_id and second.status is UploadStatus.READY
    client.post(f"/{town.slug}/gis/hochladen/{second.id}/veroeffentlichen", data={"csrf_token": token})
    assert len(client.get(f"/api/v1/layers/{first.layer_id}/features").get_json()["features"]) == 1
    client.post(f"/{town.slug}/gis/ebenen/{first.layer_id}/versionen/1/veroeffentlichen", data={"csrf_token": token})
    assert len(client.get(f"/api/v1/layers/{first.layer_id}/features").get_json()["features"]) == 2


@needs_real
def test_a_shapefile_without_prj_asks_for_the_crs_and_suggests_one(app, client, town, gis):
    data = (REAL / "broken/agger_gk2_missing_prj.zip").read_bytes()
    upload = finished_upload(app, post_upload(client, town, data, "agger.zip"))
    assert upload.status is UploadStatus.NEEDS_CHOICE
    assert 31466 in upload.choices["suggested"]
    html = page(client, town, upload)
    assert 'value="31466" checked' in html
    response = client.post(f"/{town.slug}/gis/hochladen/{upload.id}/auswahl",
                           data={"csrf_token": csrf_token(client, f"/{town.slug}/gis/hochladen/{upload.id}"),
                                 "crs": "31466"})
    upload = finished_upload(app, response)
    assert upload.status is UploadStatus.READY
    with app.app_context():
        assert db.session.get(LayerVersion, upload.version_id).source_epsg == 31466


@needs_real
def test_a_file_with_two_layers_asks_which(app, client, town, gis):
    data = (REAL / "shapefile/harmonie_HE_two_layers_gk3_31467.zip").read_bytes()
    upload = finished_upload(app, post_upload(client, town, data, "hessen.zip"))
    assert upload.status is UploadStatus.NEEDS_CHOICE
    keys = [item["key"] for item in upload.choices["layers"]]
    assert "SCHLAG" in keys and 'value="SCHLAG"' in page(client, town, upload)
    token = csrf_token(client, f"/{town.slug}/gis/hochladen/{upload.id}")
    refused = client.post(f"/{town.slug}/gis/hochladen/{upload.id}/auswahl", data={"csrf_token": token,
                                                                                    "source_layer": "NOPE"})
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get(LayerUpload, upload.id).status is UploadStatus.NEEDS_CHOICE
    upload = finished_upload(app, client.post(f"/{town.slug}/gis/hochladen/{upload.id}/auswahl",
                                              data={"csrf_token": token, "source_layer": "SCHLAG"}))
    assert upload.status is UploadStatus.READY


@needs_real
def test_a_refused_file_says_why_and_leaves_nothing(app, client, town, gis):
    data = (REAL / "broken/vg2500_lan_shp_only_no_shx_dbf_prj.zip").read_bytes()
    upload = finished_upload(app, post_upload(client, town, data, "vg2500.zip"))
    assert upload.status is UploadStatus.FAILED
    assert ".shx" in page(client, town, upload) or ".dbf" in page(client, town, upload)
    with app.app_context():
        assert db.session.query(Layer).count() == 0 and db.session.query(LayerVersion).count() == 0
    token = csrf_token(client, f"/{town.slug}/gis/hochladen/{upload.id}")
    assert client.post(f"/{town.slug}/gis/hochladen/{upload.id}/verwerfen", data={"csrf_token": token}).status_code == 302
    assert not (upload_folder_of(app) / upload.stored_name).exists()


@pytest.mark.parametrize("name", ["zip_bomb_ratio.zip", "zip_traversal.zip", "kml_xxe_passwd.kml", "zip_symlink.zip"])
def test_hostile_files_are_refused_through_the_browser(app, client, town, gis, name):
    path = HOSTILE / name
    if not path.exists():
        pytest.skip(f"{name} not in the hostile corpus")
    upload = finished_upload(app, post_upload(client, town, path.read_bytes(), name))
    assert upload.status is UploadStatus.FAILED and upload.message
    with app.app_context():
        assert db.session.query(LayerVersion).count() == 0


def test_discarding_a_checked_upload_removes_its_version_and_new_layer(app, client, town, gis):
    upload = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "parcels.geojson"))
    token = csrf_token(client, f"/{town.slug}/gis/hochladen/{upload.id}")
    client.post(f"/{town.slug}/gis/hochladen/{upload.id}/verwerfen", data={"csrf_token": token})
    with app.app_context():
        assert db.session.query(Layer).count() == 0
        assert db.session.get(LayerUpload, upload.id).status is UploadStatus.DISCARDED


@pytest.fixture
def published(app, client, town, gis):
    upload = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "parcels.geojson"))
    token = csrf_token(client, f"/{town.slug}/gis/hochladen/{upload.id}")
    client.post(f"/{town.slug}/gis/hochladen/{upload.id}/veroeffentlichen", data={"csrf_token": token})
    return upload.layer_id


def style_form(client, town, layer_id, **overrides):
    url = f"/{town.slug}/gis/ebenen/{layer_id}/darstellung"
    html = client.get(url).get_data(as_text=True)
    attributes = re.findall(r'name="(popup-\d+-attribute)" value="([^"]+)"', html)
    data = {"csrf_token": csrf_token(client, url), "fill": "#336699", "stroke": "#112233", "opacity": "0.5",
            "width": "3", "point": "square", "categorise_by": "", "action": "save"}
    data.update({name: value for name, value in attributes})
    data.update(overrides)
    return url, data, dict((value, name.rsplit("-", 1)[0]) for name, value in attributes)


def test_style_categories_and_popup_reach_the_public_map(app, client, town, gis, published):
    url, data, rows = style_form(client, town, published, categorise_by="nutzung", action="fill")
    filled = client.post(url, data=data).get_data(as_text=True)
    assert 'value="WA"' in filled and 'value="GE"' in filled  # rows filled from the data

    url, data, rows = style_form(client, town, published, categorise_by="nutzung")
    data.update({"categories-0-value": "WA", "categories-0-colour": "#ff0000", "categories-0-label": "Wohngebiet",
                 "categories-1-value": "GE", "categories-1-colour": "#0000ff", "categories-1-label": "Gewerbe",
                 f"{rows['grz']}-show": "y", f"{rows['grz']}-label": "Grundflächenzahl"})
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        layer = db.session.get(Layer, published)
        assert layer.style["categorise_by"] == "nutzung" and layer.style["point"] == "square"
        assert layer.style["categories"][0] == {"value": "WA", "colour": "#ff0000", "label": "Wohngebiet"}
        assert layer.popup == [{"attribute": "grz", "label": "Grundflächenzahl"}]
    features = client.get(f"/api/v1/layers/{published}/features").get_json()["features"]
    assert {tuple(sorted(f["properties"])) for f in features} == {("grz", "nutzung")}  # no owner names
    legend = client.get(f"/{town.slug}/gis/ebenen/{published}").get_data(as_text=True)
    assert 'fill="#ff0000"' in legend and "Wohngebiet" in legend


def test_a_bad_colour_is_refused_with_a_message(app, client, town, gis, published):
    url, data, _rows = style_form(client, town, published, fill="red;x:expression(1)")
    response = client.post(url, data=data)
    assert response.status_code == 200 and "kern-error" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Layer, published).style == {}


def test_layers_on_a_project_map_in_order_with_visibility(app, client, town, gis, published, create_project):
    project = create_project(town=town)
    url = f"/{town.slug}/projekte/{project.id}/karte"
    client.post(url, data={"csrf_token": csrf_token(client, url), "add": str(published)})
    with app.app_context():
        [item] = db.session.query(MapLayer).filter_by(map_id=project.map_id).all()
        assert item.layer_id == published and item.visible
    client.post(url, data={"csrf_token": csrf_token(client, url), "rows-0-layer_id": str(published), "add": ""})
    with app.app_context():
        assert not db.session.query(MapLayer).filter_by(map_id=project.map_id).one().visible

    client.get("/")  # the public page as anyone sees it
    html = client.get(f"/{town.slug}/projekte/{project.id}").get_data(as_text=True)
    configs = json.loads(re.search(r"data-layers='([^']*)'", html).group(1).replace("&#34;", '"').replace("&amp;", "&"))
    assert [c["id"] for c in configs] == [published] and configs[0]["visible"] is False
    assert configs[0]["source"]["url"].startswith(f"/api/v1/layers/{published}")
    assert f'data-layer-toggle="{published}"' in html  # the layer switcher


def test_a_layer_of_another_town_cannot_be_put_on_the_map(app, client, town, gis, published, create_project,
                                                         create_town):
    other = create_town()
    project = create_project(town=town)
    with app.app_context():
        foreign = Layer(municipality_id=other.id, name="Fremd")
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    url = f"/{town.slug}/projekte/{project.id}/karte"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "rows-0-layer_id": str(foreign_id)})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(MapLayer).count() == 0


@pytest.mark.parametrize("role, towns, status", [
    (Role.RESIDENT, "own", 403), (Role.GIS, "other", 403), (Role.PLANNER, "own", 200), (Role.ADMIN, "none", 200),
])
def test_who_may_manage_layers(client, create_user, create_town, town, login, role, towns, status):
    login(create_user(role, towns={"own": [town], "other": [create_town()], "none": []}[towns]))
    assert client.get(f"/{town.slug}/gis/ebenen").status_code == status
    assert client.get(f"/{town.slug}/gis/ebenen/hochladen").status_code == status


def test_an_upload_of_another_town_is_not_found(app, client, town, gis, create_town, create_user, login):
    upload = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "parcels.geojson"))
    other = create_town()
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, f"/{town.slug}/gis/ebenen")})
    login(create_user(Role.GIS, towns=[other]))
    assert client.get(f"/{other.slug}/gis/hochladen/{upload.id}").status_code == 404
    assert client.get(f"/{town.slug}/gis/hochladen/{upload.id}").status_code == 403


def test_an_empty_or_missing_file_is_a_form_error(client, town, gis):
    url = f"/{town.slug}/gis/ebenen/hochladen"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "kern-error" in response.get_data(as_text=True)


def test_the_map_editor_of_a_draft_is_no_way_to_read_its_title(client, town, gis, create_project, create_user,
                                                                login):
    """The GIS team arranges maps but may not see drafts: the editor answers like the project page (404)."""
    draft = create_project(town=town, phase="draft", title="Geheimer Entwurf")
    assert client.get(f"/{town.slug}/projekte/{draft.id}").status_code == 404
    response = client.get(f"/{town.slug}/projekte/{draft.id}/karte")
    assert response.status_code == 404 and "Geheimer Entwurf" not in response.get_data(as_text=True)
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(create_user(Role.PLANNER, towns=[town]))
    assert client.get(f"/{town.slug}/projekte/{draft.id}/karte").status_code == 200
