"""Photos on a comment through the form: stored clean, refused with a message (and nothing saved),
served only to those who may see the comment, removed with it."""
from __future__ import annotations

import io
import os
from datetime import timedelta

import lxml.html
import pytest
from PIL import Image
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from participation.accounts.models import Role
from participation.comments.models import Comment, CommentPhoto, Visibility
from participation.extensions import db
from participation.projects.models import Project
from participation.statutes.models import PeriodKind, StatutePeriod
from tests.conftest import PASSWORD, csrf_token, town_today
from tests.photos.images import huge_png, jpeg_with_gps, png, webp


def project_url(project) -> str:
    return f"/{project.municipality.slug}/projekte/{project.id}"


@pytest.fixture
def photo_folder(app):
    return app.config["UPLOAD_FOLDER"] + "/photos"


def files_in(folder) -> set[str]:
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def photo_file(name: str, content: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name, content_type="application/octet-stream")


def multipart(data: dict) -> dict:
    """`data` as a multipart body in memory (the test client spools large ones to a file it leaves open)."""
    body, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return {"data": body.getvalue(), "content_type": f"multipart/form-data; boundary={boundary}"}


def post_comment(client, project, *files, text="Look at this corner"):
    data = {"csrf_token": csrf_token(client, project_url(project)), "text": text,
            "category": str(project.categories[0].id),
            "photos": [photo_file(name, content) for name, content in files]}
    return client.post(f"{project_url(project)}/kommentare", **multipart(data))


def stored_photos(app) -> list[CommentPhoto]:
    with app.app_context():
        photos = db.session.scalars(select(CommentPhoto).order_by(CommentPhoto.comment_id, CommentPhoto.position)).all()
        db.session.expunge_all()
        return photos


def comment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Comment.id)))


def test_a_photo_is_stored_without_exif_and_gps_with_a_thumbnail_and_shown(
        app, client, create_project, create_user, login, photo_folder):
    project = create_project()
    resident = create_user()
    login(resident)
    before = files_in(photo_folder)
    response = post_comment(client, project, ("IMG_0001.jpg", jpeg_with_gps()), ("plan.png", png()),
                            ("street.webp", webp()))
    assert response.status_code == 302
    photos = stored_photos(app)
    assert [p.position for p in photos] == [0, 1, 2]
    assert {p.media_type for p in photos} == {"image/jpeg"}
    assert files_in(photo_folder) - before == {n for p in photos for n in (p.stored_name, p.thumbnail_name)}
    assert not any("IMG_0001" in p.stored_name for p in photos)

    first = photos[0]
    full = fetch(client, f"/{project.municipality.slug}/kommentare/fotos/{first.id}")
    assert full.status_code == 200
    assert full.mimetype == "image/jpeg"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert full.headers["Content-Disposition"].startswith("inline")
    assert "private" in full.headers["Cache-Control"]
    assert b"Exif" not in full.data and b"Phone 12" not in full.data
    served = Image.open(io.BytesIO(full.data))
    assert dict(served.getexif()) == {} and served.size == (first.width, first.height) == (800, 600)
    thumbnail = fetch(client, f"/{project.municipality.slug}/kommentare/fotos/{first.id}/vorschau")
    assert Image.open(io.BytesIO(thumbnail.data)).size == (400, 300)

    doc = lxml.html.fromstring(client.get(project_url(project)).get_data(as_text=True))
    images = doc.xpath("//ul[contains(@class, 'comment-photos')]//img")
    assert [(i.get("width"), i.get("height")) for i in images] == [("400", "300"), ("300", "200"), ("300", "200")]
    assert images[0].get("alt") == f"Foto 1 von 3 zum Kommentar von {resident.pseudonym}"
    assert images[0].getparent().get("href") == f"/{project.municipality.slug}/kommentare/fotos/{first.id}"


def test_the_comment_form_offers_the_file_input(client, create_project, create_user, login):
    project = create_project()
    login(create_user())
    doc = lxml.html.fromstring(client.get(project_url(project)).get_data(as_text=True))
    [form] = doc.xpath("//form[@data-comment-form]")
    assert form.get("enctype") == "multipart/form-data"
    [field] = form.xpath(".//input[@type='file']")
    assert field.get("name") == "photos" and field.get("multiple") is not None
    assert field.get("accept") == "image/jpeg,image/png,image/webp"
    hint = doc.get_element_by_id(field.get("aria-describedby"))
    assert "3 Fotos" in hint.text_content() and "10 MB" in hint.text_content()
    assert form.xpath(f".//label[@for='{field.get('id')}']")


