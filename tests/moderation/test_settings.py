"""Pre-moderation is chosen per project and per statute on their forms."""
from __future__ import annotations

import json
from datetime import timedelta

import lxml.html
from shapely.geometry import mapping

from participation.extensions import db
from participation.projects.models import Project
from participation.statutes.models import Statute
from tests.conftest import AREA, csrf_token, town_today


def checked(client, url: str) -> bool:
    doc = lxml.html.fromstring(client.get(url).get_data(as_text=True))
    [box] = doc.xpath("//input[@name='pre_moderation']")
    assert doc.xpath(f"//label[@for='{box.get('id')}']")  # labelled
    return box.get("checked") is not None


def stored(app, model, ident) -> bool:
    with app.app_context():
        return db.session.get(model, ident).pre_moderation


def test_a_project_can_be_pre_moderated(app, client, town, planner, create_project):
    project = create_project(town=town)
    url = f"/{town.slug}/projekte/{project.id}/bearbeiten"
    assert not checked(client, url)
    data = {"csrf_token": csrf_token(client, url), "title": "Market square", "phase": "participation",
            "participation_start": town_today().isoformat(),
            "participation_end": (town_today() + timedelta(days=30)).isoformat(),
            "area_geojson": json.dumps(mapping(AREA)), "categories-0-name": "Traffic",
            "categories-0-color": "#1f77b4", "pre_moderation": "y"}
    assert client.post(url, data=data).status_code == 302
    assert stored(app, Project, project.id) and checked(client, url)
    del data["pre_moderation"]
    assert client.post(url, data=data).status_code == 302
    assert not stored(app, Project, project.id)


def test_a_statute_can_be_pre_moderated(app, client, town, planner, create_statute):
    statute = create_statute(town=town, title="Am Teich")
    url = f"/{town.slug}/satzungen/{statute.id}/bearbeiten"
    assert not checked(client, url)
    data = {"csrf_token": csrf_token(client, url), "kind": "bebauungsplan", "title": "Am Teich",
            "status": "planning_decision", "replaced_by": "", "pre_moderation": "y"}
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert stored(app, Statute, statute.id) and checked(client, url)
