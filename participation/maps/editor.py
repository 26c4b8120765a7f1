"""The one editor page for the layers on any page's map.

Each owner (project, later statute and survey) has its own route that loads
the owner and checks permission, then hands its map to `edit_map_page`.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select

from participation.extensions import db
from participation.layers.models import Layer
from participation.maps import services
from participation.maps.drawing import draw_map
from participation.maps.forms import MapForm
from participation.maps.models import Map
from participation.municipalities.models import Municipality
from participation.web.folium_maps import area_map


def edit_map_page(town: Municipality, map_: Map, *, title: str, back_url: str, area: BaseGeometry | None = None):
    """Show and save the layer list of `map_`; `title` names the page the map belongs to."""
    available = db.session.scalars(select(Layer).where(Layer.municipality_id == town.id).order_by(Layer.name)).all()
    current = [(item.layer_id, item.visible) for item in map_.layers]
    form = MapForm(data=None if request.method == "POST" else {
        "rows": [{"layer_id": str(layer_id), "visible": visible} for layer_id, visible in current]})
    form.add.choices = [("", _("– choose a layer –"))] + [
        (str(layer.id), layer.name) for layer in available if layer.id not in dict(current)]
    # Every submitted row must name a layer of this town: the page lists them again, by id,
    # when the form has an error, and arrange_map takes them as they are.
    known = {str(layer.id) for layer in available}
    submitted = [row.layer_id.data for row in form.rows]
    if request.method == "POST" and (not known.issuperset(submitted) or len(set(submitted)) < len(submitted)):
        abort(400, _("A layer on the form is not available for this map. Please reload the page and try again."))
    if form.validate_on_submit():
        try:
            services.arrange_map(map_, town, current_user, _submitted_rows(form))
        except ValueError:
            abort(400, _("A layer on the form is not available for this map. Please reload the page and try again."))
        db.session.commit()
        flash(_("The map was saved."), "success")
        return redirect(request.path)
    return render_template("maps/edit.html", town=town, form=form, layers={layer.id: layer for layer in available},
                           title=title, back_url=back_url, drawing=draw_map(map_), map=area_map(area))


def _submitted_rows(form: MapForm) -> list[tuple[int, bool]]:
    """The layer rows as submitted (each the id of a known layer), with a "move" button's swap
    and an added layer applied."""
    rows = [(int(row.layer_id.data), row.visible.data) for row in form.rows if not row.remove.data]
    ident, _sep, direction = request.form.get("move", "").partition(":")
    index = next((i for i, (layer_id, _visible) in enumerate(rows) if str(layer_id) == ident), None)
    if index is not None and direction in ("up", "down"):
        other = index + (1 if direction == "down" else -1)
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
    if form.add.data and int(form.add.data) not in dict(rows):
        rows.append((int(form.add.data), True))
    return rows
