"""A planner enters input received by letter, e-mail or at a workshop: the form, its refusals, the scan."""
from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder
from sqlalchemy import func, select

from participation.accounts.models import Role
from participation.comments.models import Channel, Comment, CommentAttachment
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.projects.models import Project
from participation.statutes.models import PeriodKind, Statute, StatutePeriod
from tests.conftest import INSIDE, OUTSIDE, PASSWORD, csrf_token, town_today

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def _aged(app, model, subject, days: int = 30):
    """The subject as if created (and published) `days` ago, so that a letter can be older than today."""
    with app.app_context():
        row = db.session.get(model, subject.id)
        row.created_at = utcnow() - timedelta(days=days)
        if model is Statute:
            row.published_at = utcnow() - timedelta(days=days)
        db.session.commit()


def _form_url(subject) -> str:
    kind = "satzungen" if isinstance(subject, Statute) else "projekte"
    return f"/{subject.municipality.slug}/{kind}/{subject.id}/eingabe-erfassen"


def _post(client, subject, scan: tuple[bytes, str] | None = None, **fields):
    data = {"csrf_token": csrf_token(client, _form_url(subject)), "channel": "letter",
            "received_on": (town_today() - timedelta(days=2)).isoformat(), "sender_name": "Erika Mustermann",
            "sender_email": "erika@example.org", "text": "Bitte mehr Bäume am Marktplatz pflanzen.",
            "lon": "", "lat": ""}
    if not isinstance(subject, Statute) and subject.categories:
        data["category"] = str(subject.categories[0].id)
    data.update(fields)
    if scan is not None:
        data["scan"] = (io.BytesIO(scan[0]), scan[1])
    return client.post(_form_url(subject), data=data, content_type="multipart/form-data")


def _intake_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "intake"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture(autouse=True)
def _no_files_yet(app):
    """The upload folder lives as long as the test session: each test starts without scans."""
    for path in _intake_files(app):
        path.unlink()


@pytest.fixture
def project(app, create_project, town):
    made = create_project(town)
    _aged(app, Project, made)
    return made


def test_a_letter_with_scan_and_place_is_listed_without_the_name(app, client, project, planner):
    response = _post(client, project, scan=(PDF, "Brief Müller.pdf"), lon=str(INSIDE.x), lat=str(INSIDE.y))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.channel is Channel.LETTER
        assert comment.author_id is None and comment.entered_by_id == planner.id
        assert comment.received_on == town_today() - timedelta(days=2)
        assert comment.sender_name == "Erika Mustermann" and comment.sender_email == "erika@example.org"
        assert comment.is_published and comment.location.equals(INSIDE)
        [attachment] = comment.attachments
        assert attachment.media_type == "application/pdf" and attachment.filename == "Brief Müller.pdf"
        assert attachment.size == len(PDF)
        comment_id, attachment_id = comment.id, attachment.id
    assert response.headers["Location"].endswith(f"/{project.municipality.slug}/eingaben/{comment_id}/erfasst")
    assert [f.name for f in _intake_files(app)] == [attachment.stored_name]
    assert _intake_files(app)[0].read_bytes() == PDF

    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Eingabe erfasst" in confirmation
    assert f"/eingaben/anhaenge/{attachment_id}" in confirmation

    page = app.test_client().get(  # the public page, as anyone reads it
        f"/{project.municipality.slug}/projekte/{project.id}").get_data(as_text=True)
    assert "Bitte mehr Bäume am Marktplatz pflanzen." in page
    assert "Eingabe bei der Stadt eingegangen" in page
    assert "Per Brief eingegangen am" in page
    assert "Mustermann" not in page and "erika@example.org" not in page


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("resident", 403), ("other_planner", 403), ("gis", 403), ("planner", 200), ("admin", 200),
])
def test_the_scan_is_served_to_the_towns_planners_only(app, client, project, create_user, create_town, login,
                                                      who, expected):
    planner = create_user(Role.PLANNER, towns=[project.municipality])
    uploader = app.test_client()
    uploader.post("/konto/anmelden", data={"email": planner.email, "password": PASSWORD,
                                            "csrf_token": csrf_token(uploader)})
    assert _post(uploader, project, scan=(PDF, "scan.pdf")).status_code == 302
    with app.app_context():
        attachment_id = db.session.scalar(select(CommentAttachment.id))
    users = {"resident": lambda: create_user(), "other_planner": lambda: create_user(Role.PLANNER, towns=[create_town()]),
             "gis": lambda: create_user(Role.GIS, towns=[project.municipality]),
             "planner": lambda: planner, "admin": lambda: create_user(Role.ADMIN)}
    if who != "anonymous":
        login(users[who]())
    response = client.get(f"/{project.municipality.slug}/eingaben/anhaenge/{attachment_id}")
    assert response.status_code == expected
    if expected == 200:
        assert response.data == PDF
        assert response.headers["Content-Disposition"].startswith('attachment; filename="scan.pdf"')
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    else:
        assert PDF not in response.data
    response.close()


