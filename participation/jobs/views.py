from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.extensions import db
from participation.jobs import services
from participation.jobs.models import Job, JobStatus
from participation.jobs.permissions import can_view_job
from participation.web.i18n import translated

bp = Blueprint("jobs", __name__, url_prefix="/auftraege")


def _get_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)  # ids beyond the id range never reach a view (web.input_guard)
    if job is None or not can_view_job(current_user, job):
        abort(404)
    return job


def job_state(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status.value,
        "progress": round(job.progress, 3),
        "message": translated(job.message, job.message_params),
        "done": job.is_done,
        "result": job.result if job.status is JobStatus.FINISHED else None,
    }


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    job = _get_job(job_id)
    return render_template("jobs/show.html", job=job, state=job_state(job))


@bp.get("/<int:job_id>/status")
@login_required
def status(job_id: int):
    return jsonify(job_state(_get_job(job_id)))


@bp.post("/<int:job_id>/erneut")
@login_required
def retry(job_id: int):
    job = _get_job(job_id)
    if job.status is not JobStatus.FAILED:
        abort(409)
    services.retry(job)
    db.session.commit()
    flash(_("The job has been queued again."), "success")
    return redirect(url_for("jobs.show", job_id=job.id))