@pytest.mark.parametrize("files, message", [
    ([(f"p{n}.jpg", jpeg_with_gps(80, 60)) for n in range(4)], "höchstens 3 Fotos"),
    ([("ok.jpg", jpeg_with_gps()), ("notes.jpg", b"Just some text, named like a photo.")],
     "Foto „notes.jpg“: Die Datei ist kein JPEG-, PNG- oder WebP-Bild"),
    ([("huge.png", huge_png())], "zu viele Pixel"),
    ([("ok.png", png()), ("broken.jpg", jpeg_with_gps()[:3000])], "unvollständig oder beschädigt"),
])
def test_refused_photos_save_neither_comment_nor_file(app, client, create_project, create_user, login, photo_folder,
                                                      files, message):
    project = create_project()
    login(create_user())
    before = files_in(photo_folder)
    response = post_comment(client, project, *files)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    form_part = text[text.index('id="comment-form"'):]
    assert message in form_part
    assert "Bitte wählen Sie Ihre Fotos noch einmal aus." in form_part
    assert "Look at this corner" in form_part  # the words are kept
    assert comment_count(app) == 0 and stored_photos(app) == []
    assert files_in(photo_folder) == before


def test_a_refused_text_with_good_photos_saves_nothing(app, client, create_project, create_user, login, photo_folder):
    project = create_project()
    login(create_user())
    before = files_in(photo_folder)
    response = post_comment(client, project, ("ok.jpg", jpeg_with_gps()), text="   ")
    assert response.status_code == 400
    assert comment_count(app) == 0 and files_in(photo_folder) == before


def test_a_failed_commit_leaves_no_files(app, client, create_project, create_user, login, photo_folder, monkeypatch):
    project = create_project()
    login(create_user())
    before = files_in(photo_folder)

    def failing_commit():
        raise RuntimeError("database gone")
    monkeypatch.setattr(db.session, "commit", failing_commit)
    assert post_comment(client, project, ("ok.jpg", jpeg_with_gps())).status_code == 500
    monkeypatch.undo()
    assert files_in(photo_folder) == before
    assert comment_count(app) == 0


def _with_photo(app, client, project, login, author):
    login(author)
    assert post_comment(client, project, ("ok.jpg", jpeg_with_gps())).status_code == 302
    [photo] = stored_photos(app)
    return photo


