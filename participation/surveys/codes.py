"""One-time access codes for letters to households: batches ("series"), the form that makes one, and the
files a planner prints them from — a CSV list and a PDF sheet of slips to cut out.

Codes are secrets until used: the files are sent with ``no-store``, and who made or downloaded a series
goes to the log. The sheet is laid out by `participation.exports.pdfrender` in a child process, as the
council's PDFs are: WeasyPrint reads only the app's fonts, nothing over the network, and a child that
takes too long is stopped. That takes a minute or more for a large series, so it is done by a background
job (`participation.surveys.code_sheets`), never in a request.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import format_number, get_locale, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import case, func, select
from wtforms import IntegerField
from wtforms.validators import StopValidation, ValidationError

from participation.exports.pdf import CHILD_ENVIRONMENT, PYTHON, ROOT, css_string, fonts_folder
from participation.extensions import db
from participation.surveys.models import AccessCode, Survey
from participation.surveys.responding import make_codes, show_code
from participation.web.mail import external_url

#: The most codes one series may have (a mailing to a district; more in several series).
MAX_BATCH = 2000
#: Slips on an A4 sheet: two columns of four.
SLIPS_PER_PAGE = 8
#: How long the renderer may take for one sheet (in a job). 2 000 codes (250 pages) need about 35 s of CPU;
#: on a busy server that was 80–95 s.
SHEET_TIMEOUT_SECONDS = 300


class SheetFailed(Exception):
    """The PDF renderer failed or ran out of time (its error output is in the log)."""


@dataclass(frozen=True)
class Batch:
    number: int
    made: datetime
    codes: int
    used: int

    @property
    def unused(self) -> int:
        return self.codes - self.used


def batches(survey: Survey) -> list[Batch]:
    """The survey's series of codes, oldest first, with how many of their codes have been used."""
    rows = db.session.execute(
        select(AccessCode.batch, func.min(AccessCode.created_at), func.count(AccessCode.id),
               func.coalesce(func.sum(case((AccessCode.used.is_(True), 1), else_=0)), 0))
        .where(AccessCode.survey_id == survey.series).group_by(AccessCode.batch).order_by(AccessCode.batch))
    return [Batch(number, made, int(count), int(used)) for number, made, count, used in rows]


def has_batch(survey: Survey, batch: int) -> bool:
    return db.session.scalar(select(AccessCode.id).where(
        AccessCode.survey_id == survey.series, AccessCode.batch == batch).limit(1)) is not None


def batch_codes(survey: Survey, batch: int) -> list[AccessCode]:
    """The codes of one series in the order they were made (the order of the sheet and the list)."""
    return list(db.session.scalars(select(AccessCode).where(
        AccessCode.survey_id == survey.series, AccessCode.batch == batch).order_by(AccessCode.id)))


def add_batch(survey: Survey, count: int, user) -> int:
    """Make `count` new codes for `survey` as a new series; returns its number. The caller commits."""
    if not 1 <= count <= MAX_BATCH:
        raise ValueError(f"a series has 1 to {MAX_BATCH} codes, not {count}")
    batch = make_codes(survey, count)
    current_app.logger.info("User %s made series %s of %s access codes for survey %s",
                            getattr(user, "id", None), batch, count, survey.id)
    return batch


def log_download(survey: Survey, batch: int, kind: str, user) -> None:
    """Who took a series' codes out of the app, and in which form."""
    current_app.logger.info("User %s downloaded series %s of the access codes of survey %s as %s",
                            getattr(user, "id", None), batch, survey.id, kind)


def survey_address(survey: Survey) -> str:
    """The survey's page as printed on the letter: absolute, from BASE_URL (never the request's host)."""
    return external_url("surveys.show", slug=survey.municipality.slug, survey_id=survey.id)


def download_name(survey: Survey, batch: int, extension: str) -> str:
    """"zugangscodes-umfrage-12-serie-3.pdf" (in German)."""
    return _("access-codes-survey-{survey}-series-{batch}").format(survey=survey.id, batch=batch) + "." + extension


def codes_csv(codes: list[AccessCode]) -> bytes:
    """The codes as printed, whether used, and their series: CSV in UTF-8 with a byte-order mark (Excel
    needs it for umlauts in the header), CRLF, as participation.exports.tables writes."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, dialect="excel", lineterminator="\r\n")
    writer.writerow([_("Access code"), _("Used"), _("Series")])
    yes, no = _("yes"), _("no")
    writer.writerows([show_code(code.code), yes if code.used else no, code.batch] for code in codes)
    return stream.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class SheetSource:
    """A sheet's HTML and what its PDF says of itself, made in the locale of the moment."""

    html: str
    title: str
    author: str
    lang: str
    slips: int


