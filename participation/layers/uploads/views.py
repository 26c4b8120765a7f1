"""Uploading a layer in the browser: the file, the check's progress, choices, review, publish or discard."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from geo.layers import crs_label
from participation.extensions import db
from participation.jobs.views import job_state
from participation.layers.drawing import draw_layers
from participation.layers.permissions import can_manage_layers
from participation.layers.uploads import services
from participation.layers.uploads.forms import ChoiceForm, NewVersionForm, UploadForm
from participation.layers.models import LayerVersion
from participation.layers.uploads.models import LayerUpload, UploadStatus
from participation.loaders import get_layer, get_layer_upload, get_municipality
from participation.municipalities.models import Municipality
from participation.web.folium_maps import format_distance, overview_map
from participation.web.i18n import translated

bp = Blueprint("layer_uploads", __name__)

#: The endpoints that take a whole GIS file; every other route keeps the app-wide MAX_CONTENT_LENGTH.
_LAYER_SIZED = {"layer_uploads.new"}


@bp.url_value_preprocessor
def _allow_layer_sized_bodies(endpoint: str | None, values: dict | None) -> None:
    # Layers are larger than anything else residents or planners send. The limit must be raised before
    # the body is read, and the CSRF check (a before_request function) reads the form; URL value
    # preprocessors run before every before_request function, the app's own included.
    if endpoint in _LAYER_SIZED:
        request.max_content_length = current_app.config["LAYER_UPLOAD_MAX_BYTES"]


@bp.route("/<slug>/gis/ebenen/hochladen", methods=["GET", "POST"])
@login_required
def new(slug: str):
    town = get_municipality(slug, can_manage_layers)
    layer_id = request.args.get("ebene", type=int)
    layer = get_layer(town, layer_id) if layer_id is not None else None
    form = NewVersionForm() if layer else UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        name = layer.name if layer else form.name.data
        metadata = {} if layer else {"description": form.description.data or "", "source": form.source.data or "",
                                     "attribution": form.attribution.data or ""}
        item = services.start_upload(town, file.stream, file.filename or "upload", name=name, user=current_user,
                                     layer=layer, crs=int(form.crs.data) if form.crs.data else None, **metadata)
        db.session.commit()
        return redirect(url_for("layer_uploads.show", slug=town.slug, upload_id=item.id))
    return render_template("layers/uploads/upload.html", town=town, form=form, layer=layer,
                           max_mb=current_app.config["LAYER_UPLOAD_MAX_BYTES"] // 2**20)


def _choice_form(upload: LayerUpload) -> ChoiceForm:
    form = ChoiceForm()
    layers = upload.choices.get("layers") or []
    form.source_layer.choices = [(item["key"], item["key"]) for item in layers]
    form.crs.choices = [(str(code), crs_label(code)) for code in upload.choices.get("crs") or []]
    suggested = upload.choices.get("suggested") or []
    if not form.is_submitted() and suggested:
        form.crs.data = str(suggested[0])
    return form


@bp.get("/<slug>/gis/hochladen/<int:upload_id>")
@login_required
def show(slug: str, upload_id: int):
    town = get_municipality(slug, can_manage_layers)
    item = get_layer_upload(town, upload_id)
    version = item.version
    drawing = draw_layers([(version.layer, True)], preview=version) if version is not None else None
    bounds = drawing.configs[0].get("bounds") if drawing and drawing.configs else None
    return render_template(
        "layers/uploads/status.html", town=town, upload=item, version=version, report=version.report if version else None,
        message=translated(item.message, item.message_params), form=_choice_form(item), drawing=drawing,
        map=overview_map(tuple(bounds) if bounds else None), job=job_state(item.job) if item.job else None,
        far_away=_far_away_warning(town, version) if item.status is UploadStatus.READY else None,
    )


def _far_away_warning(town: Municipality, version: LayerVersion | None) -> str | None:
    """The reviewer's hint that the layer lies far from the town, or None."""
    if version is None:
        return None
    far = services.distance_from_town(town, (version.report or {}).get("extent"))
    if far is None:
        return None
    where, km = far
    if where == "boundary":
        return _("The layer lies outside the town's boundary (about %(distance)s away). Is this the right file "
                 "and coordinate system?", distance=format_distance(km * 1000))
    return _("The layer lies about %(distance)s from the town's project areas. Is this the right file and "
             "coordinate system?", distance=format_distance(km * 1000))


@bp.post("/<slug>/gis/hochladen/<int:upload_id>/erneut-pruefen")
@login_required
def recheck(slug: str, upload_id: int):
    """Check again after the job itself broke down (e.g. its worker was lost)."""
    town = get_municipality(slug, can_manage_layers)
    item = get_layer_upload(town, upload_id)
    if not (item.status is UploadStatus.CHECKING and item.job is not None and item.job.status.value == "failed"):
        abort(409)
    services.recheck(item, current_user)
    db.session.commit()
    return redirect(url_for("layer_uploads.show", slug=town.slug, upload_id=item.id))


@bp.get("/<slug>/gis/hochladen/<int:upload_id>/status")
@login_required
def progress(slug: str, upload_id: int):
    item = get_layer_upload(get_municipality(slug, can_manage_layers), upload_id)
    state = job_state(item.job) if item.job else {"status": "finished", "progress": 1.0, "message": "", "done": True}
    # The page reloads once the upload has left "checking" (ready, a choice, or a refusal).
    state["done"] = item.status is not UploadStatus.CHECKING or state["status"] == "failed"
    return jsonify(state)


@bp.post("/<slug>/gis/hochladen/<int:upload_id>/auswahl")
@login_required
def choose(slug: str, upload_id: int):
    town = get_municipality(slug, can_manage_layers)
    item = get_layer_upload(town, upload_id)
    if item.status is not UploadStatus.NEEDS_CHOICE:
        abort(409)
    form = _choice_form(item)
    needs_layer, needs_crs = bool(item.choices.get("layers")), bool(item.choices.get("crs"))
    if form.validate_on_submit() and (form.source_layer.data or not needs_layer) and (form.crs.data or not needs_crs):
        services.choose(item, current_user, source_layer=form.source_layer.data if needs_layer else None,
                        crs=int(form.crs.data) if needs_crs else None)
        db.session.commit()
        return redirect(url_for("layer_uploads.show", slug=town.slug, upload_id=item.id))
    flash(_("Please choose one of the options."), "danger")
    return redirect(url_for("layer_uploads.show", slug=town.slug, upload_id=item.id))


@bp.post("/<slug>/gis/hochladen/<int:upload_id>/veroeffentlichen")
@login_required
def publish(slug: str, upload_id: int):
    town = get_municipality(slug, can_manage_layers)
    item = get_layer_upload(town, upload_id)
    if item.status is not UploadStatus.READY:
        abort(409)
    version = services.publish_upload(item, current_user)
    db.session.commit()
    flash(_("Version %(number)s of “%(name)s” is published.", number=version.number, name=version.layer.name), "success")
    return redirect(url_for("layers.show", slug=town.slug, layer_id=version.layer_id))


@bp.post("/<slug>/gis/hochladen/<int:upload_id>/verwerfen")
@login_required
def discard(slug: str, upload_id: int):
    town = get_municipality(slug, can_manage_layers)
    item = get_layer_upload(town, upload_id)
    if item.status in (UploadStatus.PUBLISHED, UploadStatus.DISCARDED, UploadStatus.CHECKING):
        abort(409)
    services.discard_upload(item, current_user)
    db.session.commit()
    flash(_("The upload was discarded."), "success")
    return redirect(url_for("layers.index", slug=town.slug))


