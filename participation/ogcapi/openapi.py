"""The OpenAPI 3.0 document of a town's OGC API (conformance class oas30).

It lists each collection's items path as well as the generic one, because GDAL reads the
page-size limit from the concrete path (``/collections/comments/items``).
"""
from __future__ import annotations

from participation.ogcapi import crs as crs_


def _parameter(name: str, description: str, schema: dict, style: str | None = None) -> dict:
    found = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if style:
        found.update(style=style, explode=False)
    return found


def _items_operation(summary: str) -> dict:
    return {"summary": summary, "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in
                                               ("limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "f")],
            "responses": {"200": {"description": "A GeoJSON FeatureCollection",
                                  "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                          "400": {"description": "A parameter has a wrong value"},
                          "404": {"description": "No such collection"}}}


def openapi_document(town, collections, root: str, max_limit: int, default_limit: int) -> dict:
    json_response = {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}}
    paths = {
        "/": {"get": {"summary": "Landing page", "responses": json_response}},
        "/conformance": {"get": {"summary": "Conformance classes", "responses": json_response}},
        "/api": {"get": {"summary": "This document", "responses": {"200": {"description": "OK", "content": {
            "application/vnd.oai.openapi+json;version=3.0": {"schema": {"type": "object"}}}}}}},
        "/collections": {"get": {"summary": "The collections", "responses": json_response}},
        "/collections/{collectionId}": {"get": {
            "summary": "One collection", "parameters": [{"$ref": "#/components/parameters/collectionId"}],
            "responses": json_response}},
        "/collections/{collectionId}/items": {"get": {
            **_items_operation("Features of a collection"),
            "parameters": [{"$ref": "#/components/parameters/collectionId"}]
            + _items_operation("")["parameters"]}},
        "/collections/{collectionId}/items/{featureId}": {"get": {
            "summary": "One feature",
            "parameters": [{"$ref": "#/components/parameters/collectionId"},
                           {"name": "featureId", "in": "path", "required": True, "schema": {"type": "integer"}},
                           {"$ref": "#/components/parameters/crs"}, {"$ref": "#/components/parameters/f"}],
            "responses": {"200": {"description": "A GeoJSON Feature",
                                  "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                          "404": {"description": "No such feature"}}}},
    }
    for collection in collections:
        paths[f"/collections/{collection.id}/items"] = {"get": _items_operation(collection.title)}
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{town.name}: OGC API – Features", "version": "1.0.0",
                 "description": "Published comments and GIS layers, read-only."},
        "servers": [{"url": root.rstrip("/")}],
        "paths": paths,
        "components": {"parameters": {
            "collectionId": {"name": "collectionId", "in": "path", "required": True, "schema": {"type": "string"}},
            "limit": _parameter("limit", "How many features a page holds at most.",
                                {"type": "integer", "minimum": 1, "maximum": max_limit, "default": default_limit},
                                "form"),
            "offset": _parameter("offset", "How many features to skip.", {"type": "integer", "minimum": 0}),
            "bbox": _parameter("bbox", "Only features meeting this box (lower corner, upper corner).",
                               {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}, "form"),
            "bbox-crs": _parameter("bbox-crs", "The CRS of bbox.", {"type": "string", "format": "uri",
                                                                   "enum": list(crs_.SUPPORTED)}, "form"),
            "crs": _parameter("crs", "The CRS of the answer's coordinates.",
                              {"type": "string", "format": "uri", "enum": list(crs_.SUPPORTED)}, "form"),
            "datetime": _parameter("datetime", "An RFC 3339 time or interval (comments: when they were written).",
                                   {"type": "string"}, "form"),
            "f": _parameter("f", "The format: JSON only.", {"type": "string", "enum": ["json", "geojson"]}, "form"),
        }},
    }
