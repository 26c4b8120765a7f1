"""The OpenAPI 3.1 description of /api/v1/; tests check responses against it."""
from __future__ import annotations

from flask import current_app

from participation.web.colours import HEX_COLOUR
from participation.web.input_guard import MAX_URL_INT

_ERROR = {"$ref": "#/components/schemas/Error"}
#: What every operation may answer besides its own statuses (added in `openapi_document`).
_COMMON_400 = "Malformed request: a NUL character in the query string (refused for every address)"


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ERROR, description)


def _id(name: str) -> dict:
    """A path id: beyond MAX_URL_INT (or 0) it names nothing, answered 404 like a missing row."""
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_URL_INT}}


def _with_common_responses(paths: dict) -> dict:
    for item in paths.values():
        for operation in item.values():
            operation["responses"].setdefault("400", _error(_COMMON_400))
    return paths


def _map_data_paths(kind: str, subject_id: dict, name: str) -> dict:
    """The tiles of a project's or statute's comments and the version their addresses carry."""
    key = subject_id["name"]
    version = {"name": "v", "in": "query", "schema": {"type": "integer", "minimum": 0},
               "description": "The current version (…/comments/version): the answer is then kept for a year."}
    category = {"name": "category", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                "description": "Only the comments of this category."}
    tile = [{"name": "z", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": 20}},
            *({"name": axis, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0},
               "description": "Below 2 to the power of z"} for axis in ("x", "y"))]
    return {
        f"/{kind}/{{{key}}}/comments/tiles/{{z}}/{{x}}/{{y}}.json": {"get": {
            "summary": f"The comments of a {name}'s map in one tile: clusters where many, pins where few",
            "description": "Tiles are numbered as Leaflet numbers them (z 0–20). Below zoom 18 a tile with more "
                           "than 200 pins comes as clusters (at most 16, counts from a kept index); otherwise "
                           "as comments, at most 1 000, the newest. Public data is sent with "
                           "Cache-Control: public.",
            "parameters": [subject_id, *tile, version, category],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/CommentTile"}, "The tile"),
                "400": _json({"$ref": "#/components/schemas/FieldError"}, "Malformed category"),
                "404": _error(f"No such published {name}, or no such tile"),
            },
        }},
        f"/{kind}/{{{key}}}/comments/version": {"get": {
            "summary": f"The version of a {name}'s map data; it changes with any of its comments",
            "parameters": [subject_id],
            "responses": {
                "200": _json({"type": "object", "required": ["version"],
                              "properties": {"version": {"type": "integer", "minimum": 0}}}, "The version"),
                "404": _error(f"No such published {name}"),
            },
        }},
    }


