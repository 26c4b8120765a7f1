"""Exports end to end: the planner's page, the job, the download bound to its maker, every format with the
same numbers, pseudonymised, valid when empty; the weighing table grouped as chosen; expiry; the CLI."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import time
import zipfile
from datetime import datetime, timedelta, timezone

import openpyxl
import pyogrio
import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from pyproj import Transformer
from sqlalchemy import select

from participation.accounts.models import Role
from participation.comments.models import Comment
from participation.database.mixins import utcnow
from participation.exports import services
from participation.exports.models import Export, ExportFormat, ExportStatus
from participation.extensions import db
from participation.municipalities.models import Municipality
from tests.conftest import INSIDE, csrf_token, town_today, wait_for_jobs
from tests.exports.conftest import RESIDENT_EMAIL, SENDER_EMAIL, SENDER_NAME

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ask(client, town, **fields):
    data = {"subject": "stadt", "format": "xlsx", "crs": "4326", "grouping": "thema", **fields}
    return client.post(f"/{town.slug}/exporte", data={**data, "csrf_token": csrf_token(client, f"/{town.slug}/exporte")})


def _last_export(app) -> Export:
    with app.app_context():
        return db.session.scalars(select(Export).order_by(Export.id.desc())).first()


def _download(client, url: str):
    """GET a file; the response is closed at once (it holds the file open), its bytes kept."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _text_of(content: bytes, fmt: str) -> str:
    """Everything a file holds as text (a workbook's XML parts, a GeoPackage's bytes)."""
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(name).decode() for name in archive.namelist())
    return content.decode("utf-8", errors="replace")


def test_a_planner_exports_a_project_and_downloads_the_workbook(app, client, town, planner, filled_project):
    project, ids = filled_project
    response = _ask(client, town, subject=f"project:{project.id}")
    export = _last_export(app)
    assert response.status_code == 302 and response.headers["Location"] == f"/{town.slug}/exporte/{export.id}"
    wait_for_jobs(app)
    page = client.get(f"/{town.slug}/exporte/{export.id}").get_data(as_text=True)
    assert "4 Beiträge und Antworten geschrieben." in page  # three comments and the reply
    download = _download(client, f"/{town.slug}/exporte/{export.id}/datei")
    assert download.status_code == 200 and download.mimetype == XLSX
    assert download.headers["Cache-Control"] == "private, no-store"
    assert re.fullmatch(r'attachment; filename=beitraege-market-square-\d{4}-\d\d-\d\d\.xlsx',
                        download.headers["Content-Disposition"])
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    assert book.sheetnames == ["Beiträge", "Antworten", "Antworten der Stadt", "Kennzahlen"]
    comments = list(book["Beiträge"].iter_rows(values_only=True))
    header = comments[0]
    by_number = {row[0]: dict(zip(header, row)) for row in comments[1:]}
    assert set(by_number) == {f"K-{ids['first']}", f"K-{ids['second']}", f"K-{ids['letter']}"}
    first = by_number[f"K-{ids['first']}"]
    assert first["Text"].startswith("=HYPERLINK")  # kept as written, stored as text (see test_tables)
    assert first["Antwort der Stadt"] == "Wir prüfen das." and first["Beantwortet von"] == planner.pseudonym
    assert first["Antworten"] == 1 and first["Stand"] == "Beantwortet"
    assert (first["Längengrad (WGS 84)"], first["Breitengrad (WGS 84)"]) == (INSIDE.x, INSIDE.y)
    assert re.fullmatch(r"P-[0-9a-f]{8}", first["Verfasser*in (Pseudonym)"])
    letter = by_number[f"K-{ids['letter']}"]
    assert letter["Eingangsweg"] == "Brief" and letter["Erfasst von"] == planner.pseudonym
    assert letter["Verfasser*in (Pseudonym)"] is None  # the sender is not named
    assert by_number[f"K-{ids['second']}"]["Sichtbarkeit"] == "Ausgeblendet"
    assert by_number[f"K-{ids['second']}"]["Grund der Ausblendung"] == "Beleidigung"
    replies = list(book["Antworten"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in replies] == [(f"K-{ids['reply']}", f"K-{ids['first']}")]
    answers = list(book["Antworten der Stadt"].iter_rows(min_row=2, values_only=True))
    assert answers[0][2:] == (planner.pseudonym, "Wir prüfen das.", f"K-{ids['first']}")
    figures = {(r[0], r[1]): r[2] for r in book["Kennzahlen"].iter_rows(min_row=2, values_only=True)}
    assert figures[("Beiträge", "Alle")] == 3 and figures[("Eingangsweg", "Brief")] == 1


def test_a_download_is_named_by_the_towns_day_of_its_making(app, town):
    """Made at 23:30 UTC on 30 November is 1 December in the town (CET), whatever the server's clock says."""
    with app.test_request_context(), force_locale("de"):
        export = Export(municipality=db.session.get(Municipality, town.id), format=ExportFormat.CSV,
                        created_at=datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc))
        assert services.download_name(export).endswith("-2026-12-01.csv")
        export.created_at = datetime(2026, 11, 30, 22, 59, tzinfo=timezone.utc)
        assert services.download_name(export).endswith("-2026-11-30.csv")


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "geojson", "gpkg"])
def test_no_export_holds_an_email_address_a_senders_name_or_a_residents_name(app, client, town, planner,
                                                                             filled_project, fmt):
    project, ids = filled_project
    _ask(client, town, subject=f"project:{project.id}", format=fmt)
    wait_for_jobs(app)
    content = _download(client, f"/{town.slug}/exporte/{_last_export(app).id}/datei").data
    text = _text_of(content, fmt)
    with app.app_context():
        resident_name = db.session.get(Comment, ids["first"]).author.pseudonym
    assert "Per Brief" in text  # the file was read
    for secret in (RESIDENT_EMAIL, SENDER_EMAIL, SENDER_NAME, resident_name, "127.0.0.1"):
        assert secret not in text
    if fmt != "gpkg":  # a binary file has "@" bytes of its own
        assert "@" not in text


