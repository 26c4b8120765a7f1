"""The GIS team's page for the town's address list: upload a new one, follow its import, see the figures."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from participation.accounts.models import User
from participation.addresses import queries, services
from participation.addresses.forms import AddressUploadForm
from participation.addresses.permissions import can_manage_addresses
from participation.extensions import db
from participation.jobs.models import Job
from participation.jobs.views import job_state
from participation.loaders import get_by_id, get_municipality
from participation.municipalities.models import Municipality

bp = Blueprint("addresses", __name__)

#: The endpoints that take a whole address list; every other route keeps the app-wide MAX_CONTENT_LENGTH.
_FILE_SIZED = {"addresses.index"}


@bp.url_value_preprocessor
def _allow_file_sized_bodies(endpoint: str | None, values: dict | None) -> None:
    # As for layer uploads: raised before the CSRF check reads the form.
    if endpoint in _FILE_SIZED and request.method == "POST":
        request.max_content_length = current_app.config["LAYER_UPLOAD_MAX_BYTES"]


def _import_job(town: Municipality, job_id: int) -> Job:
    job = get_by_id(Job, job_id)
    if job is None or job.kind != services.IMPORT_JOB or (job.payload or {}).get("town_id") != town.id:
        abort(404)
    return job


@bp.route("/<slug>/adressen", methods=["GET", "POST"])
@login_required
def index(slug: str):
    town = get_municipality(slug, can_manage_addresses)
    form = AddressUploadForm()
    if form.validate_on_submit():
        file = form.file.data
        job = services.start_import(town, file.stream, file.filename or "upload", current_user,
                                    crs=int(form.crs.data) if form.crs.data else None)
        db.session.commit()
        return redirect(url_for("addresses.show_import", slug=town.slug, job_id=job.id))
    current = queries.address_list(town)
    importer = db.session.get(User, current.imported_by_id) if current and current.imported_by_id else None
    imports = [(job, job_state(job)) for job in queries.recent_imports(town, services.IMPORT_JOB)]
    return render_template("addresses/index.html", town=town, form=form, address_list=current, importer=importer,
                           imports=imports, max_mb=current_app.config["LAYER_UPLOAD_MAX_BYTES"] // 2**20,
                           ), 400 if form.errors else 200


@bp.get("/<slug>/adressen/import/<int:job_id>")
@login_required
def show_import(slug: str, job_id: int):
    town = get_municipality(slug, can_manage_addresses)
    job = _import_job(town, job_id)
    return render_template("addresses/import.html", town=town, job=job, state=job_state(job),
                           address_list=queries.address_list(town))


@bp.get("/<slug>/adressen/import/<int:job_id>/status")
@login_required
def import_status(slug: str, job_id: int):
    town = get_municipality(slug, can_manage_addresses)
    return jsonify(job_state(_import_job(town, job_id)))
