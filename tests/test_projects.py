"""Planners create and edit projects through the form; the public sees what is published."""
from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO

import pytest
from pyproj import Transformer
from shapely import get_coordinates
from shapely.geometry import mapping
from sqlalchemy import func, select

from participation.accounts.models import Role
from participation.comments.models import Comment
from participation.extensions import db
from participation.projects.models import Category, Phase, Project
from tests.conftest import AREA, csrf_token, town_today

EN = {"Accept-Language": "en"}
TODAY = town_today()


def form(client, url, **changes) -> dict:
    data = {
        "csrf_token": csrf_token(client, url),
        "title": "Market square",
        "summary": "New trees and benches",
        "description": "# Plan\n\nSome **bold** words.\n\n<script>alert(1)</script>",
        "phase": "participation",
        "participation_start": TODAY.isoformat(),
        "participation_end": (TODAY + timedelta(days=30)).isoformat(),
        "area_geojson": json.dumps(mapping(AREA)),
        "categories-0-name": "Traffic", "categories-0-color": "#1f77b4",
        "categories-1-name": "Green", "categories-1-color": "#2ca02c",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def projects(app) -> list[Project]:
    with app.app_context():
        found = db.session.scalars(select(Project).order_by(Project.id)).all()
        for project in found:
            project.categories  # load before leaving the context
        db.session.expunge_all()
        return list(found)


def new_url(town):
    return f"/{town.slug}/projekte/neu"


def test_planner_creates_a_project_with_pasted_geojson(app, client, town, planner):
    response = client.post(new_url(town), data=form(client, new_url(town)), headers=EN)
    assert response.status_code == 302
    [project] = projects(app)
    assert response.headers["Location"] == f"/{town.slug}/projekte/{project.id}"
    assert project.title == "Market square" and project.phase is Phase.PARTICIPATION
    assert project.municipality_id == town.id and project.created_by_id == planner.id
    assert project.area.equals(AREA)
    assert (project.min_x, project.min_y, project.max_x, project.max_y) == AREA.bounds
    assert [(c.name, c.color, c.position) for c in project.categories] == [
        ("Traffic", "#1f77b4", 0), ("Green", "#2ca02c", 1)]


def test_planner_uploads_a_geojson_file_in_utm(app, client, town, planner):
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
    ring = [to_utm.transform(x, y) for x, y in AREA.geoms[0].exterior.coords]
    upload = json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:25833"}},
                         "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]})
    data = form(client, new_url(town), area_geojson="", **{"area_file": (BytesIO(upload.encode()), "gebiet.geojson")})
    response = client.post(new_url(town), data=data, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [project] = projects(app)
    assert abs(get_coordinates(project.area) - get_coordinates(AREA)).max() < 1e-6


@pytest.mark.parametrize("filename, content, message", [
    ("gebiet.geojson", b'{"type": "Point", "coordinates": [13.25, 53.55]}', "must consist of polygons"),
    ("gebiet.geojson", b"\x89PNG\r\n", "not valid GeoJSON"),
    ("gebiet.txt", b"{}", "Please choose a .geojson or .json file."),
])
def test_bad_upload_is_400_with_message(app, client, town, planner, filename, content, message):
    data = form(client, new_url(town), area_geojson="", area_file=(BytesIO(content), filename))
    response = client.post(new_url(town), data=data, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert projects(app) == []


@pytest.mark.parametrize("changes, message", [
    ({"area_geojson": ""}, "Draw the project area on the map or upload it as GeoJSON."),
    ({"area_geojson": "{not json"}, "The file is not valid GeoJSON."),
    ({"area_geojson": '{"type": "Polygon", "coordinates": [[[400000, 5930000], [400100, 5930000], [400100, 5930100], [400000, 5930000]]]}'},
     "The coordinates are not longitude/latitude (EPSG:4326)."),
    ({"participation_start": "", "participation_end": ""}, "Set the first and last day of the participation."),
    ({"participation_end": (TODAY - timedelta(days=1)).isoformat()}, "The participation cannot end before it starts."),
    ({"title": ""}, "This field is required."),
    ({"categories-0-color": "red; background: url(x)"}, "Choose a colour."),
])
def test_invalid_form_is_400_with_message(app, client, town, planner, changes, message):
    response = client.post(new_url(town), data=form(client, new_url(town), **changes), headers=EN)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert projects(app) == []


def test_draft_needs_no_dates(app, client, town, planner):
    data = form(client, new_url(town), phase="draft", participation_start="", participation_end="")
    assert client.post(new_url(town), data=data).status_code == 302
    assert projects(app)[0].phase is Phase.DRAFT


def test_edit_keeps_area_and_category_ids(app, client, town, planner, create_project, create_comment):
    project = create_project(town=town)
    comment = create_comment(project, planner, category_id=project.categories[1].id)
    url = f"/{town.slug}/projekte/{project.id}/bearbeiten"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert 'value="Traffic"' in page and 'value="Green"' in page  # the form shows the current rows
    data = form(client, url, title="Market square, 2nd draft", area_geojson="",
                **{"categories-0-name": "Traffic and parking", "categories-1-name": "Trees"})
    assert client.post(url, data=data, headers=EN).status_code == 302
    [saved] = projects(app)
    assert saved.title == "Market square, 2nd draft"
    assert saved.area.equals(AREA) and saved.min_x == AREA.bounds[0]
    assert [(c.id, c.name) for c in saved.categories] == [
        (project.categories[0].id, "Traffic and parking"), (project.categories[1].id, "Trees")]
    with app.app_context():
        assert db.session.get(Comment, comment.id).category_id == project.categories[1].id


def test_edit_can_replace_the_area_and_drop_a_category(app, client, town, planner, create_project):
    project = create_project(town=town)
    url = f"/{town.slug}/projekte/{project.id}/bearbeiten"
    smaller = {"type": "Polygon", "coordinates": [[[13.25, 53.55], [13.255, 53.55], [13.255, 53.552], [13.25, 53.55]]]}
    data = form(client, url, area_geojson=json.dumps(smaller), **{"categories-1-name": ""})
    assert client.post(url, data=data).status_code == 302
    [saved] = projects(app)
    assert saved.max_x == 13.255 and [c.name for c in saved.categories] == ["Traffic"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Category.id))) == 1


@pytest.mark.parametrize("role, own_town", [(Role.RESIDENT, False), (Role.PLANNER, False), (Role.GIS, True)])
def test_others_may_not_create_or_edit(app, client, town, create_town, create_user, create_project, login,
                                       role, own_town):
    project = create_project(town=town)
    login(create_user(role=role, towns=[town if own_town else create_town()]))
    edit_url = f"/{town.slug}/projekte/{project.id}/bearbeiten"
    assert client.get(new_url(town)).status_code == 403
    assert client.get(edit_url).status_code == 403
    assert client.post(new_url(town), data=form(client, "/")).status_code == 403
    assert client.post(edit_url, data={**form(client, "/"), "title": "Taken over"}).status_code == 403
    assert [p.title for p in projects(app)] == ["Market square"]


def test_anonymous_is_sent_to_login(client, town):
    response = client.get(new_url(town))
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]