def code_sheet_source(survey: Survey, batch: int, codes: list[AccessCode], address: str) -> SheetSource:
    """A4 pages of `SLIPS_PER_PAGE` slips to cut out, each with the town, the survey, its address and one
    code, as HTML in the current locale (`write_code_sheet` lays it out)."""
    codes_shown = [show_code(code.code) for code in codes]
    pages = [codes_shown[start:start + SLIPS_PER_PAGE] for start in range(0, len(codes_shown), SLIPS_PER_PAGE)]
    town = survey.municipality.name
    lang = str(get_locale() or "de")
    header = _("{town} · {survey} · access codes, series {batch}").format(town=town, survey=survey.title, batch=batch)
    html = current_app.jinja_env.get_template("surveys/pdf/code_sheet.html").render(
        lang=lang, town=town, survey_title=survey.title, address=address, batch=batch,
        pages=pages, fonts=fonts_folder().as_uri(), header=css_string(header),
        page_number=_page_number(_("Page {page} of {pages}")))
    return SheetSource(html=html, title=header, author=town, lang=lang, slips=len(codes))


def write_code_sheet(source: SheetSource, out: Path, report=lambda page, pages: None) -> int:
    """Lay `source` out into `out` as a tagged PDF (PDF/UA-1); returns its number of pages. Raises
    SheetFailed. `report(page, pages)` is called as pages are laid out (page 0: the PDF is being written).

    The HTML and the manifest go to a work folder beside `out` ("work-…"), removed at the end; one that a
    killed worker leaves behind goes with the periodic clean-up (`code_sheets.remove_expired`)."""
    with tempfile.TemporaryDirectory(prefix="work-", dir=out.parent) as work:
        html = Path(work) / "sheet.html"
        html.write_text(source.html, encoding="utf-8")
        manifest = Path(work) / "manifest.json"
        manifest.write_text(json.dumps({
            "parts": [{"html": str(html), "rows": source.slips}], "out": str(out), "work": work,
            "folders": [str(fonts_folder())], "lang": source.lang,
            "title": source.title, "author": source.author}), encoding="utf-8")
        return _render(manifest, Path(work) / "errors.log", -(-source.slips // SLIPS_PER_PAGE), report)


def _page_number(text: str) -> str:
    """A translated "Page {page} of {pages}" as the value of a CSS `content`, with the page counters."""
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    pieces = re.split(r"(\{pages?\})", text)
    return " ".join(counters.get(piece) or f'"{css_string(piece)}"' for piece in pieces if piece)


def _render(manifest: Path, errors: Path, pages: int, report) -> int:
    """Lay the sheet out in a child process that sees none of the app's settings, passing on its progress;
    stop it when its time is up or when the job ends otherwise. Returns the number of pages it reports."""
    command = [PYTHON, "-m", "participation.exports.pdfrender", "layout", str(manifest)]
    environment = {key: os.environ[key] for key in CHILD_ENVIRONMENT if key in os.environ}
    out_of_time = threading.Event()
    summary = ""
    with errors.open("w", encoding="utf-8") as error_file, subprocess.Popen(  # noqa: S603 - argument list, no shell
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=error_file, text=True,
            env={**environment, "PYTHONPATH": str(ROOT)}) as child:
        deadline = threading.Timer(SHEET_TIMEOUT_SECONDS, lambda: (out_of_time.set(), child.kill()))
        deadline.start()
        try:
            for line in child.stdout:
                if line.startswith("page "):
                    report(int(line.split()[1]), pages)
                elif line.startswith("writing"):
                    report(0, pages)
                elif line.startswith("pages "):
                    summary = line.strip()
        except BaseException:
            child.kill()
            raise
        finally:
            deadline.cancel()
    if out_of_time.is_set():
        current_app.logger.error("The code sheet took longer than %s s and was stopped", SHEET_TIMEOUT_SECONDS)
        raise SheetFailed()
    if child.returncode != 0:
        current_app.logger.error("The code sheet renderer failed (exit %s): %s", child.returncode,
                                 errors.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise SheetFailed()
    current_app.logger.info("Code sheet laid out: %s", summary)
    return int(summary.split()[1]) if summary else 0


class CountField(IntegerField):
    """A whole number; text that is none gets one clear message instead of WTForms' own and a range error."""

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None  # empty: the validator asks for a number
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Enter a whole number, such as 500.")) from None

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()


def _within_batch(form, field) -> None:
    if field.data is None:
        raise StopValidation(_("Enter how many codes to make."))
    if not 1 <= field.data <= MAX_BATCH:
        raise ValidationError(_("A series has from %(low)s to %(high)s codes.",
                                low=format_number(1), high=format_number(MAX_BATCH)))


#: For the input: marked required (no "optional" beside the label) and limited in the browser too.
_within_batch.field_flags = {"required": True, "min": 1, "max": MAX_BATCH}


class CodeBatchForm(FlaskForm):
    count = CountField(_l("Number of new codes"), validators=[_within_batch])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count.description = _("One code per household. Up to %(max)s codes per series; for a larger "
                                   "mailing make several series.", max=format_number(MAX_BATCH))
