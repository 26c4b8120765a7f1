"""The JSON API under /api/v1/, described by /api/v1/openapi.json."""
from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from geo.bbox import parse_bbox
from geo.errors import GeoInputError
from geo.points import parse_point
from geo.vector_tiles import is_valid_tile
from participation.addresses import queries as addresses
from participation.api.openapi import openapi_document
from participation.api import comment_tiles
from participation.api.serializers import comment_feature, project_feature
from participation.api.caching import anonymous_user, map_cache_headers, public_cache_headers
from participation.cache import cached_bytes, cached_json, json_bytes
from participation.comments import queries, services, tallies
from participation.comments.services import comments_scope
from participation.comments.models import Comment
from participation.comments.subjects import Subject, can_view_subject, subject_key, subject_url
from participation.comments.permissions import (
    comment_refusal,
    count_write,
    retry_after,
    write_limit_message,
    write_limited,
)
from participation.extensions import csrf, db
from participation.layers.models import Layer
from participation.layers.serving.features import MAX_ZOOM, features_scope, published_features
from participation.layers.serving.tiles import geojson_too_large, layer_stamp, tile_url_template
from participation.loaders import get_by_id, get_municipality
from participation.municipalities.models import Municipality
from participation.projects.models import Project
from participation.projects.permissions import can_view_project, visible_projects
from participation.statutes.models import Statute
from participation.statutes.here import plan_objects_at
from participation.statutes.permissions import can_view_statute

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _bad_request(message: str, field: str | None = None):
    body = {"error": message}
    if field:
        body["field"] = field
    return jsonify(body), 400


def _visible_project(project_id: int) -> Project:
    project = get_by_id(Project, project_id)
    if project is None or not can_view_project(current_user, project):
        abort(404)
    return project


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/projects")
def projects():
    query = (
        visible_projects(None)  # the list is public, the same for everyone
        .options(selectinload(Project.municipality), selectinload(Project.categories))
        .order_by(Project.id)
    )
    slug = request.args.get("municipality")
    if slug:
        query = query.join(Municipality).where(Municipality.slug == slug)
    features = [project_feature(p) for p in db.session.scalars(query)]
    return jsonify({"type": "FeatureCollection", "features": features})


@bp.get("/projects/<int:project_id>")
def project(project_id: int):
    return jsonify(project_feature(_visible_project(project_id)))


@bp.get("/projects/<int:project_id>/comments")
def comments(project_id: int):
    return _pins(_visible_project(project_id))


@bp.get("/statutes/<int:statute_id>/comments")
def statute_comments(statute_id: int):
    statute = get_by_id(Statute, statute_id)
    if statute is None or not can_view_statute(current_user, statute):
        abort(404)
    return _pins(statute)


@bp.get("/projects/<int:project_id>/comments/tiles/<int:z>/<int:x>/<int:y>.json")
def comment_tile(project_id: int, z: int, x: int, y: int):
    return _tile(_map_subject(Project, project_id), z, x, y)


@bp.get("/statutes/<int:statute_id>/comments/tiles/<int:z>/<int:x>/<int:y>.json")
def statute_comment_tile(statute_id: int, z: int, x: int, y: int):
    return _tile(_map_subject(Statute, statute_id), z, x, y)


@bp.get("/projects/<int:project_id>/comments/version")
def comments_version(project_id: int):
    return _version(_map_subject(Project, project_id))


@bp.get("/statutes/<int:statute_id>/comments/version")
def statute_comments_version(statute_id: int):
    return _version(_map_subject(Statute, statute_id))


def _map_subject(model, subject_id: int) -> Subject:
    """The project or statute if the person may see it, else 404. A public one is served without looking
    at the session, so that the answer is the same for everyone (no "Vary: Cookie") and a shared cache
    may keep it; a draft is looked up with the person's account."""
    subject = get_by_id(model, subject_id)
    if subject is None:
        abort(404)
    if not can_view_subject(anonymous_user(), subject) and not can_view_subject(current_user, subject):
        abort(404)
    return subject