def fetch(client, url):
    """GET `url`, read and close the response (a served file stays open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def client_of(app, user=None):
    """A test client of its own, logged in as `user` (or anonymous)."""
    client = app.test_client()
    if user is not None:
        response = client.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD,
                                                        "csrf_token": csrf_token(client)})
        assert response.status_code == 302
    return client


def _statuses(client, town, photo) -> tuple[int, int]:
    base = f"/{town.slug}/kommentare/fotos/{photo.id}"
    return fetch(client, base).status_code, fetch(client, f"{base}/vorschau").status_code


def test_a_pending_comments_photo_is_served_to_its_author_and_planners_only(
        app, client, town, create_project, create_user, login):
    project = create_project(town)
    with app.app_context():
        db.session.execute(update(Project).where(Project.id == project.id).values(pre_moderation=True))
        db.session.commit()
    author, other = create_user(), create_user()
    photo = _with_photo(app, client, project, login, author)
    with app.app_context():
        assert db.session.get(Comment, photo.comment_id).visibility is Visibility.PENDING

    assert _statuses(client_of(app), town, photo) == (404, 404)
    assert _statuses(client_of(app, other), town, photo) == (404, 404)
    assert _statuses(client, town, photo) == (200, 200)  # the author
    response = fetch(client, f"/{town.slug}/kommentare/fotos/{photo.id}")
    assert "no-store" in response.headers["Cache-Control"]
    assert _statuses(client_of(app, create_user(Role.PLANNER, towns=[town])), town, photo) == (200, 200)
    other_town = create_project().municipality
    assert _statuses(client_of(app, create_user(Role.PLANNER, towns=[other_town])), town, photo) == (404, 404)


def test_a_hidden_comments_photo_is_404_for_residents_and_its_author_but_not_for_planners(
        app, client, town, create_project, create_user, login):
    project = create_project(town)
    author = create_user()
    photo = _with_photo(app, client, project, login, author)
    anonymous = client_of(app)
    assert _statuses(anonymous, town, photo) == (200, 200)  # published: anyone who sees the project
    with app.app_context():
        comment = db.session.get(Comment, photo.comment_id)
        comment.visibility, comment.hidden_reason = Visibility.HIDDEN, "Shows a person"
        db.session.commit()
    assert _statuses(anonymous, town, photo) == (404, 404)
    assert _statuses(client_of(app, create_user()), town, photo) == (404, 404)
    assert _statuses(client, town, photo) == (404, 404)  # the author
    page = client.get(project_url(project)).get_data(as_text=True)
    assert "comment-photos" not in page and "Shows a person" in page
    assert _statuses(client_of(app, create_user(Role.PLANNER, towns=[town])), town, photo) == (200, 200)


def test_a_photo_is_only_found_in_its_own_town(app, client, town, create_town, create_project, create_user, login):
    photo = _with_photo(app, client, create_project(town), login, create_user())
    assert _statuses(client, create_town(), photo) == (404, 404)
    assert client.get(f"/{town.slug}/kommentare/fotos/999999").status_code == 404


@pytest.mark.parametrize("with_reply", [False, True])
def test_deleting_the_comment_removes_its_photo_files(app, client, create_project, create_user, create_comment, login,
                                                      photo_folder, with_reply):
    project = create_project()
    author = create_user()
    photo = _with_photo(app, client, project, login, author)
    if with_reply:  # the comment stays as a placeholder for the reply; its photos go all the same
        with app.app_context():
            parent = db.session.get(Comment, photo.comment_id)
            db.session.expunge(parent)
        create_comment(project, create_user(), text="A reply", parent=parent)
    files = {photo.stored_name, photo.thumbnail_name}
    assert files <= files_in(photo_folder)
    response = client.post(f"/{project.municipality.slug}/kommentare/{photo.comment_id}/loeschen",
                           data={"csrf_token": csrf_token(client, project_url(project))})
    assert response.status_code == 302
    assert not files & files_in(photo_folder)
    assert stored_photos(app) == []
    assert _statuses(client, project.municipality, photo) == (404, 404)
    assert comment_count(app) == (2 if with_reply else 0)


def test_a_comment_with_photos_may_have_a_body_larger_than_the_app_wide_limit(app, client, create_project,
                                                                             create_user, login):
    """Three photos of up to 10 MB must reach the view; other routes keep the 8 MB limit."""
    project = create_project()
    login(create_user())
    noise = Image.frombytes("RGB", (1800, 1800), os.urandom(1800 * 1800 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    big = out.getvalue()
    assert 8 * 2**20 < 3 * len(big) < 30 * 2**20
    response = post_comment(client, project, ("a.png", big), ("b.png", big), ("c.png", big))
    assert response.status_code == 302
    assert len(stored_photos(app)) == 3


def test_a_statement_on_a_statute_takes_photos_too(app, client, create_statute, create_user, login, mailbox):
    statute = create_statute()
    with app.app_context():
        db.session.add(StatutePeriod(statute_id=statute.id, kind=PeriodKind.DISPLAY,
                                     starts_on=town_today() - timedelta(days=3),
                                     ends_on=town_today() + timedelta(days=30)))
        db.session.commit()
    login(create_user())
    url = f"/{statute.municipality.slug}/satzungen/{statute.id}"
    response = client.post(f"{url}/kommentare", **multipart({
        "csrf_token": csrf_token(client, url), "text": "Der Weg ist auf dem Foto zu sehen.",
        "photos": [photo_file("weg.jpg", jpeg_with_gps())]}))
    assert response.status_code == 302
    [photo] = stored_photos(app)
    assert _statuses(client_of(app), statute.municipality, photo) == (200, 200)
    assert len(mailbox()) == 1  # the receipt, as without photos