def openapi_document() -> dict:
    maximum = current_app.config["API_MAX_FEATURES"]
    text_max = current_app.config["COMMENT_MAX_LENGTH"]
    project_id = _id("project_id")
    #: The query of a map asking for the pins of a project or statute.
    pin_query = [
        {"name": "bbox", "in": "query", "required": True, "style": "form", "explode": False,
         "schema": {"type": "array", "minItems": 4, "maxItems": 4, "prefixItems": [
             {"type": "number", "maximum": 180}, {"type": "number", "minimum": -90, "maximum": 90},
             {"type": "number", "minimum": -180}, {"type": "number", "minimum": -90, "maximum": 90}]},
         "example": [13.2, 53.5, 13.3, 53.6],
         "description": "west,south,east,north in degrees (EPSG:4326), as Leaflet's toBBoxString() "
                        "gives it; required, so an empty bbox is a 400. A view wider than the world "
                        "is clipped to it; west > east or south > north is a 400."},
        {"name": "limit", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": maximum, "default": maximum}},
        {"name": "category", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
         "description": "Only the comments of this category (an id from the project's "
                        "categories; another id matches nothing)."},
    ]
    #: Strings as sent in a query: anything but NUL.
    text = {"type": "string", "pattern": "^[^\\u0000]*$"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Beteiligungspool API",
            "version": "1",
            "description": "Projects and map-pinned comments. Geometries are GeoJSON in EPSG:4326. "
            "Writing needs a logged-in session and the CSRF token of a page in the X-CSRFToken header; "
            "without a session the answer is 401 whatever the token, with a session but no valid token 400. "
            "Writing is rate-limited per account and per address (429 with Retry-After).",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": _with_common_responses({
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {"200": _json({"type": "object", "required": ["openapi", "info", "paths"]},
                                               "The OpenAPI document")},
                }
            },
            "/projects": {
                "get": {
                    "summary": "Published projects",
                    "parameters": [{"name": "municipality", "in": "query", "schema": text,
                                    "description": "Only the projects of this municipality (its slug)."}],
                    "responses": {"200": _json({"$ref": "#/components/schemas/ProjectCollection"}, "Projects")},
                }
            },
            "/projects/{project_id}": {
                "get": {
                    "summary": "One project",
                    "parameters": [project_id],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Project"}, "The project"),
                        "404": _error("No such published project"),
                    },
                }
            },
            "/projects/{project_id}/comments": {
                "get": {
                    "summary": "Pinned comments of a project inside a bounding box",
                    "parameters": [project_id, *pin_query],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/CommentCollection"}, "Comments, newest first"),
                        "400": _json({"$ref": "#/components/schemas/FieldError"},
                                     "Missing, malformed or out-of-range bbox or limit, malformed category"),
                        "404": _error("No such published project"),
                    },
                },
                "post": {
                    "summary": "Create a comment or a reply",
                    "parameters": [project_id],
                    "security": [{"session": [], "csrf": []}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["text"],
                        "properties": {
                            "text": {"type": "string", "minLength": 1, "maxLength": text_max},
                            "category_id": {"type": ["integer", "null"],
                                            "description": "Required when the project has categories; not for replies."},
                            "location": {"oneOf": [{"$ref": "#/components/schemas/Point"}, {"type": "null"}]},
                            "parent_id": {"type": ["integer", "null"], "description": "Reply to this top-level comment."},
                        },
                    }}}},
                    "responses": {
                        "201": _json({"$ref": "#/components/schemas/Comment"}, "The comment was created"),
                        "202": _json({"type": "object", "required": ["status", "id", "message"], "properties": {
                            "status": {"const": "pending"}, "id": {"type": "integer"}, "message": {"type": "string"},
                        }}, "Received under pre-moderation: shown once a moderator has approved it"),
                        "400": _json({"$ref": "#/components/schemas/FieldError"}, "Invalid input"),
                        "401": _error("Not logged in (checked before the CSRF token)"),
                        "403": _error("Commenting is not possible now (period closed, e-mail not confirmed)"),
                        "404": _error("No such published project"),
                        "429": {**_error("Too many comments in a short time from this account or address"),
                                "headers": {"Retry-After": {"description": "Seconds until the next try",
                                                            "schema": {"type": "integer", "minimum": 0}}}},
                    },
                },
            },
            "/statutes/{statute_id}/comments": {
                "get": {
                    "summary": "Pinned comments of a statute inside a bounding box",
                    "parameters": [_id("statute_id"), *pin_query],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/CommentCollection"}, "Comments, newest first"),
                        "400": _json({"$ref": "#/components/schemas/FieldError"},
                                     "Missing, malformed or out-of-range bbox or limit"),
                        "404": _error("No such published statute"),
                    },
                },
            },
            **_map_data_paths("projects", project_id, "project"),
            **_map_data_paths("statutes", _id("statute_id"), "statute"),
            "/statutes/{statute_id}/plan-objects": {
                "get": {
                    "summary": "The plan objects of a statute's map at a point (what a comment there may refer to)",
                    "parameters": [
                        _id("statute_id"),
                        {"name": "lon", "in": "query", "required": True,
                         "schema": {"type": "number", "minimum": -180, "maximum": 180}},
                        {"name": "lat", "in": "query", "required": True,
                         "schema": {"type": "number", "minimum": -90, "maximum": 90}},
                    ],
                    "responses": {
                        "200": _json({"type": "object", "required": ["objects"], "properties": {"objects": {
                            "type": "array", "items": {
                                "type": "object", "required": ["value", "layer_id", "id", "label"],
                                "properties": {
                                    "value": {"type": "string", "description": "layer_id:id, as the form sends it"},
                                    "layer_id": {"type": "integer"}, "id": {"type": "string"},
                                    "label": {"type": "string", "description": "Its class and main rules in words"},
                                }}}}}, "Plan objects at the point, bottom layer first"),
                        "400": _json({"$ref": "#/components/schemas/FieldError"}, "Missing or malformed lon/lat"),
                        "404": _error("No such published statute"),
                    },
                },
            },
            "/layers/{layer_id}/features": {
                "get": {
                    "summary": "The published version of a GIS layer, simplified for a zoom level",
                    "description": "Each feature carries only the attributes its layer's popup shows and the one that "
                                   "chooses its colour; none by default. Layers above the vector-tile threshold "
                                   "are drawn from /tiles/{layer_id}/{z}/{x}/{y}.pbf instead.",
                    "parameters": [
                        _id("layer_id"),
                        {"name": "zoom", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 22},
                         "description": "Simplify to half a pixel at this web-map zoom level; omit for full detail."},
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/LayerFeatureCollection"}, "The features"),
                        "400": _json({"$ref": "#/components/schemas/FieldError"}, "Invalid zoom"),
                        "404": _error("No such layer, or nothing published yet"),
                        "422": _json({"type": "object", "required": ["error", "tiles"],
                                      "properties": {"error": {"type": "string"}, "tiles": {"type": "string"}}},
                                     "Too large for one GeoJSON document: draw it from `tiles`, the layer's "
                                     "vector-tile address with {z}/{x}/{y}"),
                    },
                }
            },
            "/towns/{slug}/addresses": {
                "get": {
                    "summary": "Addresses of a town's address list for what a resident typed",
                    "description": "For the address search box: the street by the start of its name (\"Hauptstr\" "
                                   "finds \"Hauptstraße\"), the house number by its start, a five-digit postcode "
                                   "exactly; ordered by street and house number (5, 5a, 6, 10). Without an "
                                   "address list, or when nothing names a street, the list is empty.",
                    "parameters": [
                        {"name": "slug", "in": "path", "required": True, "schema": text},
                        {"name": "q", "in": "query", "required": True,
                         "schema": {**text, "minLength": 1, "maxLength": 200},
                         "example": "Hauptstr 5", "description": "What was typed, e.g. \"Hauptstraße 5a, 17099\"."},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20,
                                                                    "default": 8}},
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/AddressList"}, "The addresses found"),
                        "400": _json({"$ref": "#/components/schemas/FieldError"},
                                     "Missing, empty or too long query, or a limit out of range"),
                        "404": _error("No such town"),
                    },
                }
            },
            "/comments/{comment_id}": {
                "get": {
                    "summary": "One comment",
                    "parameters": [_id("comment_id")],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Comment"}, "The comment"),
                        "404": _error("No such visible comment"),
                    },
                }
            },
        }),
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
            "schemas": _schemas(),
        },
    }