def test_the_scan_is_not_found_under_another_town(app, client, project, planner, create_town, create_user, login):
    assert _post(client, project, scan=(PDF, "scan.pdf")).status_code == 302
    with app.app_context():
        attachment_id = db.session.scalar(select(CommentAttachment.id))
    other = create_town()
    assert client.get(f"/{other.slug}/eingaben/anhaenge/{attachment_id}").status_code == 404


@pytest.mark.parametrize("who, expected", [("resident", 403), ("other_planner", 403), ("gis", 403)])
def test_only_the_towns_planners_may_enter_input(client, project, create_user, create_town, login, who, expected):
    user = {"resident": lambda: create_user(), "gis": lambda: create_user(Role.GIS, towns=[project.municipality]),
            "other_planner": lambda: create_user(Role.PLANNER, towns=[create_town()])}[who]()
    login(user)
    assert client.get(_form_url(project)).status_code == expected


def test_anonymous_visitors_are_sent_to_the_login(client, project):
    response = client.get(_form_url(project))
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]


@pytest.mark.parametrize("fields, scan, field_id, message", [
    ({"received_on": (town_today() + timedelta(days=1)).isoformat()}, None, "received_on",
     "nicht in der Zukunft"),
    ({"received_on": (town_today() - timedelta(days=90)).isoformat()}, None, "received_on",
     "an dem das Projekt angelegt wurde"),
    ({"sender_email": "erika at example"}, None, "sender_email", "gültige E-Mail-Adresse"),
    ({"sender_name": ""}, None, "sender_name", "Namen des Absenders"),
    ({"channel": "online"}, None, "channel-choices", ""),
    ({"text": "  "}, None, "text", ""),
    ({"lon": str(OUTSIDE.x), "lat": str(OUTSIDE.y)}, None, "pin-fieldset", "außerhalb des Projektgebiets"),
    ({}, (EXECUTABLE, "brief.pdf"), "scan", "PDF-, JPEG- oder PNG-Datei"),
    ({}, (b"", "leer.pdf"), "scan", "Die Datei ist leer."),
    ({}, (PDF.replace(b"/Type /Catalog", b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "x.pdf"), "scan",
     "JavaScript"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(app, client, project, planner, fields, scan,
                                                              field_id, message):
    response = _post(client, project, scan=scan if scan else (PNG, "ok.png"), **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field_id}-error"' in page
    assert message in page
    assert f'href="#{field_id}"' in page  # the summary at the top links to it
    assert "Bitte mehr Bäume am Marktplatz pflanzen." in page or fields.get("text")  # the words are kept
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0
        assert db.session.scalar(select(func.count(CommentAttachment.id))) == 0
    assert _intake_files(app) == []


def test_a_workshop_needs_no_name_and_a_scan_too_large_is_refused(app, client, project, planner):
    app.config["INTAKE_ATTACHMENT_MAX_BYTES"] = 1000
    try:
        response = _post(client, project, scan=(PDF + b"%" * 2000, "big.pdf"), channel="workshop", sender_name="")
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert 'id="scan-error"' in page and "größer als" in page
        assert 'id="sender_name-error"' not in page
        assert _intake_files(app) == []
        response = _post(client, project, channel="workshop", sender_name="", sender_email="")
        assert response.status_code == 302
    finally:
        app.config["INTAKE_ATTACHMENT_MAX_BYTES"] = 20 * 2**20
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.channel is Channel.WORKSHOP and comment.sender_name == "" and not comment.attachments


def test_a_body_far_over_the_limit_is_refused_before_the_form(app, client, project, planner):
    app.config["INTAKE_ATTACHMENT_MAX_BYTES"] = 1000
    url = _form_url(project)
    builder = EnvironBuilder(path=url, method="POST", data={
        "csrf_token": csrf_token(client, url), "channel": "letter", "text": "Zu groß",
        "received_on": town_today().isoformat(), "scan": (io.BytesIO(PDF + b"%" * (3 * 2**20)), "huge.pdf")})
    environ = builder.get_environ()  # so large a body is spooled to a temporary file, closed below
    try:
        with client.open(environ) as response:
            assert response.status_code == 413
    finally:
        environ["wsgi.input"].close()
        builder.close()
        app.config["INTAKE_ATTACHMENT_MAX_BYTES"] = 20 * 2**20
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def _display(app, statute, starts: int, ends: int) -> None:
    with app.app_context():
        db.session.add(StatutePeriod(statute_id=statute.id, kind=PeriodKind.DISPLAY,
                                     starts_on=town_today() + timedelta(days=starts),
                                     ends_on=town_today() + timedelta(days=ends)))
        db.session.commit()


def test_input_received_in_the_public_display_is_a_formal_statement(app, client, create_statute, town, planner,
                                                                   mailbox):
    statute = create_statute(town, number="12", sections=[("§ 1", "Bäume", ["Die Bäume bleiben."])])
    _aged(app, Statute, statute, days=60)
    _display(app, statute, -35, -5)  # ended five days ago; the letter came within it
    anchor = statute.sections[0].paragraphs[0].anchor
    response = _post(client, statute, received_on=(town_today() - timedelta(days=10)).isoformat(), paragraph=anchor)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        year = (town_today() - timedelta(days=10)).year
        assert comment.reference == f"BP12-{year}-0001"
        assert comment.paragraph_anchor == anchor
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"BP12-{year}-0001" in confirmation
    assert "erika@example.org" in confirmation  # where the receipt went
    [mail] = mailbox()
    assert mail["To"] == "erika@example.org"
    assert f"BP12-{year}-0001" in mail["Subject"]
    body = mail.get_body().get_content()
    assert "Guten Tag Erika Mustermann" in body and "Bitte mehr Bäume am Marktplatz pflanzen." in body

    # A day after the display: no reference, no mail.
    response = _post(client, statute, received_on=(town_today() - timedelta(days=2)).isoformat(), sender_email="")
    assert response.status_code == 302
    with app.app_context():
        later = db.session.scalars(select(Comment).order_by(Comment.id)).all()[-1]
        assert later.reference is None
    assert "keine Stellungnahme" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(mailbox()) == 1


def test_a_formal_statement_without_an_address_says_no_receipt_was_sent(app, client, create_statute, town, planner,
                                                                       mailbox):
    statute = create_statute(town, number="7")
    _aged(app, Statute, statute, days=10)
    _display(app, statute, -3, 30)
    response = _post(client, statute, sender_email="")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "BP7-" in page and "keine Eingangsbestätigung versandt" in page
    assert mailbox() == []


def test_the_planners_pages_link_the_form(client, project, create_statute, town, planner):
    page = client.get(f"/{town.slug}/projekte/{project.id}").get_data(as_text=True)
    assert _form_url(project) in page
    statute = create_statute(town)
    assert _form_url(statute) in client.get(f"/{town.slug}/satzungen/{statute.id}").get_data(as_text=True)
