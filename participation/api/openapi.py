"""The OpenAPI 3.1 description of /api/v1/; tests check responses against it."""
from __future__ import annotations

from flask import current_app

from participation.web.colours import HEX_COLOUR

_ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ERROR, description)


def openapi_document() -> dict:
    maximum = current_app.config["API_MAX_FEATURES"]
    text_max = current_app.config["COMMENT_MAX_LENGTH"]
    project_id = {"name": "project_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Beteiligungspool API",
            "version": "1",
            "description": "Projects and map-pinned comments. Geometries are GeoJSON in EPSG:4326. "
            "Writing needs a logged-in session and the CSRF token of a page in the X-CSRFToken header.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
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
                    "parameters": [{"name": "municipality", "in": "query", "schema": {"type": "string"},
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
                    "parameters": [
                        project_id,
                        {"name": "bbox", "in": "query", "required": True, "schema": {"type": "string"},
                         "example": "13.2,53.5,13.3,53.6", "description": "west,south,east,north in degrees"},
                        {"name": "limit", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": maximum, "default": maximum}},
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/CommentCollection"}, "Comments, newest first"),
                        "400": _error("Malformed or out-of-range bbox or limit"),
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
                        "400": _json({"$ref": "#/components/schemas/FieldError"}, "Invalid input"),
                        "401": _error("Not logged in"),
                        "403": _error("Commenting is not possible now (period closed, e-mail not confirmed)"),
                        "404": _error("No such published project"),
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
                        {"name": "layer_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                        {"name": "zoom", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 22},
                         "description": "Simplify to half a pixel at this web-map zoom level; omit for full detail."},
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/LayerFeatureCollection"}, "The features"),
                        "400": _json({"$ref": "#/components/schemas/FieldError"}, "Invalid zoom"),
                        "404": _error("No such layer, or nothing published yet"),
                    },
                }
            },
            "/comments/{comment_id}": {
                "get": {
                    "summary": "One comment",
                    "parameters": [{"name": "comment_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Comment"}, "The comment"),
                        "404": _error("No such visible comment"),
                    },
                }
            },
        },
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
