"""The XPlanGML import page: upload a plan, follow its import job, read the report.

The blueprint also brings the import's job type and ``flask statutes`` (registered with the app).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import ValidationError

from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.jobs.registry import register_job_type
from participation.jobs.views import job_state
from participation.loaders import get_by_id, get_municipality
from participation.municipalities.models import Municipality
from participation.statutes.cli import statutes as statutes_cli
from participation.statutes.models import Statute
from participation.statutes.permissions import can_import_xplan, can_view_statute
from participation.statutes.xplan_import import IMPORT_JOB, UPLOAD_SUFFIXES, run_import, start_import, warning_text

bp = Blueprint("statute_import", __name__)


def _register(state: BlueprintSetupState) -> None:
    register_job_type(state.app, IMPORT_JOB, run_import)
    state.app.cli.add_command(statutes_cli)


#: The job type and the CLI come with the blueprint, so the statutes feature lists one thing per part.
bp.record_once(_register)


@bp.url_value_preprocessor
def _allow_plan_sized_bodies(endpoint: str | None, values: dict | None) -> None:
    # A plan archive is as large as a layer upload; raised before the CSRF check reads the form
    # (see layers.uploads.views).
    if endpoint == "statute_import.new":
        request.max_content_length = current_app.config["LAYER_UPLOAD_MAX_BYTES"]


class ImportForm(FlaskForm):
    file = FileField(_l("XPlanGML file"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("An XPlanGML file (.gml, versions 4.1, 5.0 to 5.4 and 6.0) or an XPlanArchiv "
                                    "(.zip with the plan, its scans, texts and raster plans)."))

    def validate_file(self, field) -> None:
        if Path(field.data.filename or "").suffix.lower() not in UPLOAD_SUFFIXES:
            raise ValidationError(_l("Choose an XPlanGML file (.gml) or an XPlanArchiv (.zip)."))


def _import_job(town: Municipality, job_id: int) -> Job:
    """The import job of this town, or 404."""
    job = get_by_id(Job, job_id)
    if job is None or job.kind != IMPORT_JOB or (job.payload or {}).get("town_id") != town.id:
        abort(404)
    return job


@bp.route("/<slug>/satzungen/import", methods=["GET", "POST"])
@login_required
def new(slug: str):
    town = get_municipality(slug, can_import_xplan)
    form = ImportForm()
    if form.validate_on_submit():
        file = form.file.data
        job = start_import(town, file.stream, file.filename or "plan.gml", current_user)
        db.session.commit()
        return redirect(url_for("statute_import.show", slug=town.slug, job_id=job.id))
    return render_template("statutes/import.html", town=town, form=form,
                           max_mb=current_app.config["LAYER_UPLOAD_MAX_BYTES"] // 2**20)


@bp.get("/<slug>/satzungen/import/<int:job_id>")
@login_required
def show(slug: str, job_id: int):
    town = get_municipality(slug, can_import_xplan)
    job = _import_job(town, job_id)
    result = job.result if job.status is JobStatus.FINISHED else None
    statute = db.session.get(Statute, result["statute_id"]) if result else None
    return render_template(
        "statutes/import_status.html", town=town, job=job, state=job_state(job), result=result, statute=statute,
        statute_visible=statute is not None and can_view_statute(current_user, statute),
        original_name=(job.payload or {}).get("original_name", ""),
        period=[date.fromisoformat(day) for day in result["period"]] if result and result.get("period") else None,
        warnings=[warning_text(message, params, _) for message, params in (result or {}).get("warnings", [])],
    )


@bp.get("/<slug>/satzungen/import/<int:job_id>/status")
@login_required
def progress(slug: str, job_id: int):
    town = get_municipality(slug, can_import_xplan)
    return jsonify(job_state(_import_job(town, job_id)))