def _version(subject: Subject):
    """The number the map data's addresses carry (`v`); it changes with any of the comments."""
    response = jsonify(version=tallies.map_version(subject_key(subject)))
    return map_cache_headers(response, subject, versioned=False)


def _tile(subject: Subject, z: int, x: int, y: int):
    """A tile of the comments on the subject's map (participation/api/comment_tiles.py)."""
    if not is_valid_tile(z, x, y) or z > comment_tiles.COMMENT_MAX_ZOOM:
        abort(404)
    category_id, refused = _category_arg()
    if refused:
        return refused
    version = tallies.map_version(subject_key(subject))
    body = cached_bytes(f"commenttile:{subject_key(subject)}:{version}:{z}/{x}/{y}:{category_id}",
                        lambda: json_bytes(comment_tiles.comment_tile(subject, z, x, y, category_id)))
    return map_cache_headers(_json_with_etag(body), subject, versioned=request.args.get("v") == str(version))


@bp.get("/statutes/<int:statute_id>/plan-objects")
def statute_plan_objects(statute_id: int):
    """The plan objects of a statute's map at a point: what a comment pinned there may refer to."""
    statute = get_by_id(Statute, statute_id)
    if statute is None or not can_view_statute(current_user, statute):
        abort(404)
    try:
        point = parse_point(request.args.get("lon"), request.args.get("lat"))
    except GeoInputError as error:
        return _bad_request(_(error.message).format(**error.params), "lon")
    found = [item for item in plan_objects_at(statute, point) if item.gml_id]
    return jsonify(objects=[{
        "value": f"{item.layer_id}:{item.gml_id}",
        "layer_id": item.layer_id,
        "id": item.gml_id,
        "label": ": ".join(part for part in (item.kind, item.rules) if part),
    } for item in found])


def _pins(subject: Subject):
    """The pinned comments of a project or statute in the bbox the map asks for."""
    try:
        bbox = parse_bbox(request.args.get("bbox"))
    except GeoInputError as error:
        return _bad_request(_(error.message).format(**error.params), "bbox")
    maximum = current_app.config["API_MAX_FEATURES"]
    raw = request.args.get("limit", str(maximum))
    try:
        # isdigit() alone admits "²", which int() refuses.
        limit = int(raw) if raw.isascii() and raw.isdigit() else 0
    except ValueError:  # more digits than int() converts
        limit = 0
    if not 1 <= limit <= maximum:
        return _bad_request(_("The limit must be a whole number from 1 to {maximum}.").format(maximum=maximum), "limit")
    category_id, refused = _category_arg()
    if refused:
        return refused

    def build() -> dict:
        items, matched = queries.pins_in_bbox(subject, bbox, limit, category_id)
        ids = [c.id for c in items]
        replies = queries.reply_counts(ids)
        page_url = subject_url(subject)
        return {
            "type": "FeatureCollection",
            "numberMatched": matched,
            "numberReturned": len(items),
            "features": [comment_feature(c, c.support_count, replies.get(c.id, 0), page_url) for c in items],
        }

    key = f"comments:{bbox.west},{bbox.south},{bbox.east},{bbox.north}:{limit}:{category_id}"
    response = _json_with_etag(cached_json(comments_scope(subject), key, build))
    return map_cache_headers(response, subject,
                             versioned=request.args.get("v") == str(tallies.map_version(subject_key(subject))))


def _category_arg():
    """The `category` of a map-data request (None without one), or the 400 answer to a malformed one."""
    if "category" not in request.args:
        return None, None
    category_id = queries.positive_int(request.args["category"])
    if category_id is None:
        return None, _bad_request(_("The category must be the id of one of the project's categories."), "category")
    return category_id, None


def _json_with_etag(body: bytes) -> Response:
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


def _too_fast(request_limit):
    seconds = retry_after(request_limit)
    response = jsonify(error=write_limit_message(seconds))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.post("/projects/<int:project_id>/comments")