def _schemas() -> dict:
    category = {
        "type": "object",
        "required": ["id", "name", "color"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                       "color": {"type": "string", "pattern": HEX_COLOUR.pattern}},
    }
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
        "FieldError": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string"}, "field": {"type": "string"}},
        },
        "Point": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"const": "Point"},
                "coordinates": {"type": "array", "minItems": 2, "maxItems": 2,
                                "prefixItems": [{"type": "number", "minimum": -180, "maximum": 180},
                                                {"type": "number", "minimum": -90, "maximum": 90}]},
            },
        },
        "MultiPolygon": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {"type": {"const": "MultiPolygon"}, "coordinates": {"type": "array"}},
        },
        "Category": category,
        "Project": {
            "type": "object",
            "required": ["type", "id", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": "integer"},
                "geometry": {"oneOf": [{"$ref": "#/components/schemas/MultiPolygon"}, {"type": "null"}]},
                "properties": {
                    "type": "object",
                    "required": ["id", "title", "summary", "phase", "municipality", "url", "categories"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "phase": {"enum": ["information", "participation", "evaluation", "closed"]},
                        "participation_start": {"type": ["string", "null"], "format": "date"},
                        "participation_end": {"type": ["string", "null"], "format": "date"},
                        "municipality": {"type": "string"},
                        "url": {"type": "string"},
                        "paragraph": {"type": ["string", "null"],
                                      "description": "On a statute: the anchor of the paragraph commented on."},
                        "plan_object": {"oneOf": [{"type": "null"}, {
                            "type": "object", "required": ["layer_id", "id"],
                            "properties": {"layer_id": {"type": ["integer", "null"]}, "id": {"type": "string"}},
                            "description": "On a statute: the plan object commented on (its layer and feature id)."}]},
                        "categories": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}},
                    },
                },
            },
        },
        "ProjectCollection": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {"type": {"const": "FeatureCollection"},
                           "features": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}},
        },
        "Comment": {
            "type": "object",
            "required": ["type", "id", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": "integer"},
                "geometry": {"oneOf": [{"$ref": "#/components/schemas/Point"}, {"type": "null"}]},
                "properties": {
                    "type": "object",
                    "required": ["id", "text", "author", "category", "parent_id", "created_at", "supports", "replies", "url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "text": {"type": "string"},
                        "author": {"type": ["string", "null"], "description": "The author's public name"},
                        "category": {"oneOf": [{"$ref": "#/components/schemas/Category"}, {"type": "null"}]},
                        "parent_id": {"type": ["integer", "null"]},
                        "created_at": {"type": "string", "format": "date-time"},
                        "supports": {"type": "integer", "minimum": 0},
                        "replies": {"type": "integer", "minimum": 0},
                        "url": {"type": "string"},
                        "paragraph": {"type": ["string", "null"],
                                      "description": "On a statute: the anchor of the paragraph commented on."},
                        "plan_object": {"oneOf": [{"type": "null"}, {
                            "type": "object", "required": ["layer_id", "id"],
                            "properties": {"layer_id": {"type": ["integer", "null"]}, "id": {"type": "string"}},
                            "description": "On a statute: the plan object commented on (its layer and feature id)."}]},
                    },
                },
            },
        },
        "LayerFeatureCollection": {
            "type": "object",
            "required": ["type", "layer", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "layer": {
                    "type": "object",
                    "required": ["id", "name", "attribution", "version"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                   "attribution": {"type": "string"}, "version": {"type": "integer"}},
                },
                "features": {"type": "array", "items": {
                    "type": "object",
                    "required": ["type", "id", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "id": {"type": "integer"},
                        "geometry": {"type": "object", "required": ["type"],
                                     "properties": {"type": {"enum": [
                                         "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                                         "MultiPolygon", "GeometryCollection"]}}},
                        "properties": {"type": "object", "additionalProperties": {
                            "type": ["string", "number", "integer", "boolean", "null"]}},
                    },
                }},
            },
        },
        "AddressList": {
            "type": "object",
            "required": ["addresses"],
            "properties": {"addresses": {"type": "array", "maxItems": 20, "items": {
                "type": "object",
                "required": ["label", "street", "house_number", "postcode", "place", "lon", "lat"],
                "properties": {
                    "label": {"type": "string", "description": "e.g. \"Hauptstraße 5a, 17099 Musterstadt\""},
                    "street": {"type": "string"}, "house_number": {"type": "string"},
                    "postcode": {"type": "string"}, "place": {"type": "string"},
                    "lon": {"type": "number", "minimum": -180, "maximum": 180},
                    "lat": {"type": "number", "minimum": -90, "maximum": 90},
                },
            }}},
        },
        "CommentTile": {
            "type": "object",
            "required": ["type", "numberMatched", "numberReturned", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "numberMatched": {"type": "integer", "minimum": 0, "description": "Pins in the tile"},
                "numberReturned": {"type": "integer", "minimum": 0,
                                   "description": "Pins sent, or counted in the clusters sent"},
                "features": {"type": "array", "items": {"oneOf": [
                    {"$ref": "#/components/schemas/Comment"}, {"$ref": "#/components/schemas/Cluster"}]}},
            },
        },
        "Cluster": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "geometry": {"$ref": "#/components/schemas/Point"},
                "properties": {
                    "type": "object",
                    "required": ["cluster", "count", "cell"],
                    "properties": {
                        "cluster": {"const": True},
                        "count": {"type": "integer", "minimum": 1},
                        "cell": {"type": "array", "minItems": 3, "maxItems": 3, "items": {"type": "integer"},
                                 "description": "z, x, y of the cell, a tile two zooms deeper"},
                    },
                },
            },
        },
        "CommentCollection": {
            "type": "object",
            "required": ["type", "numberMatched", "numberReturned", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}},
            },
        },
    }
