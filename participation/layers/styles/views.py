"""The style and popup page of an uploaded layer."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from participation.extensions import db
from participation.layers.drawing import draw_style_preview
from participation.layers.models import Layer
from participation.layers.permissions import can_manage_layers
from participation.layers.services import layer_attributes
from participation.layers.sources.registry import source_of
from participation.layers.styles import services
from participation.layers.styles.classes import CLASS_METHODS, DEFAULT_CLASS_COUNT, classify, sequential_colours
from participation.layers.styles.forms import StyleForm, format_value_labels
from participation.layers.styles.legend import class_places, range_label
from participation.layers.styles.queries import attribute_values, is_numeric, numeric_values
from participation.layers.styles.rules import MAX_CATEGORIES, clean_popup, clean_style, too_close
from participation.loaders import get_layer, get_municipality
from participation.web.folium_maps import overview_map

bp = Blueprint("layer_styles", __name__)

#: Colours offered for categories, each used once in a legend: Okabe–Ito (distinguishable also for most
#: colour-blind people), then Kelly's colours of maximum contrast that differ from all before by ΔE*76 ≥ 15.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
           "#f3c300", "#875692", "#f38400", "#a1caf1", "#be0032", "#c2b280", "#f99379", "#604e97",
           "#b3446c", "#882d17", "#8db600", "#654522", "#2b3d26"]
#: The fill for "other values" when the chosen fill is (nearly) a category's colour; no palette colour is near it.
OTHER_VALUES_FILL = "#8c8c8c"


def _style_form(layer: Layer, attributes: list[str]) -> StyleForm:
    style, popup = clean_style(layer.style), {row["attribute"]: row for row in clean_popup(layer.popup)}
    classify_by = style["classify"] or {}
    data = None if request.method == "POST" else {
        **style, "categorise_by": style["categorise_by"] or "",
        "classify": classify_by.get("method") or ("values" if style["categories"] else "equal"),
        "class_count": classify_by.get("count") or DEFAULT_CLASS_COUNT,
        "popup": [{"attribute": name, "show": name in popup, "label": popup[name]["label"] if name in popup else name,
                   "values": format_value_labels(popup[name].get("values", {})) if name in popup else ""}
                  for name in attributes],
    }
    form = StyleForm(data=data)
    form.categorise_by.choices = [("", _("No (one colour)"))] + [(name, name) for name in attributes]
    for row in form.popup:
        row.form.attribute.choices = [(name, name) for name in attributes]
    return form


def _submitted(form: StyleForm, attributes: list[str]) -> tuple[dict, list[dict]]:
    """The style and popup as entered, cleaned: the class rows when the page shows them, else the category
    rows (the "classes for numbers" choice only steers what "fill" makes; it never drops rows shown)."""
    classes = [{"min": row.min.data, "max": row.max.data, "colour": row.colour.data, "label": row.label.data}
               for row in form.filled_classes]
    categories = [] if classes else [row.data for row in form.categories if row.form.value.data]
    method = form.classify.data if classes and form.classify.data in CLASS_METHODS else None
    style = {**form.data, "categories": categories, "classes": classes,
             "classify": {"method": method, "count": form.class_count.data} if method else None}
    popup = [{"attribute": row.form.attribute.data, "label": row.form.label.data, "values": row.form.value_labels}
             for row in form.popup if row.form.show.data]
    return clean_style(style, attributes), clean_popup(popup, attributes)


def _as_text(value: object) -> str:
    """A value as the map script compares it (JavaScript writes 12.0 as "12")."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _clear_rows(form: StyleForm) -> None:
    for rows in (form.categories, form.classes):
        while rows.entries:
            rows.pop_entry()


def _nothing_to_colour_by(form: StyleForm) -> None:
    flash(_("The attribute “%(attribute)s” has no values in this layer, so there is nothing to colour by. "
            "Choose another attribute.", attribute=form.categorise_by.data), "warning")