def test_draft_is_404_for_residents_and_visible_to_its_planner(client, town, create_project, create_user, login):
    draft = create_project(town=town, phase="draft", title="Secret plan")
    url = f"/{town.slug}/projekte/{draft.id}"
    assert client.get(url).status_code == 404
    assert "Secret plan" not in client.get(f"/{town.slug}/").get_data(as_text=True)
    login(create_user())
    assert client.get(url).status_code == 404
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(create_user(role=Role.PLANNER, towns=[town]))
    page = client.get(url, headers=EN)
    assert page.status_code == 200 and "Edit project" in page.get_data(as_text=True)
    assert "Secret plan" in client.get(f"/{town.slug}/").get_data(as_text=True)


def test_project_in_another_towns_url_is_404(client, town, create_town, create_project):
    project = create_project(town=create_town())
    assert client.get(f"/{town.slug}/projekte/{project.id}").status_code == 404


def test_description_is_rendered_markdown_without_script(app, client, town, planner):
    client.post(new_url(town), data=form(client, new_url(town)))
    [project] = projects(app)
    page = client.get(f"/{town.slug}/projekte/{project.id}").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "<h2>Plan</h2>" in page
    assert "<script>alert(1)</script>" not in page
    assert project.description.startswith("# Plan")  # the Markdown is kept for editing…
    assert "<strong>bold</strong>" in project.description_html and "<script>" not in project.description_html


def test_nul_characters_are_dropped_not_a_server_error(app, client, town, planner):
    # PostgreSQL refuses NUL in text; a pasted title must not turn into a 500.
    data = form(client, new_url(town), title="Market\x00 square", summary="a\x00b", **{"categories-0-name": "Tra\x00ffic"})
    assert client.post(new_url(town), data=data).status_code == 302
    [project] = projects(app)
    assert (project.title, project.summary, project.categories[0].name) == ("Market square", "ab", "Traffic")


def test_nul_in_a_town_slug_is_404(client, town, create_project):
    project = create_project(town=town)
    assert client.get(f"/{town.slug}%00/projekte/{project.id}").status_code == 404
    assert client.get(f"/api/v1/projects?municipality={town.slug}%00").status_code == 400
