"""The shared template pieces in templates/_macros.html: POST buttons, tables, job progress, error summary.

Pages are rendered through the test client; one check reads the template files themselves, so a
hand-written single-button POST form cannot come back unnoticed.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from participation.accounts.models import Role
from participation.comments.models import Report
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.layers.models import Layer
from participation.layers.uploads.models import LayerUpload, UploadStatus
from tests.conftest import csrf_token
from tests.layers.test_layer_pages import PARCELS, finished_upload, post_upload, style_form

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EN = {"Accept-Language": "en"}

_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
_POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>.*?</form>", re.S | re.I)
_HIDDEN = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>", re.I)
_CONTROL = re.compile(r"<(?:input|textarea|select)\b|\b(?:field|radio_group)\(|\bform\.\w+\(", re.I)
_BUTTON = re.compile(r"<button\b|\bbutton\(", re.I)
_HREF = re.compile(r'<a class="kern-link" href="#([^"]+)">')


def single_button_csrf_forms(source: str) -> list[str]:
    """The forms in a template's source that carry a hand-written CSRF input, no field of their own
    (hidden inputs aside) and at most one button: the job of the `post_button` macro."""
    found = []
    for form in _FORM.findall(source):
        if 'name="csrf_token"' not in form:
            continue
        rest = _HIDDEN.sub("", form)
        if not _CONTROL.search(rest) and len(_BUTTON.findall(rest)) <= 1:
            found.append(form)
    return found


def test_the_single_button_check_finds_a_hand_written_form():
    copy = """<form method="post" action="{{ url_for('x') }}" class="inline-form">
      <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
      <input type="hidden" name="next" value="/">
      {{ button(_('Delete')) }}
    </form>"""
    with_field = """<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
      <textarea name="text"></textarea><button type="submit">Send</button></form>"""
    assert single_button_csrf_forms(copy) == [copy]
    assert single_button_csrf_forms(with_field) == []


def test_no_template_writes_a_single_button_post_form_by_hand():
    offenders = {
        str(path.relative_to(TEMPLATES)): forms
        for path in sorted(TEMPLATES.rglob("*.html")) if path.name != "_macros.html"
        if (forms := single_button_csrf_forms(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "use post_button from _macros.html instead of:\n" + "\n".join(
        f"{name}:\n{form}" for name, found in offenders.items() for form in found)


def test_the_old_error_partial_is_gone():
    assert not (TEMPLATES / "layers/sources/_errors.html").exists()
    used = [p for p in TEMPLATES.rglob("*.html") if "_errors.html" in p.read_text(encoding="utf-8")]
    assert used == []


def assert_post_forms_carry_csrf(html: str, expected: int) -> list[str]:
    forms = _POST_FORM.findall(html)
    assert len(forms) >= expected, f"{len(forms)} POST forms, expected at least {expected}"
    missing = [form for form in forms if not re.search(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="[^"]+"', form)]
    assert missing == []
    return forms


@pytest.fixture
def reported(app, town, create_project, create_user, create_comment):
    project = create_project(town=town)
    comment = create_comment(project, create_user(), text="Reported words")
    with app.app_context():
        db.session.add(Report(comment_id=comment.id, user_id=create_user().id, reason="Rude"))
        db.session.commit()
    return project, comment


def test_post_forms_on_the_project_page_carry_the_token(client, reported, create_user, login):
    project, comment = reported
    login(create_user())
    html = client.get(f"/{project.municipality.slug}/projekte/{project.id}", headers=EN).get_data(as_text=True)
    # log out, language, comment, support, reply, report
    forms = assert_post_forms_carry_csrf(html, 6)
    [support] = [f for f in forms if f'action="/{project.municipality.slug}/kommentare/{comment.id}/unterstuetzen"' in f]
    assert ">Support</span>" in support
    assert 'class="inline-form"' in support
    assert 'class="kern-btn kern-btn--secondary kern-btn--x-small"' in support


def test_moderation_buttons_post_with_the_token(app, client, reported, town, create_user, login):
    project, comment = reported
    login(create_user(role=Role.PLANNER, towns=[town]))
    page = f"/{town.slug}/moderation/kommentare/{comment.id}"
    html = client.get(page, headers=EN).get_data(as_text=True)
    forms = assert_post_forms_carry_csrf(html, 3)
    assert any(f'/moderation/kommentare/{comment.id}/behalten"' in f and "Keep the comment" in f for f in forms)
    # The macro's form is a working form: the keep button resolves the report.
    token = csrf_token(client, page)
    assert client.post(f"{page}/behalten", data={"csrf_token": token}).status_code == 302


def test_language_switch_is_a_post_button_with_its_return_address(client):
    html = client.get("/impressum", headers={"Accept-Language": "de"}).get_data(as_text=True)
    [form] = [f for f in _POST_FORM.findall(html) if 'name="lang"' in f]
    assert 'name="next" value="/impressum?"' in form
    assert re.search(r'<button [^>]*name="lang" value="en"[^>]*lang="en"', form)
    assert "kern-icon--language" in form and "English" in form


@pytest.fixture
def layer_id(app, town):
    with app.app_context():
        layer = Layer(municipality_id=town.id, name="Bebauungsplan")
        db.session.add(layer)
        db.session.commit()
        return layer.id


@pytest.fixture
def gis(town, create_user, login):
    login(create_user(Role.GIS, towns=[town]))


def test_layer_pages_use_the_table_and_post_button(client, town, layer_id, gis):
    index = client.get(f"/{town.slug}/gis/ebenen", headers=EN).get_data(as_text=True)
    assert '<caption class="kern-title">Layers of ' in index
    assert '<th class="kern-table__header kern-table__header--numeric" scope="col">Features</th>' in index
    assert '<th class="kern-table__header" scope="col">Name</th>' in index
    assert f'href="/{town.slug}/gis/ebenen/{layer_id}"' in index.split('<tbody class="kern-table__body">', 1)[1]

    show = client.get(f"/{town.slug}/gis/ebenen/{layer_id}", headers=EN).get_data(as_text=True)
    [delete] = [f for f in assert_post_forms_carry_csrf(show, 2) if "Delete “Bebauungsplan”" in f]
    assert f'action="/{town.slug}/gis/ebenen/{layer_id}/loeschen"' in delete


def _job(app, user_id: int | None, status: JobStatus, progress: float) -> int:
    with app.app_context():
        job = Job(kind="test", status=status, progress=progress, user_id=user_id, payload={}, message="Reading")
        db.session.add(job)
        db.session.commit()
        return job.id


def test_job_page_shows_the_progress_block_and_a_retry_button(app, client, create_user, login):
    user = create_user()
    login(user)
    job_id = _job(app, user.id, JobStatus.FAILED, 0.5)
    html = client.get(f"/auftraege/{job_id}", headers=EN).get_data(as_text=True)
    assert f'data-status-url="/auftraege/{job_id}/status"' in html
    assert 'data-done="true"' in html and "data-reload-when-done" not in html
    assert '<progress class="kern-progress" id="job-progress" max="100" value="50" data-job-progress>50 %</progress>' in html
    assert re.search(r"<span data-job-status>Failed</span>", html)
    assert "data-job-message" in html and "data-labels=" in html
    [retry] = assert_post_forms_carry_csrf(html, 3)[-1:]
    assert f'action="/auftraege/{job_id}/erneut"' in retry and "kern-btn--primary" in retry


def test_checking_upload_follows_its_job_and_reloads_when_done(app, client, town, create_user, login):
    user = create_user(Role.GIS, towns=[town])
    login(user)
    job_id = _job(app, user.id, JobStatus.RUNNING, 0.25)
    with app.app_context():
        upload = LayerUpload(municipality_id=town.id, user_id=user.id, job_id=job_id, status=UploadStatus.CHECKING,
                             stored_name="x.geojson", original_filename="plan.geojson", name="Plan")
        db.session.add(upload)
        db.session.commit()
        upload_id = upload.id
    html = client.get(f"/{town.slug}/gis/hochladen/{upload_id}", headers=EN).get_data(as_text=True)
    block = re.search(r"<div data-job [^>]*>", html).group(0)
    assert f'data-status-url="/{town.slug}/gis/hochladen/{upload_id}/status"' in block
    # The upload, not the job, ends the page: it keeps polling and reloads for the result.
    assert 'data-done="false"' in block and 'data-reload-when-done="true"' in block
    assert 'value="25" data-job-progress' in html and "<span data-job-status>Running</span>" in html


def _summary_targets(html: str) -> list[str]:
    summary = html.split('<span class="kern-title">Please correct the marked fields.</span>', 1)
    assert len(summary) == 2, "no error summary"
    return _HREF.findall(summary[1].split("</ul>", 1)[0])


def test_register_errors_are_summarised_with_links_to_the_fields(client):
    data = {"csrf_token": csrf_token(client, "/konto/registrieren"), "email": "not-an-address",
            "pseudonym": "ok name", "password": "short", "password_repeat": "short"}
    response = client.post("/konto/registrieren", data=data, headers=EN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    targets = _summary_targets(html)
    assert targets == ["email", "password", "accept_privacy"]
    for target in targets:
        assert f'id="{target}"' in html
    # At the top of the form: inside it, before its first field.
    form = html.index('<form method="post" novalidate')
    assert form < html.index("Please correct the marked fields.") < html.index('id="email"')


def test_a_page_without_errors_has_no_summary(client):
    assert "Please correct the marked fields." not in client.get("/konto/registrieren", headers=EN).get_data(as_text=True)


def test_project_form_summary_links_into_the_category_rows(client, town, create_user, login):
    login(create_user(role=Role.PLANNER, towns=[town]))
    url = f"/{town.slug}/projekte/neu"
    data = {"csrf_token": csrf_token(client, url), "title": "", "phase": "draft",
            "categories-0-name": "Traffic", "categories-0-color": "not a colour"}
    response = client.post(url, data=data, headers=EN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    targets = _summary_targets(html)
    assert "title" in targets and "categories-0-color" in targets
    for target in targets:
        assert f'id="{target}"' in html


def test_town_settings_summary(client, town, create_user, login):
    login(create_user(role=Role.PLANNER, towns=[town]))
    url = f"/{town.slug}/einstellungen"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "name": ""}, headers=EN)
    assert response.status_code == 400
    assert _summary_targets(response.get_data(as_text=True)) == ["name"]


def test_style_form_summary_names_the_popup_row(app, client, town, gis):
    upload = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "parcels.geojson"))
    client.post(f"/{town.slug}/gis/hochladen/{upload.id}/veroeffentlichen",
                data={"csrf_token": csrf_token(client, f"/{town.slug}/gis/hochladen/{upload.id}")})
    url, data, rows = style_form(client, town, upload.layer_id, opacity="7")
    row = rows["grz"]
    data[f"{row}-label"] = "x" * 150
    html = client.post(url, data=data, headers=EN).get_data(as_text=True)
    targets = _summary_targets(html)
    assert targets == ["opacity", f"{row}-label"]
    assert f'<a class="kern-link" href="#{row}-label">Label of grz: ' in html
    # The row's error is tied to its input.
    field = re.search(rf'<input [^>]*id="{row}-label"[^>]*>', html).group(0)
    assert f'aria-describedby="{row}-label-error"' in field and 'aria-invalid="true"' in field
    assert f'<p class="kern-error" id="{row}-label-error">' in html
