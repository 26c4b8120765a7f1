"""`/<slug>/was-gilt-hier`: which statutes apply at a place a resident picks on the map or by address."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _

from geo.errors import GeoInputError
from geo.points import parse_point, point_in_area
from participation.addresses import queries as addresses
from participation.loaders import get_municipality
from participation.statutes import here
from participation.statutes.periods import local_date
from participation.database.mixins import utcnow
from participation.web.folium_maps import overview_map

bp = Blueprint("statutes_here", __name__)


def _answer(town):
    """(point, address label, other addresses, error) from the query string."""
    args = request.args
    if "lon" in args or "lat" in args:
        try:
            return parse_point(args.get("lon", ""), args.get("lat", "")), None, [], None
        except GeoInputError as error:
            return None, None, [], _(error.message).format(**error.params)
    text = args.get("adresse", "").strip()[:addresses.MAX_QUERY_LENGTH]
    if not text:
        return None, None, [], None
    address, others = addresses.best_match(town, text)
    if address is None:
        return None, None, [], _("No address was found for “{text}”. Please check the street name, or mark "
                                 "the place on the map.").format(text=text)
    return address.location, address.label, others, None


@bp.get("/<slug>/was-gilt-hier")
def show(slug: str):
    town = get_municipality(slug)
    point, label, others, error = _answer(town)
    findings = here.what_applies(town, point, local_date(utcnow())) if point is not None else []
    outside = point is not None and town.boundary is not None and not point_in_area(point, town.boundary)
    if request.args.get("format") == "json":
        if error:
            return jsonify(error=error), 400
        if point is None:
            return jsonify(error=_("Give a place as lon and lat, or an address.")), 400
        return jsonify(here.as_json(point, findings, label))
    context = dict(town=town, point=point, address=label, others=others, error=error, findings=findings,
                   outside=outside, areas=here.map_areas(findings))
    status = 400 if error and ("lon" in request.args or "lat" in request.args) else 200
    if request.args.get("teil") == "ergebnis":
        return render_template("statutes/here_results.html", **context), status
    return render_template("statutes/here.html", map=overview_map(here.map_extent(town), boundary=town.boundary),
                           **context), status