def _fill_categories(form: StyleForm, layer: Layer) -> None:
    """Replace the category rows with the attribute's most frequent values, one palette colour each."""
    version = layer.current_version or layer.versions[-1]
    limit = min(MAX_CATEGORIES, len(PALETTE))
    values = list(dict.fromkeys(_as_text(v) for v in attribute_values(version, form.categorise_by.data, limit + 1)))
    _clear_rows(form)
    if not values:
        _nothing_to_colour_by(form)
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
        flash(ngettext("%(num)d value found. Adjust its colour and label, then save.",
                       "%(num)d values found. Adjust colours and labels, then save.", len(values)), "info")


def _fill_rows(form: StyleForm, layer: Layer) -> None:
    """Fill the class rows for a numeric attribute (unless each value is to get its own colour),
    else the category rows."""
    if form.classify.data not in CLASS_METHODS:
        _fill_categories(form, layer)
        return
    version = layer.current_version or layer.versions[-1]
    values, others = numeric_values(version, form.categorise_by.data)
    if not is_numeric(layer, form.categorise_by.data, values, others):
        _fill_categories(form, layer)
        return
    _fill_classes(form, values, others)


def _fill_classes(form: StyleForm, values: list[float], others: int) -> None:
    """Replace the class rows with ranges of the attribute's numbers, by the chosen method."""
    _clear_rows(form)
    if not values:
        _nothing_to_colour_by(form)
        return
    ranges = classify(values, form.classify.data, form.class_count.data)
    colours = sequential_colours(len(ranges))
    for (low, high), colour in zip(ranges, colours):
        form.classes.append_entry({"min": low, "max": high, "colour": colour, "label": ""})
    if too_close(form.fill.data, colours, limit=20.0):  # ranges are told apart by shade alone
        form.fill.data = OTHER_VALUES_FILL
    if len(ranges) < form.class_count.data:
        flash(_("Only %(count)s classes: many features share the same values. Adjust colours and labels, "
                "then save.", count=len(ranges)), "info")
    else:
        flash(_("%(count)s classes made from %(values)s numbers. Adjust ranges, colours and labels, then save.",
                count=len(ranges), values=len(values)), "info")
    if others:
        flash(_("%(count)s values of this attribute are not numbers; those features keep the fill colour.",
                count=others), "info")


def _render(town, layer: Layer, form: StyleForm, attributes: list[str], style: dict | None = None,
            popup: list[dict] | None = None):
    """The style page; the preview map draws `style` and `popup` (as entered) or else the saved ones."""
    previewing = style is not None
    drawing = (draw_style_preview(layer, style, popup) if previewing
               else draw_style_preview(layer, clean_style(layer.style), clean_popup(layer.popup)))
    bounds = drawing.configs[0].get("bounds") if drawing.configs else None
    for row, text in zip(form.classes, _range_labels(form), strict=True):
        if text:
            row.form.label.description = _("Empty: the legend shows “%(range)s”.", range=text)
    return render_template("layers/styles/edit.html", town=town, layer=layer, form=form, attributes=attributes,
                           drawing=drawing, previewing=previewing,
                           map=overview_map(tuple(bounds) if bounds else None) if drawing.configs else None)


def _range_labels(form: StyleForm) -> list[str]:
    """What an empty label of each class row stands for: its range as the legend writes it ("" if unclear)."""
    ranges = [(row.form.min.data, row.form.max.data) for row in form.classes]
    valid = [{"min": low, "max": high} for low, high in ranges if low is not None and high is not None and low <= high]
    places = class_places(valid)
    return [range_label(low, high, places) if low is not None and high is not None and low <= high else ""
            for low, high in ranges]


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
            _fill_rows(form, layer)
            return _render(town, layer, form, attributes, *_submitted(form, attributes))
        style, popup = _submitted(form, attributes)
        if form.action.data == "preview":
            flash(_("The map shows the style as entered. It is not saved yet."), "info")
            return _render(town, layer, form, attributes, style, popup)
        services.set_style(layer, current_user, style, popup)
        db.session.commit()
        flash(_("The style was saved."), "success")
        return redirect(url_for("layers.show", slug=town.slug, layer_id=layer.id))
    return _render(town, layer, form, attributes)
