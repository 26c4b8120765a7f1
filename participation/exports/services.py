"""Making exports: asking for one (a row and a job), writing its file in the job, removing expired files."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import force_locale, gettext as _
from pyproj import Transformer
from sqlalchemy import select

from geo.errors import N_
from geo.hotspots import metric_crs_at
from participation.comments.subjects import Subject, is_statute, subject_title
from participation.database.after_commit import after_commit
from participation.database.mixins import utcnow
from participation.exports import columns, geodata, pdf, rows, tables
from participation.exports.models import Export, ExportFormat, ExportStatus
from participation.extensions import db
from participation.jobs.registry import JobFailed
from participation.jobs.services import enqueue
from participation.municipalities.models import Municipality
from participation.projects.models import Project
from participation.statutes.models import Statute

#: Where the surveys feature puts its `ResponseWriter` (exports know no survey: surveys import exports).
_RESPONSES = "export_response_writer"
JOB = "exports.write"
CLEAN_TASK = "exports-expired"
#: The projected CRSs a town may export in: ETRS89 / UTM zones 32N and 33N.
PROJECTED = (25832, 25833)
EXTENSIONS = {ExportFormat.XLSX: "xlsx", ExportFormat.CSV: "csv", ExportFormat.GEOJSON: "geojson",
              ExportFormat.GPKG: "gpkg", ExportFormat.WEIGHING_XLSX: "xlsx", ExportFormat.WEIGHING_PDF: "pdf",
              ExportFormat.REPORT_PDF: "pdf"}
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "pdf": "application/pdf",
}


def retention_hours() -> int:
    return int(current_app.config["EXPORT_RETENTION_HOURS"])


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "exports"


def path_of(export: Export) -> Path:
    return folder() / export.stored_name


def town_zone(town: Municipality) -> int:
    """The ETRS89/UTM zone of the town's maps, by the middle of its boundary (32N without one)."""
    if town.boundary is None:
        return 25832
    west, _south, east, _north = town.boundary.bounds
    return metric_crs_at((west + east) / 2)


@dataclass(frozen=True)
class ResponseWriter:
    """How a survey's responses are exported, given by the surveys feature (`register_response_writer`)."""

    #: write(export, path, report) -> responses written, in the current locale.
    write: Callable[[Export, Path, Callable[[int, int], None]], int]
    #: check(survey, format): ValueError for a format the survey cannot be exported in.
    check: Callable[[object, ExportFormat], None]
    #: label(format): the format's words on the export pages.
    label: Callable[[ExportFormat], str]


def register_response_writer(app: Flask, writer: ResponseWriter) -> None:
    app.extensions[_RESPONSES] = writer


def response_writer() -> ResponseWriter:
    return current_app.extensions[_RESPONSES]


def request_export(user, town: Municipality, fmt: ExportFormat, subject: Subject | None = None,
                   since: date | None = None, until: date | None = None, crs: int = 4326,
                   grouping: str = "thema", locale: str = "de", survey=None) -> Export:
    """Record an export for `user` and queue the job that writes it (after the caller commits).

    `subject` None means every project and statute of `town`, between `since` and `until`. With `survey`
    (of `town`), the export holds that survey's sent responses instead of comments: a table, or for a
    survey with map questions GeoJSON or a GeoPackage; no subject, no days.
    """
    if survey is not None:
        if survey.municipality_id != town.id or subject is not None or since or until:
            raise ValueError("a survey's export is of the survey alone, in its own town")
        response_writer().check(survey, fmt)
    elif fmt.for_one_subject and subject is None:
        raise ValueError("a weighing table or report is made for one project or statute")
    export = Export(
        municipality_id=town.id, user_id=user.id, format=fmt, crs=crs, grouping=grouping, locale=locale,
        project_id=None if subject is None or is_statute(subject) else subject.id,
        statute_id=subject.id if subject is not None and is_statute(subject) else None,
        survey_id=survey.id if survey is not None else None,
        since=since, until=until,
        expires_at=utcnow() + timedelta(hours=retention_hours()))
    db.session.add(export)
    db.session.flush()
    export.job_id = enqueue(JOB, {"export_id": export.id}, user=user).id
    current_app.logger.info("Export %s (%s of %s) asked for by user %s", export.id, fmt, _scope_name(export),
                            user.id)
    return export


def _scope_name(export: Export) -> str:
    if export.survey_id is not None:
        return f"survey:{export.survey_id}"
    if export.project_id is not None:
        return f"project:{export.project_id}"
    if export.statute_id is not None:
        return f"statute:{export.statute_id}"
    return f"town:{export.municipality_id}"


def download_name(export: Export) -> str:
    """"beitraege-radweg-am-fluss-2026-12-01.xlsx" (in German): what, of which subject, made when; a survey's
    responses "umfrage-<title>-2026-12-01.csv"."""
    kind = {ExportFormat.WEIGHING_XLSX: _("weighing-table"), ExportFormat.WEIGHING_PDF: _("weighing-table"),
            ExportFormat.REPORT_PDF: _("participation-report")}.get(export.format, _("comments"))
    if export.survey is not None:
        kind, subject = _("survey"), export.survey.title
    elif export.subject is not None:
        subject = subject_title(export.subject)
    else:
        subject = export.municipality.name
    made = (export.created_at or utcnow()).astimezone(ZoneInfo(current_app.config["TIME_ZONE"])).date().isoformat()
    return f"{_slug(kind)}-{_slug(subject)[:60].strip('-')}-{made}.{EXTENSIONS[export.format]}"


def _slug(text: str) -> str:
    text = text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "export"


