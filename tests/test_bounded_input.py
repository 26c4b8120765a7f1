"""Work a request does from a small input stays bounded (issue 9, finding 4).

Each budget is a ratio against a baseline measured in the same test, on the
same path, so a slow machine does not make the test flaky. The area (GeoJSON)
budgets are in tests/geo/test_areas.py.
"""
from __future__ import annotations

import time

from sqlalchemy import select

from participation.extensions import db
from participation.projects.models import Project
from tests.test_projects import EN, form, new_url

#: Python-Markdown scans ahead from every "[": 6 000 of them took 7.6 s per page view.
BRACKETS = "[" * 6_000
PLAIN = "Lorem ipsum dolor sit amet. " * (len(BRACKETS) // 28 + 1)


def seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _project_with_description(app, project, description: str) -> None:
    # As the probe left it: a description the old code would render on every view.
    with app.app_context():
        stored = db.session.get(Project, project.id)
        stored.description, stored.description_html = description, "<p>stored</p>"
        db.session.commit()


def test_project_page_does_not_render_markdown_per_view(app, client, create_project):
    plain, brackets = create_project(title="Plain"), create_project(title="Brackets")
    _project_with_description(app, plain, PLAIN[:len(BRACKETS)])
    _project_with_description(app, brackets, BRACKETS)
    url = "/{}/projekte/{}".format

    def view(project):
        return lambda: client.get(url(project.municipality.slug, project.id))

    assert client.get(url(plain.municipality.slug, plain.id)).status_code == 200  # warm up
    baseline = min(seconds(view(plain)) for _ in range(3))
    spent = min(seconds(view(brackets)) for _ in range(2))
    assert spent < 3 * baseline + 0.05
    assert "<p>stored</p>" in client.get(url(brackets.municipality.slug, brackets.id)).get_data(as_text=True)


def test_a_description_that_renders_too_slowly_is_refused_at_save(app, client, town, planner, monkeypatch):
    # Baseline: a plain description of the same length, rendered on the same bounded path.
    length = 20_000
    text = (PLAIN * 4)[:length]
    baseline = min(seconds(lambda: client.post(new_url(town), data=form(client, new_url(town), description=text)))
                   for _ in range(2))
    monkeypatch.setitem(app.config, "DESCRIPTION_RENDER_SECONDS", max(3 * baseline, 0.3))

    start = time.perf_counter()
    response = client.post(new_url(town), data=form(client, new_url(town), title="Slow", description="[" * length),
                           headers=EN)
    spent = time.perf_counter() - start
    assert response.status_code == 400
    assert "could not be formatted" in response.get_data(as_text=True)
    assert spent < 6 * baseline + 1.0  # unbounded: about a minute
    with app.app_context():
        assert db.session.scalar(select(Project).where(Project.title == "Slow")) is None


def test_a_description_over_the_length_limit_is_refused(app, client, town, planner):
    response = client.post(new_url(town), data=form(client, new_url(town), description="a" * 20_001), headers=EN)
    assert response.status_code == 400
    assert "20000" in response.get_data(as_text=True)


def test_the_stored_html_is_kept_while_the_description_is_unchanged(app, client, town, planner, create_project):
    client.post(new_url(town), data=form(client, new_url(town), description="Some **bold** words"))
    with app.app_context():
        project = db.session.scalar(select(Project).where(Project.municipality_id == town.id))
        assert project.description_html == "<p>Some <strong>bold</strong> words</p>"
        project_id = project.id
    edit = f"/{town.slug}/projekte/{project_id}/bearbeiten"
    assert client.post(edit, data=form(client, edit, description="Now *italic*", area_geojson="")).status_code == 302
    with app.app_context():
        assert db.session.get(Project, project_id).description_html == "<p>Now <em>italic</em></p>"
