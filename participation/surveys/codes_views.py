"""The planners' page of a survey's one-time access codes: its series, making a new one, and each series as
a CSV list (at once) and a PDF sheet of slips for the letters (made by a job, followed on a page of its own,
fetched only by the planner who asked for it)."""
from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_login import current_user, login_required

from participation.extensions import db
from participation.jobs.models import Job
from participation.jobs.views import job_state
from participation.loaders import MAX_ID, get_by_id, get_managed_survey
from participation.statutes.documents import format_size
from participation.surveys import code_sheets, codes
from participation.surveys.models import Access
from participation.web import feedback
from participation.web.feedback import flash_at

bp = Blueprint("survey_codes", __name__)
#: Where the page shows what became of making a series.
LIST_TARGET = "code-series"


@bp.record_once
def _show_feedback(state) -> None:
    feedback.register_targets(state.app, lambda context: [LIST_TARGET] if "code_batches" in context else [])



def _batch_codes(survey, batch: int):
    found = codes.batch_codes(survey, batch) if 1 <= batch <= MAX_ID else []
    if not found:
        abort(404)
    return found


def _secret_file(data: bytes | Path, mimetype: str, survey, batch: int, extension: str):
    """Codes open the survey: the file is an attachment no cache keeps."""
    response = send_file(io.BytesIO(data) if isinstance(data, bytes) else data, mimetype=mimetype,
                         as_attachment=True, max_age=0, etag=False, conditional=False,
                         download_name=codes.download_name(survey, batch, extension))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<slug>/umfragen/<int:survey_id>/zugangscodes", methods=["GET", "POST"])
@login_required
def index(slug: str, survey_id: int):
    town, survey = get_managed_survey(slug, survey_id)
    form = codes.CodeBatchForm()
    if form.validate_on_submit():
        batch = codes.add_batch(survey, form.count.data, current_user)
        db.session.commit()
        flash_at(LIST_TARGET, ngettext("Series %(batch)s with %(num)d code made.",
                                       "Series %(batch)s with %(num)d codes made.", form.count.data, batch=batch))
        return redirect(url_for("survey_codes.index", slug=town.slug, survey_id=survey.id, _anchor=LIST_TARGET))
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/codes.html", town=town, survey=survey, form=form,
                           code_batches=codes.batches(survey), address=codes.survey_address(survey),
                           codes_open_it=survey.access is Access.CODE, slips_per_page=codes.SLIPS_PER_PAGE,
                           sheets=code_sheets.sheets(survey, current_user),
                           retention_hours=code_sheets.retention_hours()), status


@bp.get("/<slug>/umfragen/<int:survey_id>/zugangscodes/<int:batch>.csv")
@login_required
def batch_csv(slug: str, survey_id: int, batch: int):
    _town, survey = get_managed_survey(slug, survey_id)
    found = _batch_codes(survey, batch)
    codes.log_download(survey, batch, "CSV", current_user)
    return _secret_file(codes.codes_csv(found), "text/csv; charset=utf-8", survey, batch, "csv")


@bp.post("/<slug>/umfragen/<int:survey_id>/zugangscodes/<int:batch>/bogen")
@login_required
def make_sheet(slug: str, survey_id: int, batch: int):
    """Queue the job that makes the series' sheet to print, and follow it on its page."""
    town, survey = get_managed_survey(slug, survey_id)
    if not (1 <= batch <= MAX_ID and codes.has_batch(survey, batch)):
        abort(404)
    job = code_sheets.request_sheet(current_user, survey, batch, str(get_locale() or "de"))
    db.session.commit()
    return redirect(url_for("survey_codes.sheet", slug=town.slug, survey_id=survey.id, batch=batch, job_id=job.id))


def _own_sheet(survey, batch: int, job_id: int) -> code_sheets.Sheet:
    """The sheet job `job_id` of this survey's series, asked for by the current user; else 404."""
    sheet = code_sheets.own_sheet(get_by_id(Job, job_id), survey, batch, current_user)
    if sheet is None:
        abort(404)
    return sheet


@bp.get("/<slug>/umfragen/<int:survey_id>/zugangscodes/<int:batch>/bogen/<int:job_id>")
@login_required
def sheet(slug: str, survey_id: int, batch: int, job_id: int):
    town, survey = get_managed_survey(slug, survey_id)
    found = _own_sheet(survey, batch, job_id)
    return render_template("surveys/code_sheet.html", town=town, survey=survey, batch=batch, sheet=found,
                           state=job_state(found.job), size=format_size(found.size),
                           filename=codes.download_name(survey, batch, "pdf"))


@bp.get("/<slug>/umfragen/<int:survey_id>/zugangscodes/<int:batch>/bogen/<int:job_id>.pdf")
@login_required
def sheet_pdf(slug: str, survey_id: int, batch: int, job_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    found = _own_sheet(survey, batch, job_id)
    if found.state is code_sheets.SheetState.EXPIRED:
        abort(410)  # the link is dead for good
    path = code_sheets.path_of(found.job) if found.state is code_sheets.SheetState.READY else None
    if path is None:
        abort(404)
    if not path.is_file():
        abort(410)
    codes.log_download(survey, batch, "PDF", current_user)
    return _secret_file(path, "application/pdf", survey, batch, "pdf")
