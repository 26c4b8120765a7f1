"""The GIS team registers a layer of an external WMS or WMTS: address first, then the layer.

Between the two steps nothing is kept on the server and nothing the browser
sends back is trusted: step 2 fetches and reads the capabilities again,
through the same checks, and the chosen layer must be one they list.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from geo.errors import GeoInputError
from participation.extensions import db
from participation.layers.sources import services
from participation.layers.sources.forms import KINDS, ServiceAddressForm, ServiceLayerForm
from participation.layers.permissions import can_manage_layers
from participation.loaders import get_municipality
from participation.municipalities.models import Municipality
from participation.web.i18n import translated

bp = Blueprint("layer_sources", __name__)


@bp.route("/<slug>/gis/dienste/neu", methods=["GET", "POST"])
@login_required
def create(slug: str):
    town = get_municipality(slug, can_manage_layers)
    if request.method == "POST" and request.form.get("step") == "layer":
        return _choose_layer(town)
    form = ServiceAddressForm()
    if form.validate_on_submit():
        try:
            document = services.read_service(form.url.data, form.kind.data or None)
        except GeoInputError as error:
            form.url.errors = [translated(error.message, error.params)]
        else:
            layer_form = ServiceLayerForm(formdata=None, url=form.url.data, kind=form.kind.data or "")
            layer_form.offer(document.capabilities)
            _prefill(layer_form, document)
            return _layer_page(town, layer_form, document)
    return _address_page(town, form)


def _choose_layer(town: Municipality):
    form = ServiceLayerForm()
    valid = form.validate_on_submit()
    if form.url.errors or form.kind.errors:
        return _start_again(town, form, _("The form was incomplete. Please enter the address again."))
    try:
        document = services.read_service(form.url.data, form.kind.data or None)
    except GeoInputError as error:
        return _start_again(town, form, translated(error.message, error.params))
    form.offer(document.capabilities)
    if valid:
        try:
            layer = services.register_service_layer(
                town, form.url.data, form.kind.data or None, form.layer.data, name=form.name.data or "",
                description=form.description.data or "", source=form.source.data or "",
                attribution=form.attribution.data or "", user=current_user, document=document,
            )
        except GeoInputError as error:
            form.layer.errors = [translated(error.message, error.params)]
        else:
            db.session.commit()
            flash(_('The layer "%(name)s" has been added.', name=layer.name), "success")
            return redirect(url_for("layers.show", slug=town.slug, layer_id=layer.id))
    return _layer_page(town, form, document)


def _prefill(form: ServiceLayerForm, document: services.ServiceDocument) -> None:
    """With a single layer to choose, fill in its title and attribution to edit."""
    if not form.layer.data:
        return
    chosen = document.capabilities.layer(form.layer.data)
    form.name.data = chosen.title
    attribution = chosen.attribution or document.capabilities.provider
    form.attribution.data = attribution.title if attribution and attribution.title else ""


def _start_again(town: Municipality, layer_form: ServiceLayerForm, message: str):
    kind = layer_form.kind.data if layer_form.kind.data in KINDS else ""
    form = ServiceAddressForm(formdata=None, url=layer_form.url.data or "", kind=kind)
    form.url.errors = [message]
    return _address_page(town, form)


def _address_page(town: Municipality, form: ServiceAddressForm):
    return render_template("layers/sources/address.html", town=town, form=form), 400 if form.errors else 200


def _layer_page(town: Municipality, form: ServiceLayerForm, document: services.ServiceDocument):
    return render_template("layers/sources/choose.html", town=town, form=form,
                           capabilities=document.capabilities, service_url=document.url), 400 if form.errors else 200
