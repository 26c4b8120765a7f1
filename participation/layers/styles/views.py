"""The style and popup page of an uploaded layer."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.extensions import db
from participation.layers.models import Layer
from participation.layers.permissions import can_manage_layers
from participation.layers.services import layer_attributes
from participation.layers.sources.registry import source_of
from participation.layers.styles import services
from participation.layers.styles.forms import StyleForm
from participation.layers.styles.queries import attribute_values
from participation.layers.styles.rules import MAX_CATEGORIES, clean_popup, clean_style, too_close
from participation.loaders import get_layer, get_municipality

bp = Blueprint("layer_styles", __name__)

#: Colours offered for categories, each used once in a legend: Okabe–Ito (distinguishable also for most
#: colour-blind people), then Kelly's colours of maximum contrast that differ from all before by ΔE*76 ≥ 15.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
           "#f3c300", "#875692", "#f38400", "#a1caf1", "#be0032", "#c2b280", "#f99379", "#604e97",
           "#b3446c", "#882d17", "#8db600", "#654522", "#2b3d26"]
#: The fill for "other values" when the chosen fill is (nearly) a category's colour; no palette colour is near it.
OTHER_VALUES_FILL = "#8c8c8c"


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


def _fill_categories(form: StyleForm, layer: Layer) -> None:
    """Replace the category rows with the attribute's most frequent values, one palette colour each."""
    version = layer.current_version or layer.versions[-1]
    limit = min(MAX_CATEGORIES, len(PALETTE))
    values = attribute_values(version, form.categorise_by.data, limit + 1)
    while form.categories.entries:
        form.categories.pop_entry()
    if not values:
        flash(_("The attribute “%(attribute)s” has no values in this layer, so there is nothing to colour by. "
                "Choose another attribute.", attribute=form.categorise_by.data), "warning")
        return
    for value, colour in zip(values[:limit], PALETTE):
        form.categories.append_entry({"value": value, "label": value, "colour": colour})
    if too_close(form.fill.data, PALETTE[:len(values)]):
        form.fill.data = OTHER_VALUES_FILL
    if len(values) > limit:
        flash(_("The attribute has more values than there are distinguishable colours: the %(count)s most "
                "frequent get their own colour, all others are drawn in the fill colour. Adjust colours and "
                "labels, then save.", count=limit), "info")
    else:
        flash(_("%(count)s values found. Adjust colours and labels, then save.", count=len(values)), "info")


@bp.route("/<slug>/gis/ebenen/<int:layer_id>/darstellung", methods=["GET", "POST"])
@login_required
def edit(slug: str, layer_id: int):
    town = get_municipality(slug, can_manage_layers)
    layer = get_layer(town, layer_id)
    if not source_of(layer).stylable:
        abort(404)
    attributes = layer_attributes(layer)
    form = _style_form(layer, attributes)
    if form.validate_on_submit():
        if form.action.data == "fill" and form.categorise_by.data:
            _fill_categories(form, layer)
            return render_template("layers/styles/edit.html", town=town, layer=layer, form=form, attributes=attributes)
        popup = [{"attribute": row.form.attribute.data, "label": row.form.label.data}
                 for row in form.popup if row.form.show.data]
        categories = [row.data for row in form.categories if row.form.value.data]
        services.set_style(layer, current_user, {**form.data, "categories": categories}, popup)
        db.session.commit()
        flash(_("The style was saved."), "success")
        return redirect(url_for("layers.show", slug=town.slug, layer_id=layer.id))
    return render_template("layers/styles/edit.html", town=town, layer=layer, form=form, attributes=attributes)


