"""OGC API – Features (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 2 CRS by reference), read-only, per town.

QGIS, GDAL's OAPIF driver and OWSLib load a town's published comments and layers from
``/<town>/ogc``. JSON only: no HTML is claimed, so none is served. Errors are JSON with an
OGC exception code. Nothing needs a login; only public data is served (see `collections`).
"""
from __future__ import annotations

import math
from datetime import datetime, timezone

from flask import Blueprint, Response, abort, json, request, url_for
from shapely.geometry import mapping
from werkzeug.exceptions import HTTPException

from participation.loaders import get_municipality
from participation.ogcapi import crs as crs_
from participation.ogcapi.collections import Collection, find_collection, town_collections
from participation.ogcapi.openapi import openapi_document

bp = Blueprint("ogcapi", __name__, url_prefix="/<slug>/ogc")

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
JSON, GEOJSON = "application/json", "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
#: A page holds at most this many features; a larger `limit` is cut to it, as Part 1 asks.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 10
ITEM_PARAMETERS = {"limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "f"}


class InvalidParameter(Exception):
    pass


def _answer(body: dict, media_type: str = JSON, status: int = 200, content_crs: str | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status, content_type=media_type)
    if content_crs:
        response.headers["Content-Crs"] = f"<{content_crs}>"
    # Public, read-only data: web map clients on other origins may read it (no cookies are sent with *).
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status: int, code: str, description: str) -> Response:
    return _answer({"code": code, "description": description}, status=status)


@bp.errorhandler(InvalidParameter)
def _invalid(error: InvalidParameter):
    return _error(400, "InvalidParameterValue", str(error))


@bp.errorhandler(HTTPException)
def _http(error: HTTPException):
    return _error(error.code or 500, "NotFound" if error.code == 404 else error.name, error.description or "")


def _url(endpoint: str, **values) -> str:
    return url_for(f"ogcapi.{endpoint}", _external=True, **values)


@bp.get("", strict_slashes=False)
def landing(slug: str):
    town = get_municipality(slug)
    return _answer({
        "title": f"{town.name}: Beteiligung (OGC API – Features)",
        "description": "Published comments and GIS layers of the town's participation platform.",
        "links": [
            {"rel": "self", "type": JSON, "href": _url("landing", slug=slug), "title": "This document"},
            {"rel": "service-desc", "type": OPENAPI, "href": _url("api", slug=slug), "title": "The API definition"},
            {"rel": "conformance", "type": JSON, "href": _url("conformance", slug=slug),
             "title": "Conformance classes"},
            {"rel": "data", "type": JSON, "href": _url("collections", slug=slug), "title": "The collections"},
        ]})


@bp.get("/conformance")
def conformance(slug: str):
    get_municipality(slug)
    return _answer({"conformsTo": CONFORMANCE})


@bp.get("/api")
def api(slug: str):
    town = get_municipality(slug)
    return _answer(openapi_document(town, town_collections(town), _url("landing", slug=slug), MAX_LIMIT,
                                    DEFAULT_LIMIT), media_type=OPENAPI)


def _collection_body(slug: str, collection: Collection) -> dict:
    body = {
        "id": collection.id, "title": collection.title, "description": collection.description,
        "itemType": "feature", "crs": list(crs_.SUPPORTED), "storageCrs": crs_.CRS84,
        "links": [
            {"rel": "self", "type": JSON, "href": _url("collection", slug=slug, collection_id=collection.id)},
            {"rel": "items", "type": GEOJSON, "href": _url("items", slug=slug, collection_id=collection.id)},
        ],
    }
    extent = collection.extent()
    if extent is not None:
        body["extent"] = {"spatial": {"bbox": [list(extent)], "crs": crs_.CRS84}}
    return body


@bp.get("/collections")
def collections(slug: str):
    town = get_municipality(slug)
    return _answer({
        "links": [{"rel": "self", "type": JSON, "href": _url("collections", slug=slug)}],
        "collections": [_collection_body(slug, c) for c in town_collections(town)],
    })


def _find(slug: str, collection_id: str) -> Collection:
    collection = find_collection(get_municipality(slug), collection_id)
    if collection is None:
        abort(404, description="No such collection.")
    return collection