@csrf.exempt  # checked below, after the log-in: anonymous is 401 as documented, not a CSRF 400
@write_limited(_too_fast)
def create_comment(project_id: int):
    project = _visible_project(project_id)
    if not current_user.is_authenticated:
        return jsonify(error=_("Please log in to comment.")), 401
    csrf.protect()
    refusal = comment_refusal(current_user, project)
    if refusal:
        return jsonify(error=refusal), 403
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _bad_request(_("The request body must be a JSON object."))
    location = payload.get("location")
    lon = lat = None
    if location is not None:
        coords = location.get("coordinates") if isinstance(location, dict) else None
        if not (isinstance(location, dict) and location.get("type") == "Point"
                and isinstance(coords, list) and len(coords) == 2):
            return _bad_request(_("The location must be a GeoJSON Point with longitude and latitude."), "location")
        lon, lat = coords
    try:
        draft = services.parse_comment(
            project, payload.get("text"), payload.get("category_id"), lon, lat, payload.get("parent_id")
        )
    except services.CommentInputError as error:
        return _bad_request(error.message, error.field)
    comment = services.create_comment(project, current_user, draft)
    db.session.commit()
    count_write()
    if not comment.is_published:
        # Pre-moderation: received, but nobody can fetch it until a moderator approves it.
        return jsonify(status="pending", id=comment.id,
                       message=_("Your comment has been received. It will be shown once a moderator has approved it.")), 202
    response = jsonify(comment_feature(comment))
    response.status_code = 201
    response.headers["Location"] = url_for("api.comment", comment_id=comment.id)
    return response


@bp.get("/comments/<int:comment_id>")
def comment(comment_id: int):
    item = get_by_id(Comment, comment_id)
    gone = item is None or not item.is_published or item.deleted_at is not None  # waiting, hidden, or deleted by its author
    if gone or not can_view_subject(current_user, item.subject):
        abort(404)
    ids = [item.id]
    return jsonify(comment_feature(item, item.support_count, queries.reply_counts(ids).get(item.id, 0)))


@bp.get("/layers/<int:layer_id>/features")
def layer_features(layer_id: int):
    layer = get_by_id(Layer, layer_id)
    if layer is None or layer.current_version is None:
        abort(404)
    raw = request.args.get("zoom")
    zoom = int(raw) if raw is not None and raw.isascii() and raw.isdigit() and len(raw) <= 2 else None
    if raw is not None and (zoom is None or zoom > MAX_ZOOM):
        return _bad_request(_("The zoom must be a whole number from 0 to {maximum}.").format(maximum=MAX_ZOOM), "zoom")
    if geojson_too_large(layer.current_version):  # one document would be tens of megabytes, built uncached without Redis
        return jsonify(error=_("This layer is too large for one GeoJSON document; use its vector tiles."),
                       tiles=tile_url_template(layer)), 422
    key = f"version:{layer.current_version_id}:zoom:{zoom}"
    response = _json_with_etag(cached_json(features_scope(layer.id), key, lambda: published_features(layer, zoom)))
    return public_cache_headers(response, versioned=request.args.get("v") == layer_stamp(layer))


@bp.get("/towns/<slug>/addresses")
def town_addresses(slug: str):
    """The search box's suggestions: addresses of the town's address list for what was typed."""
    town = get_municipality(slug)
    text = request.args.get("q", "")
    if not text or len(text) > addresses.MAX_QUERY_LENGTH:
        return _bad_request(_("Type a street name, up to {maximum} characters.").format(
            maximum=addresses.MAX_QUERY_LENGTH), "q")
    raw = request.args.get("limit", "8")
    limit = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
    if not 1 <= limit <= addresses.MAX_RESULTS:
        return _bad_request(_("The limit must be a whole number from 1 to {maximum}.").format(
            maximum=addresses.MAX_RESULTS), "limit")
    return jsonify({"addresses": [addresses.as_json(a) for a in addresses.search(town, text, limit)]})
