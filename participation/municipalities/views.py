from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from participation.extensions import db
from participation.layers.permissions import can_manage_layers
from participation.loaders import get_municipality
from participation.municipalities import services
from participation.municipalities.forms import TownSettingsForm
from participation.municipalities.permissions import can_manage_projects, can_manage_town
from participation.municipalities.services import LOGO_TYPES, logo_folder
from participation.projects.models import Project
from participation.projects.permissions import visible_projects
from participation.web.folium_maps import overview_map

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
        "municipalities/show.html", town=town, projects=projects, manager=manager, map=overview_map(bounds),
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


@bp.route("/<slug>/einstellungen", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    town = get_municipality(slug)
    if not can_manage_town(current_user, town):
        abort(403)
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
    return render_template("municipalities/settings.html", town=town, form=form), 400 if form.errors else 200
