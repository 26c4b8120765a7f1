from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from geo.areas import area_km2
from geo.errors import GeoInputError
from participation.extensions import db
from participation.layers.permissions import can_manage_layers
from participation.loaders import get_layer, get_municipality
from participation.municipalities import boundary, services
from participation.municipalities.boundary import boundary_layers, parse_boundary, town_extent
from participation.municipalities.forms import BoundaryDrawForm, BoundaryLayerForm, TownSettingsForm
from participation.municipalities.models import Municipality
from participation.municipalities.permissions import can_manage_projects, can_manage_town
from participation.municipalities.services import LOGO_TYPES, logo_folder
from participation.projects.models import Project
from participation.projects.permissions import visible_projects
from participation.web.folium_maps import area_map, draw_labels, format_area, overview_map
from participation.web.i18n import translated

bp = Blueprint("municipalities", __name__)


@bp.get("/<slug>/")
def show(slug: str):
    town = get_municipality(slug)
    manager = can_manage_projects(current_user, town)
    query = visible_projects(current_user).where(Project.municipality_id == town.id)
    projects = db.session.scalars(query.order_by(Project.created_at.desc())).all()
    areas = [p for p in projects if p.min_x is not None]
    bounds = (
        (min(p.min_x for p in areas), min(p.min_y for p in areas), max(p.max_x for p in areas), max(p.max_y for p in areas))
        if areas else None
    )
    return render_template(
        "municipalities/show.html", town=town, projects=projects, manager=manager,
        map=overview_map(bounds, boundary=town.boundary),
        gis=can_manage_layers(current_user, town),
    )


@bp.get("/<slug>/logo")
def logo(slug: str):
    town = get_municipality(slug)
    if not town.logo_filename:
        abort(404)
    suffix = "." + town.logo_filename.rsplit(".", 1)[-1]
    response = send_from_directory(logo_folder(), town.logo_filename, mimetype=LOGO_TYPES.get(suffix))
    # An SVG logo must never run script, even when opened directly.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


def _settings_page(town: Municipality, form: TownSettingsForm | None = None,
                   draw_form: BoundaryDrawForm | None = None, layer_form: BoundaryLayerForm | None = None):
    """The settings page: name and logo, and the boundary (drawn, uploaded or from a layer).
    Answers 400 when one of the forms has errors."""
    form = form or TownSettingsForm(obj=town, formdata=None)
    draw_form = draw_form or BoundaryDrawForm(formdata=None)
    layer_form = layer_form or _layer_form(town, formdata=None)
    status = 400 if form.errors or draw_form.errors or layer_form.errors else 200
    size = area_km2(town.boundary) if town.boundary is not None else None
    return render_template(
        "municipalities/settings.html", town=town, form=form, draw_form=draw_form, layer_form=layer_form,
        boundary_size=format_area(size) if size is not None else None, draw_labels=draw_labels(),
        map=area_map(None, bounds=town_extent(town), boundary=town.boundary),
    ), status


def _layer_form(town: Municipality, **kwargs) -> BoundaryLayerForm:
    form = BoundaryLayerForm(**kwargs)
    form.layer.choices = [(layer.id, layer.name) for layer in boundary_layers(town)]
    return form


def _manageable_town(slug: str) -> Municipality:
    town = get_municipality(slug)
    if not can_manage_town(current_user, town):
        abort(403)
    return town


@bp.route("/<slug>/einstellungen", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    town = _manageable_town(slug)
    form = TownSettingsForm(obj=town)
    if form.validate_on_submit():
        data = form.logo.data.read() if form.logo.data else None
        if data and services.logo_suffix(data) is None:
            form.logo.errors.append(_("The file is not an SVG or PNG image."))
        else:
            services.update_town(town, form.name.data, data, current_user)
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return redirect(url_for("municipalities.show", slug=town.slug))
    return _settings_page(town, form=form)


@bp.post("/<slug>/einstellungen/grenze")
@login_required
def draw_boundary(slug: str):
    """The boundary drawn on the map or uploaded as GeoJSON."""
    town = _manageable_town(slug)
    form = BoundaryDrawForm()
    if form.validate_on_submit():
        upload = form.boundary_file.data
        source = upload.read() if upload else (form.boundary_geojson.data or "").strip()
        target = form.boundary_file if upload else form.boundary_geojson
        if not source:
            target.errors = [_("Draw the boundary on the map or upload it as GeoJSON.")]
        else:
            try:
                outline = parse_boundary(source, timeout=current_app.config["AREA_PARSE_SECONDS"])
            except GeoInputError as error:
                target.errors = [translated(error.message, error.params)]
            else:
                boundary.set_boundary(town, outline, current_user, source="upload" if upload else "drawn")
                db.session.commit()
                flash(_("The boundary has been saved."), "success")
                return redirect(url_for("municipalities.settings", slug=town.slug, _anchor="boundary-heading"))
    return _settings_page(town, draw_form=form)


@bp.post("/<slug>/einstellungen/grenze/ebene")
@login_required
def boundary_from_layer(slug: str):
    """The boundary taken from a published vector layer of the town."""
    town = _manageable_town(slug)
    form = _layer_form(town)
    if form.validate_on_submit():
        layer = get_layer(town, form.layer.data)
        try:
            outline = boundary.boundary_from_layer(layer, form.attribute.data or "", form.value.data or "")
        except GeoInputError as error:
            form.attribute.errors = [translated(error.message, error.params)]
        else:
            boundary.set_boundary(town, outline, current_user, source=f"layer {layer.id}")
            db.session.commit()
            flash(_("The boundary has been taken from the layer “%(name)s”.", name=layer.name), "success")
            return redirect(url_for("municipalities.settings", slug=town.slug, _anchor="boundary-heading"))
    return _settings_page(town, layer_form=form)


@bp.post("/<slug>/einstellungen/grenze/entfernen")
@login_required
def remove_boundary(slug: str):
    town = _manageable_town(slug)
    boundary.remove_boundary(town, current_user)
    db.session.commit()
    flash(_("The boundary has been removed."), "success")
    return redirect(url_for("municipalities.settings", slug=town.slug))