def test_every_format_has_the_same_numbers_and_places(app, town, filled_project, write):
    project, ids = filled_project
    book = openpyxl.load_workbook(write(town, ExportFormat.XLSX, project))
    workbook = {row[0]: row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    with open(write(town, ExportFormat.CSV, project), encoding="utf-8-sig", newline="") as stream:
        table = {row["Nummer"]: row for row in csv.DictReader(stream) if not row["Antwort auf"]}
    geojson = json.loads(write(town, ExportFormat.GEOJSON, project).read_text())
    features = {f["id"]: f for f in geojson["features"]}
    frame = pyogrio.read_dataframe(write(town, ExportFormat.GPKG, project))
    package = {row.reference: row for row in frame.itertuples()}
    assert set(workbook) == set(table) == set(features) == set(package) == {
        f"K-{ids[name]}" for name in ("first", "second", "letter")}
    placed = f"K-{ids['letter']}"
    assert features[placed]["geometry"]["coordinates"] == [INSIDE.x, INSIDE.y]
    assert (package[placed].geometry.x, package[placed].geometry.y) == (INSIDE.x, INSIDE.y)
    assert float(table[placed]["Längengrad (WGS 84)"]) == INSIDE.x
    unplaced = f"K-{ids['second']}"
    assert features[unplaced]["geometry"] is None and package[unplaced].geometry is None
    assert table[unplaced]["Längengrad (WGS 84)"] == ""
    assert features[placed]["properties"]["channel"] == package[placed].channel == "Brief"


def test_a_geopackage_in_the_towns_utm_zone(app, town, filled_project, write):
    project, ids = filled_project
    path = write(town, ExportFormat.GPKG, project, crs=25833)
    info = pyogrio.read_info(path, layer="comments")
    assert info["crs"] == "EPSG:25833" and info["geometry_type"] == "Point"
    frame = pyogrio.read_dataframe(path)
    x, y = Transformer.from_crs(4326, 25833, always_xy=True).transform(INSIDE.x, INSIDE.y)
    point = frame[frame.reference == f"K-{ids['letter']}"].geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((x, y), abs=0.01)
    book = openpyxl.load_workbook(write(town, ExportFormat.XLSX, project, crs=25833))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[-2:] == ["Rechtswert (EPSG:25833)", "Hochwert (EPSG:25833)"]


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_an_export_with_nothing_in_it_is_a_valid_file_with_its_headers(app, town, create_project, write, fmt):
    project = create_project(town=town)
    path = write(town, fmt, project)
    if fmt in (ExportFormat.XLSX, ExportFormat.WEIGHING_XLSX):
        book = openpyxl.load_workbook(path)
        assert [c.value for c in book.worksheets[0][1]][0] == "Nummer" and book.worksheets[0].max_row == 1
    elif fmt is ExportFormat.CSV:
        assert path.read_bytes().count(b"\r\n") == 1
    elif fmt is ExportFormat.GEOJSON:
        assert json.loads(path.read_text()) == {"type": "FeatureCollection", "name": "comments", "features": []}
    elif fmt in (ExportFormat.WEIGHING_PDF, ExportFormat.REPORT_PDF):
        text = "".join(page.extract_text() for page in PdfReader(path).pages)
        assert "In diesem Zeitraum sind keine Stellungnahmen eingegangen." in text and "Stellungnahmen 0" in text
    else:
        info = pyogrio.read_info(path, layer="comments")
        assert info["features"] == 0 and "reference" in list(info["fields"]) and "decision" in list(info["fields"])


def test_a_pseudonym_is_the_same_in_every_export_of_the_town_but_not_elsewhere(app, town, create_town, filled_project,
                                                                             create_project, create_comment,
                                                                             create_user, write):
    project, ids = filled_project
    twice = [openpyxl.load_workbook(write(town, ExportFormat.XLSX, project)).worksheets[0] for _ in range(2)]
    authors = [{row[0]: row[13] for row in sheet.iter_rows(min_row=2, values_only=True)} for sheet in twice]
    assert authors[0] == authors[1]
    assert authors[0][f"K-{ids['first']}"] == authors[0][f"K-{ids['second']}"]  # one person, one pseudonym
    elsewhere = create_town()
    with app.app_context():
        resident = db.session.get(Comment, ids["first"]).author
        db.session.expunge(resident)
    create_comment(create_project(town=elsewhere), resident)
    other = openpyxl.load_workbook(write(elsewhere, ExportFormat.XLSX)).worksheets[0]
    assert next(other.iter_rows(min_row=2, values_only=True))[13] != authors[0][f"K-{ids['first']}"]


def test_the_weighing_table_follows_the_paragraphs_or_the_dates(app, town, weighed_statute, write):
    statute, made = weighed_statute
    late, early, loose, middle = (made[name] for name in ("late", "early", "loose", "middle"))
    sheet = openpyxl.load_workbook(write(town, ExportFormat.WEIGHING_XLSX, statute)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nummer", "Datum", "Eingangsweg", "Bezug", "Kommentar", "Antwort der Stadt",
                       "Entscheidung", "Begründung")
    assert [row[0] for row in rows[1:]] == [
        "§ 1 Abs. 1", early.reference, "§ 1 Abs. 2", f"K-{middle.id}", "§ 2", late.reference,
        "Ohne Bezug auf einen Absatz", loose.reference]
    assert rows[2][3:] == ("§ 1 Abs. 1", "On § 1 (1)", None, "Teilweise berücksichtigt", "Die Traufhöhe sinkt.")
    by_date = openpyxl.load_workbook(write(town, ExportFormat.WEIGHING_XLSX, statute, grouping="datum")).active
    assert [row[0] for row in by_date.iter_rows(min_row=2, values_only=True)] == [
        early.reference, loose.reference, f"K-{middle.id}", late.reference]


def test_a_town_export_covers_the_chosen_days(app, town, create_project, create_comment, create_user, write):
    project = create_project(town=town)
    resident = create_user()
    comments = [create_comment(project, resident, text=f"day {n}") for n in range(3)]
    today = town_today()
    with app.app_context():
        for n, comment in enumerate(comments):
            db.session.get(Comment, comment.id).created_at = utcnow() - timedelta(days=10 * n)
        db.session.commit()
    path = write(town, ExportFormat.CSV, since=today - timedelta(days=15), until=today - timedelta(days=5))
    with open(path, encoding="utf-8-sig", newline="") as stream:
        assert [row["Text"] for row in csv.DictReader(stream)] == ["day 1"]


def test_a_download_belongs_to_the_planner_who_made_it(app, client, town, planner, filled_project, create_user,
                                                       login):
    project, _ids = filled_project
    _ask(client, town, subject=f"project:{project.id}", format="csv")
    wait_for_jobs(app)
    export = _last_export(app)
    url = f"/{town.slug}/exporte/{export.id}/datei"
    assert _download(client, url).status_code == 200
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    assert client.get(url).status_code == 302  # to the login page
    login(create_user(Role.PLANNER, towns=[town]))  # a colleague: the same town, not the same person
    assert client.get(url).status_code == 404
    assert client.get(f"/{town.slug}/exporte/{export.id}").status_code == 404
    assert f"/exporte/{export.id}" not in client.get(f"/{town.slug}/exporte").get_data(as_text=True)


def test_an_expired_download_is_gone_and_its_file_removed(app, client, town, planner, filled_project):
    project, _ids = filled_project
    _ask(client, town, subject=f"project:{project.id}", format="geojson")
    wait_for_jobs(app)
    export = _last_export(app)
    with app.app_context():
        row = db.session.get(Export, export.id)
        assert row.status is ExportStatus.READY and services.path_of(row).is_file()
        path = services.path_of(row)
        row.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert client.get(f"/{town.slug}/exporte/{export.id}/datei").status_code == 410
    assert "abgelaufen" in client.get(f"/{town.slug}/exporte/{export.id}").get_data(as_text=True)
    with app.app_context():
        assert services.remove_expired() == 1
        db.session.commit()
        assert db.session.get(Export, export.id) is None
    assert not path.exists()


def test_deleting_an_export_removes_its_file(app, client, town, planner, filled_project):
    _ask(client, town, format="csv")
    wait_for_jobs(app)
    export = _last_export(app)
    with app.app_context():
        path = services.path_of(db.session.get(Export, export.id))
    response = client.post(f"/{town.slug}/exporte/{export.id}/loeschen",
                           data={"csrf_token": csrf_token(client, f"/{town.slug}/exporte")})
    assert response.status_code == 302
    assert not path.exists()
    assert "Der Export wurde gelöscht." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_weighing_table_needs_a_project_or_statute_and_bad_days_are_refused(app, client, town, planner):
    page = _ask(client, town, format="weighing-xlsx")
    assert page.status_code == 400
    assert "Eine Abwägungstabelle oder ein Bericht wird für ein Vorhaben oder eine Satzung erstellt" in page.get_data(as_text=True)
    page = _ask(client, town, format="csv", since="2026-05-02", until="2026-05-01")
    assert page.status_code == 400 and "Der letzte Tag liegt vor dem ersten." in page.get_data(as_text=True)
    page = _ask(client, town, subject="project:999999", format="csv")
    assert page.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Export.id))) == 0


