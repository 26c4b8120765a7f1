"""The GIS team's layer pages: the town's layers, one layer with its versions, edit, publish, delete.

Uploads, external services and styles have their own parts (`uploads`, `sources`, `styles`).
"""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from participation.extensions import db
from participation.layers import services
from participation.layers.drawing import draw_layers
from participation.layers.forms import LayerForm
from participation.layers.models import Layer
from participation.layers.permissions import can_manage_layers
from participation.layers.serving.features import MAX_ZOOM, version_features
from participation.layers.serving.tiles import geojson_too_large
from participation.layers.sources.registry import source_of
from participation.layers.uploads.queries import open_uploads
from participation.loaders import get_layer, get_layer_version, get_municipality
from participation.web.folium_maps import overview_map

bp = Blueprint("layers", __name__)


@bp.get("/<slug>/gis/ebenen")
@login_required
def index(slug: str):
    town = get_municipality(slug, can_manage_layers)
    layers = db.session.scalars(select(Layer).where(Layer.municipality_id == town.id).order_by(Layer.name)).all()
    return render_template("layers/index.html", town=town, layers=layers, uploads=open_uploads(town.id))


@bp.get("/<slug>/gis/ebenen/<int:layer_id>")
@login_required
def show(slug: str, layer_id: int):
    town = get_municipality(slug, can_manage_layers)
    layer = get_layer(town, layer_id)
    drawing = draw_layers([(layer, True)])
    drawing.allow_images()
    bounds = drawing.configs[0].get("bounds") if drawing.configs else None
    return render_template("layers/show.html", town=town, layer=layer, source=source_of(layer), drawing=drawing,
                           map=overview_map(tuple(bounds) if bounds else None))


@bp.get("/<slug>/gis/ebenen/<int:layer_id>/versionen/<int:number>/vorschau")
@login_required
def preview_features(slug: str, layer_id: int, number: int):
    layer = get_layer(get_municipality(slug, can_manage_layers), layer_id)
    version = get_layer_version(layer, number)
    zoom = request.args.get("zoom", type=int)
    zoom = None if zoom is None else max(0, min(zoom, MAX_ZOOM))
    if geojson_too_large(version):  # simplifying needs every vertex loaded first, at any zoom
        return jsonify(error=_("This version is too large for a preview in the browser; publish it to see it "
                               "on the map as vector tiles.")), 422
    attributes = [name for name, _type in version.report.get("attributes", [])]
    return jsonify(version_features(version, zoom, attributes))


@bp.route("/<slug>/gis/ebenen/<int:layer_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug: str, layer_id: int):
    town = get_municipality(slug, can_manage_layers)
    layer = get_layer(town, layer_id)
    form = LayerForm(obj=layer)
    if form.validate_on_submit():
        services.update_layer(layer, current_user, name=form.name.data, description=form.description.data or "",
                              source=form.source.data or "", attribution=form.attribution.data or "")
        db.session.commit()
        flash(_("The layer was saved."), "success")
        return redirect(url_for("layers.show", slug=town.slug, layer_id=layer.id))
    return render_template("layers/edit.html", town=town, layer=layer, form=form)


@bp.post("/<slug>/gis/ebenen/<int:layer_id>/versionen/<int:number>/veroeffentlichen")
@login_required
def publish_version(slug: str, layer_id: int, number: int):
    town = get_municipality(slug, can_manage_layers)
    layer = get_layer(town, layer_id)
    version = get_layer_version(layer, number)
    services.publish(version, current_user)
    db.session.commit()
    flash(_("Version %(number)s of “%(name)s” is published.", number=version.number, name=layer.name), "success")
    return redirect(url_for("layers.show", slug=town.slug, layer_id=layer.id))


@bp.post("/<slug>/gis/ebenen/<int:layer_id>/loeschen")
@login_required
def delete(slug: str, layer_id: int):
    town = get_municipality(slug, can_manage_layers)
    layer = get_layer(town, layer_id)
    name = layer.name
    services.delete_layer(layer, current_user)
    db.session.commit()
    flash(_("The layer “%(name)s” was deleted.", name=name), "success")
    return redirect(url_for("layers.index", slug=town.slug))