def write_export(ctx, export_id: int) -> dict:
    """Job "exports.write": write the export's file, reporting progress; the file appears under its
    stored name only when complete, so a crash leaves no half file behind a link."""
    export = db.session.get(Export, export_id)
    if export is None:
        raise JobFailed(N_("The export is gone."))
    folder().mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{EXTENSIONS[export.format]}"
    partial = folder() / f"part-{stored}"
    message = (N_("{done} of {total} responses written.") if export.survey_id is not None
               else N_("{done} of {total} comments written."))
    try:
        with force_locale(export.locale):
            written = write_file(export, partial, lambda done, total: ctx.progress(
                0.98 * done / max(1, total), message, done=done, total=total))
            export.filename = download_name(export)
        os.replace(partial, folder() / stored)
    except BaseException:
        partial.unlink(missing_ok=True)
        export.status = ExportStatus.FAILED
        db.session.commit()
        raise
    export.stored_name, export.rows, export.status = stored, written, ExportStatus.READY
    export.size = (folder() / stored).stat().st_size
    return {"export_id": export.id, "rows": written}


def write_file(export: Export, path: Path, report=lambda done, total: None) -> int:
    """Write `export`'s file to `path` in the current locale, calling `report(done, total)` as rows go out.
    Returns the number of comments and replies written (of responses, for a survey's export)."""
    if export.survey_id is not None or export.survey is not None:  # (a transient export has no ids yet)
        return response_writer().write(export, path, report)
    scope = rows.Scope(town=export.municipality, subject=export.subject, since=export.since, until=export.until)
    words = rows.Words(export.municipality.id, transformer=(
        Transformer.from_crs(4326, export.crs, always_xy=True) if export.crs != 4326 else None))
    comments, replies = rows.count_comments(scope)
    total = comments + (replies if export.format in (ExportFormat.XLSX, ExportFormat.CSV) else 0)
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        report(done, total)

    if export.format in (ExportFormat.WEIGHING_PDF, ExportFormat.REPORT_PDF):
        return pdf.write_pdf(export, path, report)
    fields = columns.comment_columns(export)
    if export.format is ExportFormat.CSV:
        table = fields + (columns.Column("reply_to", columns.REPLIES[1].header),)
        return tables.write_csv(path, table, chain(rows.comment_rows(scope, words), rows.reply_rows(scope, words)),
                                progress)
    if export.format is ExportFormat.XLSX:
        return tables.write_workbook(path, [
            (_("Comments"), fields, rows.comment_rows(scope, words), True),
            (_("Replies"), columns.REPLIES, rows.reply_rows(scope, words), True),
            (_("Answers of the town"), columns.ANSWERS, rows.answer_rows(scope, words), False),
            (_("Figures"), columns.FIGURES, rows.figure_rows(scope, words), False),
        ], progress)
    if export.format is ExportFormat.GEOJSON:
        return geodata.write_geojson(path, fields, rows.comment_rows(scope, words), progress)
    if export.format is ExportFormat.GPKG:
        return geodata.write_geopackage(path, fields, rows.comment_rows(scope, words), export.crs, progress)
    by_topic = export.grouping == "thema"
    no_topic = _("Without a paragraph") if is_statute(export.subject) else _("Without a category")
    return tables.write_grouped_workbook(path, _("Weighing table"), columns.WEIGHING,
                                         rows.weighing_rows(scope, words, by_topic, no_topic), progress)


def delete_export(export: Export) -> None:
    """Remove the export's row and, once the caller commits, its file."""
    stored = path_of(export) if export.stored_name else None
    db.session.delete(export)
    if stored is not None:
        after_commit(lambda: stored.unlink(missing_ok=True), key=("export-file", export.id))


def remove_expired() -> int:
    """Periodic task: delete exports past their time, files first, and files no export points to any more
    (an export deleted while its job was still writing). Returns how many exports went."""
    expired = list(db.session.scalars(select(Export).where(Export.expires_at < utcnow())))
    for export in expired:
        if export.stored_name:
            path_of(export).unlink(missing_ok=True)
        db.session.delete(export)
    if expired:
        current_app.logger.info("Removed %s expired exports", len(expired))
    _remove_orphans()
    return len(expired)


def _remove_orphans() -> None:
    if not folder().is_dir():
        return
    known = set(db.session.scalars(select(Export.stored_name).where(Export.stored_name != "")))
    # A file being written has no row pointing at it yet: only files older than any job may go.
    oldest = time.time() - current_app.config["JOB_TIMEOUT_SECONDS"] - 3600
    for path in folder().iterdir():
        name = path.name.removeprefix("part-")
        if path.stat().st_mtime >= oldest:
            continue
        if name not in known and path.is_file():
            path.unlink(missing_ok=True)
            current_app.logger.info("Removed the export file %s that no export points to", path.name)
        elif path.is_dir() and path.name.startswith("pdf-"):  # a PDF's work folder left by a killed worker
            shutil.rmtree(path, ignore_errors=True)
            current_app.logger.info("Removed the PDF work folder %s left behind", path.name)


def subject_choices(town: Municipality) -> list[tuple[str, Subject]]:
    """("project:3", project) and ("statute:5", statute) for every project and statute of `town`."""
    projects = db.session.scalars(select(Project).where(Project.municipality_id == town.id)
                                  .order_by(Project.title))
    statutes = db.session.scalars(select(Statute).where(Statute.municipality_id == town.id)
                                  .order_by(Statute.number, Statute.title))
    return [(f"project:{p.id}", p) for p in projects] + [(f"statute:{s.id}", s) for s in statutes]