@bp.get("/collections/<collection_id>")
def collection(slug: str, collection_id: str):
    return _answer(_collection_body(slug, _find(slug, collection_id)))


def _integer(name: str, default: int, minimum: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) < minimum:
        raise InvalidParameter(f"{name} must be an integer of at least {minimum}.")
    return int(text)


def _format() -> None:
    if request.args.get("f", "json") not in ("json", "geojson"):
        raise InvalidParameter("f must be json: this service answers in JSON only.")


def _crs_param(name: str) -> int | None:
    try:
        return crs_.epsg_of(request.args.get(name))
    except crs_.UnknownCrs:
        raise InvalidParameter(f"{name} must be one of: {', '.join(crs_.SUPPORTED)}.") from None


def _bbox():
    text = request.args.get("bbox")
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) == 6:  # a z range: ignored, the data are flat
        values = values[:2] + values[3:5]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidParameter("bbox must be four numbers (or six, with heights).")
    box = crs_.box_to_crs84(values, _crs_param("bbox-crs"))
    if box.west > box.east or box.south > box.north:
        raise InvalidParameter("bbox must run from its lower to its upper corner.")
    return box


def _instant(text: str) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParameter("datetime must be RFC 3339 times or an interval a/b, ../b, a/..") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _datetime():
    text = request.args.get("datetime")
    if text is None:
        return None
    start, sep, end = text.partition("/")
    if not sep:
        moment = _instant(start)
        return moment, moment
    return _instant(start), _instant(end)


def _feature(collection_id: str, ident: int, geometry, properties: dict, code: int | None, slug: str) -> dict:
    return {"type": "Feature", "id": ident,
            "geometry": mapping(crs_.to_crs(geometry, code)) if geometry is not None else None,
            "properties": properties,
            "links": [{"rel": "self", "type": GEOJSON,
                       "href": _url("item", slug=slug, collection_id=collection_id, feature_id=ident)},
                      {"rel": "collection", "type": JSON,
                       "href": _url("collection", slug=slug, collection_id=collection_id)}]}


@bp.get("/collections/<collection_id>/items")
def items(slug: str, collection_id: str):
    collection = _find(slug, collection_id)
    unknown = sorted(set(request.args) - ITEM_PARAMETERS)
    if unknown:
        raise InvalidParameter(f"Unknown parameter: {', '.join(unknown)}.")
    _format()
    limit = min(_integer("limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
    offset = _integer("offset", 0, 0)
    code = _crs_param("crs")
    interval = _datetime()
    clauses = collection.where(_bbox(), interval if collection.temporal else None)
    matched = collection.count(clauses)
    features = [_feature(collection.id, ident, geometry, properties, code, slug)
                for ident, geometry, properties in collection.page(clauses, limit, offset)]
    args = {key: value for key, value in request.args.items() if key not in ("limit", "offset")}
    links = [{"rel": "self", "type": GEOJSON,
              "href": _url("items", slug=slug, collection_id=collection.id, limit=limit, offset=offset, **args)},
             {"rel": "collection", "type": JSON, "href": _url("collection", slug=slug, collection_id=collection.id)}]
    if offset + len(features) < matched:
        links.append({"rel": "next", "type": GEOJSON, "href": _url(
            "items", slug=slug, collection_id=collection.id, limit=limit, offset=offset + limit, **args)})
    return _answer({"type": "FeatureCollection", "features": features, "numberMatched": matched,
                    "numberReturned": len(features),
                    "timeStamp": datetime.now(timezone.utc).isoformat(timespec="seconds"), "links": links},
                   media_type=GEOJSON, content_crs=crs_.uri_of(code))


@bp.get("/collections/<collection_id>/items/<int:feature_id>")
def item(slug: str, collection_id: str, feature_id: int):
    collection = _find(slug, collection_id)
    unknown = sorted(set(request.args) - {"crs", "f"})
    if unknown:
        raise InvalidParameter(f"Unknown parameter: {', '.join(unknown)}.")
    _format()
    code = _crs_param("crs")
    found = collection.page(collection.where(None, None) + [collection.id_column == feature_id], 1, 0)
    if not found:
        abort(404, description="No such feature.")
    return _answer(_feature(collection.id, *found[0], code, slug), media_type=GEOJSON,
                   content_crs=crs_.uri_of(code))
