"""The GIS team's pages: layers, uploads with their check and confirmation, style, project maps."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from participation.extensions import db
from participation.jobs.views import job_state
from participation.layers import services
from participation.layers.forms import (ChoiceForm, LayerForm, NewVersionForm, ProjectMapForm, StyleForm,
                                        UploadForm, crs_label)
from participation.layers.mapping import allow_images_from_layers, layer_config, switcher_entry
from participation.layers.models import Layer, LayerKind, LayerUpload, UploadStatus
from participation.layers.permissions import can_arrange_project_map, can_manage_layers
from participation.layers.queries import MAX_ZOOM, attribute_values, version_features
from participation.layers.styles import MAX_CATEGORIES, clean_popup, clean_style
from participation.loaders import get_layer, get_layer_upload, get_layer_version, get_municipality, get_project
from participation.municipalities.models import Municipality
from participation.web.maps import overview_map

bp = Blueprint("layers", __name__)

#: Colours offered for categories, distinguishable also for most colour-blind people (Okabe–Ito).
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"]


def _town(slug: str) -> Municipality:
    town = get_municipality(slug)
    if not can_manage_layers(current_user, town):
        abort(403)
    return town


def _geo_message(message: str, params: dict) -> str:
    return _(message).format(**params) if message else ""


@bp.get("/<slug>/gis/ebenen")
@login_required
def index(slug: str):
    town = _town(slug)
    layers = db.session.scalars(select(Layer).where(Layer.municipality_id == town.id).order_by(Layer.name)).all()
    open_uploads = db.session.scalars(
        select(LayerUpload).where(LayerUpload.municipality_id == town.id, LayerUpload.status.in_(
            [UploadStatus.CHECKING, UploadStatus.NEEDS_CHOICE, UploadStatus.FAILED, UploadStatus.READY]))
        .order_by(LayerUpload.created_at.desc())
    ).all()
    return render_template("layers/index.html", town=town, layers=layers, uploads=open_uploads)


@bp.route("/<slug>/gis/ebenen/hochladen", methods=["GET", "POST"])
@login_required
def upload(slug: str):
    town = _town(slug)
    layer_id = request.args.get("ebene", type=int)
    layer = get_layer(town, layer_id) if layer_id is not None else None
    # Layers are larger than anything else residents or planners send.
    request.max_content_length = current_app.config["LAYER_UPLOAD_MAX_BYTES"]
    form = NewVersionForm() if layer else UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        name = layer.name if layer else form.name.data
        metadata = {} if layer else {"description": form.description.data or "", "source": form.source.data or "",
                                     "attribution": form.attribution.data or ""}
        item = services.start_upload(town, file.stream, file.filename or "upload", name=name, user=current_user,
                                     layer=layer, crs=int(form.crs.data) if form.crs.data else None, **metadata)
        return redirect(url_for("layers.upload_status", slug=town.slug, upload_id=item.id))
    return render_template("layers/upload.html", town=town, form=form, layer=layer,
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
def upload_status(slug: str, upload_id: int):
    town = _town(slug)
    item = get_layer_upload(town, upload_id)
    version = item.version
    preview = layer_config(version.layer, version=version) if version is not None else None
    return render_template(
        "layers/upload_status.html", town=town, upload=item, version=version, report=version.report if version else None,
        message=_geo_message(item.message, item.message_params), form=_choice_form(item), preview=preview,
        map_layers=[preview] if preview else [], switcher=None, map_label=_("Preview of the uploaded layer"),
        map=overview_map(tuple(preview["bounds"]) if preview and "bounds" in preview else None),
        job=job_state(item.job) if item.job else None,
    )


@bp.post("/<slug>/gis/hochladen/<int:upload_id>/erneut-pruefen")
@login_required
def upload_recheck(slug: str, upload_id: int):
    """Check again after the job itself broke down (e.g. its worker was lost)."""
    town = _town(slug)
    item = get_layer_upload(town, upload_id)
    if not (item.status is UploadStatus.CHECKING and item.job is not None and item.job.status.value == "failed"):
        abort(409)
    services.recheck(item, current_user)
    return redirect(url_for("layers.upload_status", slug=town.slug, upload_id=item.id))


@bp.get("/<slug>/gis/hochladen/<int:upload_id>/status")
@login_required
def upload_progress(slug: str, upload_id: int):
    item = get_layer_upload(_town(slug), upload_id)
    state = job_state(item.job) if item.job else {"status": "finished", "progress": 1.0, "message": "", "done": True}
    # The page reloads once the upload has left "checking" (ready, a choice, or a refusal).
    state["done"] = item.status is not UploadStatus.CHECKING or state["status"] == "failed"
    return jsonify(state)


@bp.post("/<slug>/gis/hochladen/<int:upload_id>/auswahl")
@login_required
def upload_choose(slug: str, upload_id: int):
    town = _town(slug)
    item = get_layer_upload(town, upload_id)
    if item.status is not UploadStatus.NEEDS_CHOICE:
        abort(409)
    form = _choice_form(item)
    needs_layer, needs_crs = bool(item.choices.get("layers")), bool(item.choices.get("crs"))
    if form.validate_on_submit() and (form.source_layer.data or not needs_layer) and (form.crs.data or not needs_crs):
        services.choose(item, current_user, source_layer=form.source_layer.data if needs_layer else None,
                        crs=int(form.crs.data) if needs_crs else None)
        return redirect(url_for("layers.upload_status", slug=town.slug, upload_id=item.id))
    flash(_("Please choose one of the options."), "danger")
    return redirect(url_for("layers.upload_status", slug=town.slug, upload_id=item.id))


@bp.post("/<slug>/gis/hochladen/<int:upload_id>/veroeffentlichen")
@login_required
def upload_publish(slug: str, upload_id: int):
    town = _town(slug)
    item = get_layer_upload(town, upload_id)
    if item.status is not UploadStatus.READY:
        abort(409)
    version = services.publish_upload(item, current_user)
    db.session.commit()
    flash(_("Version %(number)s of “%(name)s” is published.", number=version.number, name=version.layer.name), "success")
    return redirect(url_for("layers.show", slug=town.slug, layer_id=version.layer_id))


@bp.post("/<slug>/gis/hochladen/<int:upload_id>/verwerfen")
@login_required
def upload_discard(slug: str, upload_id: int):
    town = _town(slug)
    item = get_layer_upload(town, upload_id)
    if item.status in (UploadStatus.PUBLISHED, UploadStatus.DISCARDED, UploadStatus.CHECKING):
        abort(409)
    services.discard_upload(item, current_user)
    db.session.commit()
    flash(_("The upload was discarded."), "success")
    return redirect(url_for("layers.index", slug=town.slug))


@bp.get("/<slug>/gis/ebenen/<int:layer_id>")
@login_required
def show(slug: str, layer_id: int):
    town = _town(slug)
    layer = get_layer(town, layer_id)
    config = layer_config(layer)
    if config:
        allow_images_from_layers([layer])
    switcher = [switcher_entry(layer, True)] if config else None
    return render_template("layers/show.html", town=town, layer=layer, config=config, switcher=switcher,
                           map_layers=[config] if config else [], map_label=_("Map of the layer"),
                           map=overview_map(tuple(config["bounds"]) if config and "bounds" in config else None))


@bp.get("/<slug>/gis/ebenen/<int:layer_id>/versionen/<int:number>/vorschau")
@login_required
def preview_features(slug: str, layer_id: int, number: int):
    layer = get_layer(_town(slug), layer_id)
    version = get_layer_version(layer, number)
    zoom = request.args.get("zoom", type=int)
    zoom = None if zoom is None else max(0, min(zoom, MAX_ZOOM))
    attributes = [name for name, _type in version.report.get("attributes", [])]
    return jsonify(version_features(version, zoom, attributes))


@bp.route("/<slug>/gis/ebenen/<int:layer_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug: str, layer_id: int):
    town = _town(slug)
    layer = get_layer(town, layer_id)
    form = LayerForm(obj=layer)
    if form.validate_on_submit():
        services.update_layer(layer, current_user, name=form.name.data, description=form.description.data or "",
                              source=form.source.data or "", attribution=form.attribution.data or "")
        db.session.commit()
        flash(_("The layer was saved."), "success")
        return redirect(url_for("layers.show", slug=town.slug, layer_id=layer.id))
    return render_template("layers/edit.html", town=town, layer=layer, form=form)


def _style_form(layer: Layer, attributes: list[str]) -> StyleForm:
    style, popup = clean_style(layer.style), {row["attribute"]: row["label"] for row in clean_popup(layer.popup)}
    data = None if request.method == "POST" else {
        **style, "categorise_by": style["categorise_by"] or "",
        "categories": style["categories"],
        "popup": [{"attribute": name, "show": name in popup, "label": popup.get(name, name)} for name in attributes],
    }
    form = StyleForm(data=data)
    form.categorise_by.choices = [("", _("No (one colour)"))] + [(name, name) for name in attributes]
    for row in form.popup:
        row.form.attribute.choices = [(name, name) for name in attributes]
    return form


@bp.route("/<slug>/gis/ebenen/<int:layer_id>/darstellung", methods=["GET", "POST"])
@login_required
def style(slug: str, layer_id: int):
    town = _town(slug)
    layer = get_layer(town, layer_id)
    if layer.kind is not LayerKind.VECTOR:
        abort(404)
    attributes = services.layer_attributes(layer)
    form = _style_form(layer, attributes)
    if form.validate_on_submit():
        if form.action.data == "fill" and form.categorise_by.data:
            version = layer.current_version or layer.versions[-1]
            values = attribute_values(version, form.categorise_by.data, MAX_CATEGORIES)
            while form.categories.entries:
                form.categories.pop_entry()
            for index, value in enumerate(values):
                form.categories.append_entry({"value": value, "label": value,
                                              "colour": PALETTE[index % len(PALETTE)]})
            flash(_("%(count)s values found. Adjust colours and labels, then save.", count=len(values)), "info")
            return render_template("layers/style.html", town=town, layer=layer, form=form, attributes=attributes)
        popup = [{"attribute": row.form.attribute.data, "label": row.form.label.data}
                 for row in form.popup if row.form.show.data]
        categories = [row.data for row in form.categories if row.form.value.data]
        services.set_style(layer, current_user, {**form.data, "categories": categories}, popup)
        db.session.commit()
        flash(_("The style was saved."), "success")
        return redirect(url_for("layers.show", slug=town.slug, layer_id=layer.id))
    return render_template("layers/style.html", town=town, layer=layer, form=form, attributes=attributes)


@bp.post("/<slug>/gis/ebenen/<int:layer_id>/versionen/<int:number>/veroeffentlichen")
@login_required
def publish_version(slug: str, layer_id: int, number: int):
    town = _town(slug)
    layer = get_layer(town, layer_id)
    version = get_layer_version(layer, number)
    services.publish(version, current_user)
    db.session.commit()
    flash(_("Version %(number)s of “%(name)s” is published.", number=version.number, name=layer.name), "success")
    return redirect(url_for("layers.show", slug=town.slug, layer_id=layer.id))


@bp.post("/<slug>/gis/ebenen/<int:layer_id>/loeschen")
@login_required
def delete(slug: str, layer_id: int):
    town = _town(slug)
    layer = get_layer(town, layer_id)
    name = layer.name
    services.delete_layer(layer, current_user)
    db.session.commit()
    flash(_("The layer “%(name)s” was deleted.", name=name), "success")
    return redirect(url_for("layers.index", slug=town.slug))


@bp.route("/<slug>/projekte/<int:project_id>/karte", methods=["GET", "POST"])
@login_required
def project_map(slug: str, project_id: int):
    town = get_municipality(slug)
    project = get_project(town, project_id)
    if not can_arrange_project_map(current_user, project):
        abort(403)
    available = db.session.scalars(select(Layer).where(Layer.municipality_id == town.id).order_by(Layer.name)).all()
    by_id = {layer.id: layer for layer in available}
    current = [(item.layer_id, item.visible) for item in project.map_layers]
    form = ProjectMapForm(data=None if request.method == "POST" else {
        "rows": [{"layer_id": str(layer_id), "visible": visible} for layer_id, visible in current]})
    form.add.choices = [("", _("– choose a layer –"))] + [
        (str(layer.id), layer.name) for layer in available if layer.id not in dict(current)]
    if form.validate_on_submit():
        rows = [(int(row.layer_id.data), row.visible.data) for row in form.rows
                if row.layer_id.data.isdigit() and not row.remove.data]
        move = request.form.get("move", "")
        if ":" in move:
            ident, direction = move.split(":", 1)
            index = next((i for i, (layer_id, _v) in enumerate(rows) if str(layer_id) == ident), None)
            other = None if index is None else index + (1 if direction == "down" else -1)
            if other is not None and 0 <= other < len(rows):
                rows[index], rows[other] = rows[other], rows[index]
        if form.add.data:
            rows.append((int(form.add.data), True))
        try:
            services.arrange_project_map(project, current_user, rows)
        except ValueError:
            abort(400)
        db.session.commit()
        flash(_("The project map was saved."), "success")
        return redirect(url_for("layers.project_map", slug=town.slug, project_id=project.id))
    return render_template("layers/project_map.html", town=town, project=project, form=form, layers=by_id)
