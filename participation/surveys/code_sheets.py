"""The sheet of a series of access codes to print, made by a background job.

A planner asks for it (`request_sheet`); the job "surveys.code_sheet" (`write_sheet`) lays the slips out
with WeasyPrint in a child process (`codes.write_code_sheet`; 2 000 codes, 250 pages, take a minute or
more) and leaves the PDF under ``UPLOAD_FOLDER/code-sheets/`` with a random name. It is written as
``part-<name>`` and renamed when complete, so a killed job leaves no half file behind a link.

There is no table: the job is the record. Its payload names the survey, the series and the language,
its user is the planner who asked (the only one who may fetch the sheet: it holds codes that open the
survey), its result the stored name, the pages and the slips. A sheet expires after
EXPORT_RETENTION_HOURS, as exports do; the periodic task `remove_expired` deletes its file.
"""
from __future__ import annotations

import enum
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from geo.errors import N_
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.jobs.registry import JobFailed
from participation.jobs.services import enqueue
from participation.surveys import codes
from participation.surveys.models import Survey
from participation.web.i18n import translated

JOB = "surveys.code_sheet"
CLEAN_TASK = "surveys-code-sheets-expired"
#: How many of a planner's latest sheet jobs of one survey the codes page looks through.
SCAN = 200
#: The names the job gives its files: a result that names anything else points to no file.
STORED_NAME = re.compile(r"[0-9a-f]{32}\.pdf")


class SheetState(enum.StrEnum):
    WAITING = "waiting"  # queued or being laid out
    FAILED = "failed"
    READY = "ready"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Sheet:
    """A sheet job as the planner sees it."""

    job: Job
    state: SheetState
    #: When the file goes (for a finished job).
    expires_at: datetime | None

    @property
    def message(self) -> str:
        """What the job last said (why it failed), in the reader's language."""
        return translated(self.job.message, self.job.message_params)

    @property
    def pages(self) -> int:
        return int((self.job.result or {}).get("pages", 0))

    @property
    def size(self) -> int:
        return int((self.job.result or {}).get("size", 0))


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "code-sheets"


def retention_hours() -> int:
    """How long a sheet is kept: as long as an export."""
    return int(current_app.config["EXPORT_RETENTION_HOURS"])


def retention() -> timedelta:
    return timedelta(hours=retention_hours())


def path_of(job: Job) -> Path | None:
    """Where a finished sheet job left its file (whether or not it is still there)."""
    stored = (job.result or {}).get("stored_name") if job.status is JobStatus.FINISHED else None
    return folder() / stored if isinstance(stored, str) and STORED_NAME.fullmatch(stored) else None


def sheet_of(job: Job) -> Sheet:
    if job.status is JobStatus.FAILED:
        return Sheet(job, SheetState.FAILED, None)
    if job.status is not JobStatus.FINISHED:
        return Sheet(job, SheetState.WAITING, None)
    expires_at = (job.finished_at or utcnow()) + retention()
    return Sheet(job, SheetState.READY if expires_at > utcnow() else SheetState.EXPIRED, expires_at)


def _payload_of(job: Job) -> tuple[object, object]:
    payload = job.payload or {}
    return payload.get("survey_id"), payload.get("batch")


def sheets(survey: Survey, user) -> dict[int, Sheet]:
    """The latest sheet `user` asked for of each series of `survey`, by series."""
    jobs = db.session.scalars(
        select(Job).where(Job.kind == JOB, Job.user_id == user.id,
                          Job.payload["survey_id"].as_integer() == survey.id)
        .order_by(Job.id.desc()).limit(SCAN))
    latest: dict[int, Sheet] = {}
    for job in jobs:
        survey_id, batch = _payload_of(job)
        if survey_id == survey.id and isinstance(batch, int) and batch not in latest:
            latest[batch] = sheet_of(job)
    return latest


def own_sheet(job: Job | None, survey: Survey, batch: int, user) -> Sheet | None:
    """`job` as a sheet of `survey`'s series `batch`, if it is one and `user` asked for it; else None."""
    if (job is None or job.kind != JOB or job.user_id is None or job.user_id != getattr(user, "id", None)
            or _payload_of(job) != (survey.id, batch)):
        return None
    return sheet_of(job)


def request_sheet(user, survey: Survey, batch: int, locale: str) -> Job:
    """Queue the job that makes the sheet of `survey`'s series `batch` for `user`, in `locale` (handed to a
    worker when the caller commits). While the user's last sheet of the series is still being made, that
    job is returned instead of a second one."""
    current = sheets(survey, user).get(batch)
    if current is not None and current.state is SheetState.WAITING:
        return current.job
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    job = enqueue(JOB, {"survey_id": survey.id, "batch": batch, "locale": locale}, user=user)
    current_app.logger.info("User %s asked for the sheet of series %s of the access codes of survey %s (job %s)",
                            user.id, batch, survey.id, job.id)
    return job


def write_sheet(ctx, survey_id: int, batch: int, locale: str = "de") -> dict:
    """Job "surveys.code_sheet": lay out the series' sheet and leave it in `folder()` under a random name,
    which appears only when the file is complete. Returns the stored name, pages, slips and size."""
    survey = db.session.get(Survey, survey_id)
    found = codes.batch_codes(survey, batch) if survey is not None else []
    if not found:
        raise JobFailed(N_("The series of codes is gone."))
    ctx.progress(0.05, N_("Laying out the slips …"))
    with force_locale(locale):
        source = codes.code_sheet_source(survey, batch, found, codes.survey_address(survey))
    db.session.commit()  # nothing written: ends the read transaction, which the minute of layout need not hold
    folder().mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.pdf"
    partial = folder() / f"part-{stored}"
    shown = [0.0]

    def report(page: int, pages: int) -> None:
        """At most one progress write a second: the pages of a large sheet come by the dozen."""
        if time.monotonic() - shown[0] < 1.0 and page:
            return
        shown[0] = time.monotonic()
        if page:
            ctx.progress(0.25 + 0.35 * min(page, pages) / max(1, pages), N_("Page {page} of {pages} laid out …"),
                         page=page, pages=pages)
        else:
            ctx.progress(0.65, N_("Writing the PDF …"))

    try:
        pages = codes.write_code_sheet(source, partial, report)
        os.replace(partial, folder() / stored)
    except codes.SheetFailed:
        raise JobFailed(N_("The sheet could not be made. Please try again later, or use the CSV list.")) from None
    finally:
        partial.unlink(missing_ok=True)
    return {"stored_name": stored, "pages": pages, "slips": source.slips, "size": (folder() / stored).stat().st_size}


def remove_expired() -> int:
    """Periodic task: delete the sheets past their time, and what a killed job left behind (a "part-" file, a
    "work-" folder) once no job can still be writing it. Returns how many sheets went.

    By the files' times, so that the task needs no query and sheets of jobs since deleted go too. A sheet's
    file is written just before its job ends, so it never goes before the link on the page has expired."""
    if not folder().is_dir():
        return 0
    now = time.time()
    expired_before = now - retention().total_seconds()
    abandoned_before = now - current_app.config["JOB_TIMEOUT_SECONDS"] - 3600
    removed = 0
    for path in folder().iterdir():
        try:
            made = path.stat().st_mtime
        except FileNotFoundError:  # removed by another worker's run of this task
            continue
        if path.name.startswith(("part-", "work-")):
            if made < abandoned_before:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                current_app.logger.info("Removed %s, left behind by a code sheet job", path.name)
        elif made < expired_before and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        current_app.logger.info("Removed %s expired code sheets", removed)
    return removed