def test_another_towns_project_cannot_be_chosen(app, client, town, planner, create_town, create_project):
    foreign = create_project(town=create_town())
    assert _ask(client, town, subject=f"project:{foreign.id}", format="csv").status_code == 400


def test_the_cli_writes_an_export_with_a_progress_bar(app, runner, town, filled_project, tmp_path):
    project, ids = filled_project
    out = tmp_path / "abwaegung.xlsx"
    result = runner.invoke(args=["exports", "write", "--town", town.slug, "--project", str(project.id),
                                 "--format", "weighing-xlsx", "--locale", "en", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 comments and replies written" in result.output
    sheet = openpyxl.load_workbook(out).active
    assert next(sheet.iter_rows(values_only=True))[:2] == ("Number", "Date")
    refused = runner.invoke(args=["exports", "write", "--town", town.slug, "--format", "weighing-xlsx", str(out)])
    assert refused.exit_code != 0 and "needs --project or --statute" in refused.output


def test_a_file_no_export_points_to_is_removed_once_no_job_can_still_be_writing_it(app, client, town, planner):
    with app.app_context():
        services.folder().mkdir(parents=True, exist_ok=True)
        orphan, fresh = services.folder() / "0123abcd.xlsx", services.folder() / "part-4567cdef.gpkg"
        orphan.write_bytes(b"left by a deleted export")
        fresh.write_bytes(b"a job is writing this")
        work, busy = services.folder() / "pdf-left", services.folder() / "pdf-busy"
        for folder in (work, busy):
            folder.mkdir()
            (folder / "part-0.html").write_text("comments of a PDF being laid out")
        old = time.time() - app.config["JOB_TIMEOUT_SECONDS"] - 7200
        os.utime(orphan, (old, old))
        os.utime(work, (old, old))
        services.remove_expired()
    assert not orphan.exists() and fresh.exists()
    assert not work.exists() and busy.exists()  # a killed worker's PDF work folder goes, a running one stays
    fresh.unlink()
    shutil.rmtree(busy)
