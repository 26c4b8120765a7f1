"""A statute's documents: checks by content, upload page, serving with its headers, removal, overlays."""
from __future__ import annotations

import hashlib
import io
import zlib
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from participation.accounts.models import Role
from participation.extensions import db
from participation.statutes import documents
from participation.statutes.models import DocumentKind, Statute, StatuteDocument
from tests.conftest import csrf_token

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\xa6\x1b\xa1\x8e\x00\x00\x00\x00IEND\xaeB`\x82")
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32


def make_pdf(*extra: bytes, catalog: bytes = b"/Type /Catalog /Pages 2 0 R", trailer: bytes = b"") -> bytes:
    """A small, well-formed PDF (one empty page) with `extra` objects numbered from 4 on."""
    objects = [b"<< " + catalog + b" >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", *extra]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref))
    return out.getvalue()


def object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed) + packed + \
        b"\nendstream"


# ---- checks by content ----

def test_a_small_real_pdf_passes():
    documents.check_pdf(make_pdf())
    assert documents.media_type_of(make_pdf()[:16]) == "application/pdf"


@pytest.mark.parametrize("pdf", [
    make_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    make_pdf(catalog=b"/Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >>"),
    make_pdf(b"<< /S /J#61vaScript /J#53 (x) >>"),  # names written with #xx escapes
    make_pdf(object_stream(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>")),  # hidden in a compressed stream
    make_pdf(b"<< /Type /EmbeddedFile /Length 0 >>"),
], ids=["javascript", "launch", "escaped", "compressed", "embedded file"])
def test_pdfs_with_scripts_or_actions_are_refused(pdf):
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.check_pdf(pdf)
    assert "{name}" in refused.value.message


def test_a_compressed_object_stream_without_scripts_passes():
    documents.check_pdf(make_pdf(object_stream(b"5 0 << /Title (Begruendung) >>")))


def test_encrypted_and_cut_off_pdfs_are_refused():
    with pytest.raises(documents.DocumentRefused, match="encrypted"):
        documents.check_pdf(make_pdf(trailer=b"/Encrypt 9 0 R "))
    with pytest.raises(documents.DocumentRefused, match="incomplete"):
        documents.check_pdf(make_pdf()[:-20])


@pytest.mark.parametrize(("head", "expected"), [
    (b"%PDF-1.4", "application/pdf"), (PNG[:16], "image/png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (TIFF[:16], "image/tiff"), (b"MM\x00*\x00\x00\x00\x08", "image/tiff"), (b"MZ\x90\x00\x03", None),
    (b"<html><script>", None), (b"PK\x03\x04", None), (b"", None),
])
def test_types_are_told_by_content(head, expected):
    assert documents.media_type_of(head) == expected


@pytest.mark.parametrize(("name", "media_type", "expected"), [
    ("Begründung.pdf", "application/pdf", "Begründung.pdf"),
    ("C:\\Users\\amt\\Plan Nr. 12.PDF", "application/pdf", "Plan Nr. 12.pdf"),
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    ("setup.exe", "application/pdf", "setup.exe.pdf"),
    ("scan.jpeg", "image/jpeg", "scan.jpg"),
    ("a\u202egpj.exe", "image/png", "agpj.exe.png"),
    ("<script>.pdf", "application/pdf", "script.pdf"),
    ("", "image/tiff", "dokument.tif"),
])
def test_file_names_are_cleaned(app, name, media_type, expected):
    assert documents.clean_filename(name, media_type) == expected


# ---- storing ----

@pytest.fixture
def statute(create_statute, town):
    return create_statute(town=town)


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "statute-documents"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_store_document_keeps_the_file_under_a_random_name_with_its_hash(app, statute):
    pdf = make_pdf()
    with app.app_context():
        owner = db.session.get(Statute, statute.id)
        document = documents.store_document(owner, DocumentKind.JUSTIFICATION, "Begründung", "Begründung.pdf", pdf, None)
        db.session.commit()
        assert document.sha256 == hashlib.sha256(pdf).hexdigest() and document.size == len(pdf)
        assert document.media_type == "application/pdf" and document.filename == "Begründung.pdf"
        assert document.stored_name.endswith(".pdf") and "Begr" not in document.stored_name
        assert documents.document_path(document).read_bytes() == pdf


def test_a_rolled_back_document_leaves_no_file(app, statute):
    with app.app_context():
        before = _stored_files(app)
        documents.store_document(db.session.get(Statute, statute.id), DocumentKind.PLAN, "Plan", "plan.pdf",
                                 make_pdf(), None)
        assert len(_stored_files(app)) == len(before) + 1
        db.session.rollback()
        assert _stored_files(app) == before


def test_overlays_are_png_or_jpeg_with_a_box(app, statute):
    with app.app_context():
        owner = db.session.get(Statute, statute.id)
        documents.store_document(owner, DocumentKind.PLAN, "Planzeichnung", "plan.png", PNG, None,
                                 overlay_bounds=[13.25, 53.55, 13.26, 53.554])
        for data, bounds in [(TIFF, [13.25, 53.55, 13.26, 53.554]), (PNG, [13.26, 53.55, 13.25, 53.554]),
                             (PNG, ["west", 1, 2, 3]), (PNG, [0, 0, 1])]:
            with pytest.raises(documents.DocumentRefused):
                documents.store_document(owner, DocumentKind.PLAN, "Plan", "plan", data, None, overlay_bounds=bounds)
        db.session.commit()
        with app.test_request_context():
            (overlay,) = documents.overlays(db.session.get(Statute, statute.id))
        assert overlay["bounds"] == [[53.55, 13.25], [53.554, 13.26]] and overlay["title"] == "Planzeichnung"
        assert overlay["url"].endswith("/plan.png")


def test_the_statute_page_draws_the_overlay_with_a_checkbox(app, client, town, statute):
    with app.app_context():
        documents.store_document(db.session.get(Statute, statute.id), DocumentKind.PLAN, "Planzeichnung", "plan.png",
                                 PNG, None, overlay_bounds=[13.25, 53.55, 13.26, 53.554])
        db.session.commit()
    page = client.get(f"/{town.slug}/satzungen/{statute.id}").get_data(as_text=True)
    assert "data-statute-overlays=" in page and "statute-overlays.js" in page and "data-overlay-toggle" in page


# ---- the upload page ----

def _upload(client, town, statute, data: bytes, filename: str = "Begründung.pdf", title: str = "Begründung"):
    url = f"/{town.slug}/satzungen/{statute.id}/dokumente"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "kind": "justification", "title": title,
                                  "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def _document_rows(app) -> list[StatuteDocument]:
    with app.app_context():
        rows = db.session.query(StatuteDocument).all()
        db.session.expunge_all()
        return rows


def test_a_planner_uploads_a_pdf_and_it_is_served_with_safe_headers(app, client, town, planner, statute):
    pdf = make_pdf()
    response = _upload(client, town, statute, pdf)
    assert response.status_code == 302
    (document,) = _document_rows(app)
    page = client.get(f"/{town.slug}/satzungen/{statute.id}").get_data(as_text=True)
    assert "Begründung (PDF, 1 KB)</a>" in page
    url = f"/{town.slug}/satzungen/{statute.id}/dokumente/{document.id}/Begr%C3%BCndung.pdf"
    assert f'href="{url}"' in page or f'href="/{town.slug}/satzungen/{statute.id}/dokumente/{document.id}/Begründung.pdf"' in page

    served = client.get(url)
    assert served.status_code == 200 and served.data == pdf
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"] == (
        "inline; filename=\"Begr_ndung.pdf\"; filename*=UTF-8''Begr%C3%BCndung.pdf")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    policy = served.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert served.headers["ETag"].strip('"') == hashlib.sha256(pdf).hexdigest()
    assert served.headers["Cache-Control"] == "public, no-cache"
    served.close()
    with client.get(url, headers={"If-None-Match": served.headers["ETag"]}) as again:
        assert again.status_code == 304
    # Another name in the URL leads to the right one.
    moved = client.get(f"/{town.slug}/satzungen/{statute.id}/dokumente/{document.id}/anders.pdf")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("Begr%C3%BCndung.pdf")


def test_an_image_is_sandboxed_and_a_tiff_downloaded(app, client, town, planner, statute):
    assert _upload(client, town, statute, PNG, "scan.png", "Scan").status_code == 302
    assert _upload(client, town, statute, TIFF, "scan.tif", "Scan TIFF").status_code == 302
    png, tiff = _document_rows(app)
    with client.get(f"/{town.slug}/satzungen/{statute.id}/dokumente/{png.id}/scan.png") as served:
        assert served.headers["Content-Type"] == "image/png" and "sandbox" in served.headers["Content-Security-Policy"]
    with client.get(f"/{town.slug}/satzungen/{statute.id}/dokumente/{tiff.id}/scan.tif") as served:
        assert served.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "plan.pdf", "keine PDF-, PNG-, JPEG- oder TIFF-Datei"),
    (make_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"), "plan.pdf", "JavaScript"),
    (b"", "leer.pdf", "Datei"),
], ids=["renamed exe", "javascript", "empty"])
def test_bad_files_are_refused_with_a_clear_message_and_nothing_kept(app, client, town, planner, statute,
                                                                    data, filename, message):
    before = _stored_files(app)
    response = _upload(client, town, statute, data, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and 'href="#file"' in page  # in the error summary, linked to the field
    assert _document_rows(app) == [] and _stored_files(app) == before


def test_a_file_over_the_limit_is_refused_with_the_limit(app, client, town, planner, statute):
    configured = app.config["STATUTE_DOCUMENT_MAX_BYTES"]
    app.config["STATUTE_DOCUMENT_MAX_BYTES"] = 2000
    try:
        response = _upload(client, town, statute, make_pdf(b"<< /Padding (" + b"x" * 3000 + b") >>"))
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "größer als 2 KB" in page
        assert _document_rows(app) == []
        # Far beyond the limit the request itself is refused before the form is read.
        url = f"/{town.slug}/satzungen/{statute.id}/dokumente"
        builder = EnvironBuilder(path=url, method="POST", data={
            "csrf_token": csrf_token(client, url), "kind": "plan", "title": "Plan",
            "file": (io.BytesIO(b"%PDF-" + b"x" * (2 * 2**20)), "plan.pdf")})
        environ = builder.get_environ()  # so large a body is spooled to a temporary file, closed below
        try:
            with client.open(environ) as response:
                assert response.status_code == 413
        finally:
            environ["wsgi.input"].close()
            builder.close()
    finally:
        app.config["STATUTE_DOCUMENT_MAX_BYTES"] = configured


def test_removing_a_document_removes_its_file_after_the_commit(app, client, town, planner, statute):
    _upload(client, town, statute, make_pdf())
    (document,) = _document_rows(app)
    with app.app_context():
        path = documents.document_path(document)
    assert path.exists()
    url = f"/{town.slug}/satzungen/{statute.id}/dokumente"
    response = client.post(f"{url}/{document.id}/entfernen", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert _document_rows(app) == [] and not path.exists()


# ---- who may do what ----

ROLES = ["anonymous", "resident", "other_planner", "planner", "admin"]


@pytest.fixture
def world(app, create_town, create_user, create_statute, town):
    published, draft = create_statute(town=town), create_statute(town=town, published=False)
    ids = {}
    with app.app_context():
        for name, statute in (("published", published), ("draft", draft)):
            ids[name] = documents.store_document(db.session.get(Statute, statute.id), DocumentKind.PLAN, "Plan",
                                                 "plan.pdf", make_pdf(), None).id
        db.session.commit()
    return {
        "town": town, "published": published, "draft": draft, "documents": ids,
        "users": {"resident": create_user(Role.RESIDENT),
                  "other_planner": create_user(Role.PLANNER, towns=[create_town()]),
                  "planner": create_user(Role.PLANNER, towns=[town]), "admin": create_user(Role.ADMIN)},
    }


def _row(*values):
    return dict(zip(ROLES, values, strict=True))


TABLE = [
    ("manage published", "GET", "/{slug}/satzungen/{published}/dokumente", _row("login", 403, 403, 200, 200)),
    ("manage draft", "GET", "/{slug}/satzungen/{draft}/dokumente", _row("login", 404, 404, 200, 200)),
    ("serve published", "GET", "/{slug}/satzungen/{published}/dokumente/{published_doc}/plan.pdf",
     _row(200, 200, 200, 200, 200)),
    ("serve draft", "GET", "/{slug}/satzungen/{draft}/dokumente/{draft_doc}/plan.pdf", _row(404, 404, 404, 200, 200)),
    ("serve via another statute", "GET", "/{slug}/satzungen/{published}/dokumente/{draft_doc}/plan.pdf",
     _row(404, 404, 404, 404, 404)),
    ("remove", "POST", "/{slug}/satzungen/{published}/dokumente/{published_doc}/entfernen",
     _row("login", 403, 403, 302, 302)),
    ("remove from draft", "POST", "/{slug}/satzungen/{draft}/dokumente/{draft_doc}/entfernen",
     _row("login", 404, 404, 302, 302)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "expected"), TABLE, ids=[t[0] for t in TABLE])
def test_roles_and_routes(client, login, world, role, name, method, url, expected):
    if role != "anonymous":
        login(world["users"][role])
    path = url.format(slug=world["town"].slug, published=world["published"].id, draft=world["draft"].id,
                      published_doc=world["documents"]["published"], draft_doc=world["documents"]["draft"])
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": csrf_token(client, f"/{world['town'].slug}/satzungen")})
    wanted = expected[role]
    if wanted == "login":
        assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    else:
        assert response.status_code == wanted
    if name == "serve draft" and wanted == 200:
        assert response.headers["Cache-Control"] == "private, no-cache"
    response.close()
