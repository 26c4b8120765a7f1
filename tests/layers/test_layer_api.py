"""GET /api/v1/layers/<id>/features: the published version, simplified per zoom, no attributes."""
from __future__ import annotations

import math

import pytest
import shapely
from shapely.geometry import Polygon, shape

from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.layers.serving.features import tolerance_for_zoom
from participation.layers.serving.tiles import layer_stamp

#: A wiggly outline: 400 vertices a few metres apart along a ring about 1 km across.
RING = [(13.26 + 0.007 * math.cos(t / 400 * 2 * math.pi) + 0.00002 * (t % 2),
         53.56 + 0.0045 * math.sin(t / 400 * 2 * math.pi)) for t in range(400)]


@pytest.fixture
def layer(app, create_town):
    town = create_town()
    with app.app_context():
        item = Layer(municipality_id=town.id, name="Gebiete", attribution="© Zweckverband")
        db.session.add(item)
        db.session.flush()
        versions = []
        for number in (1, 2):
            geometry = Polygon(RING) if number == 1 else Polygon(RING).buffer(0.001)
            # As an import records it (participation.layers.services).
            version = LayerVersion(layer_id=item.id, number=number, original_filename="g.zip", feature_count=1,
                                   report={"vertex_count": int(shapely.get_num_coordinates(geometry))})
            db.session.add(version)
            db.session.flush()
            feature = LayerFeature(version_id=version.id, geometry=geometry, properties={"eigentuemer": "Privat"})
            feature._set_bbox(geometry)
            db.session.add(feature)
            versions.append(version.id)
        item.current_version_id = versions[0]
        db.session.commit()
        return {"id": item.id, "versions": versions}


def features(client, layer_id, query=""):
    response = client.get(f"/api/v1/layers/{layer_id}/features{query}")
    assert response.status_code == 200
    return response


def test_full_detail_without_zoom_and_no_attributes(client, layer):
    body = features(client, layer["id"]).get_json()
    assert body["layer"] == {"id": layer["id"], "name": "Gebiete", "attribution": "© Zweckverband", "version": 1}
    [feature] = body["features"]
    assert feature["properties"] == {}  # private by default: no popup configured
    assert len(shape(feature["geometry"]).exterior.coords) == 401


def test_low_zoom_is_simplified_within_half_a_pixel(client, layer):
    coarse = shape(features(client, layer["id"], "?zoom=10").get_json()["features"][0]["geometry"])
    fine = shape(features(client, layer["id"], "?zoom=20").get_json()["features"][0]["geometry"])
    assert len(coarse.exterior.coords) < 60 < len(fine.exterior.coords)
    assert coarse.hausdorff_distance(Polygon(RING)) <= tolerance_for_zoom(10) * 1.01


def test_etag_and_publishing_another_version(app, client, layer):
    first = features(client, layer["id"], "?zoom=12")
    assert client.get(f"/api/v1/layers/{layer['id']}/features?zoom=12",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with app.app_context():
        db.session.get(Layer, layer["id"]).current_version_id = layer["versions"][1]
        db.session.commit()
    second = features(client, layer["id"], "?zoom=12")
    assert second.headers["ETag"] != first.headers["ETag"]
    assert second.get_json()["layer"]["version"] == 2


@pytest.mark.parametrize("query", ["?zoom=23", "?zoom=abc", "?zoom=-1", "?zoom=", "?zoom=1.5"])
def test_bad_zoom_is_400(client, layer, query):
    response = client.get(f"/api/v1/layers/{layer['id']}/features{query}")
    assert response.status_code == 400 and response.get_json()["field"] == "zoom"


# --- Large layers by size, not only by feature count (issue 9, finding 12d) ---

def test_one_feature_of_many_vertices_goes_to_tiles(app, layer, monkeypatch):
    from participation.layers.serving.tiles import use_vector_tiles

    with app.app_context():
        item = db.session.get(Layer, layer["id"])
        assert item.current_version.feature_count <= app.config["LAYER_VECTOR_TILE_THRESHOLD"]
        monkeypatch.setitem(app.config, "LAYER_VECTOR_TILE_MAX_VERTICES", 300)  # the ring has 401
        assert use_vector_tiles(item)
        monkeypatch.setitem(app.config, "LAYER_VECTOR_TILE_MAX_VERTICES", 1000)
        assert not use_vector_tiles(item)


def test_geojson_of_a_layer_over_the_size_cap_is_refused_with_a_message(app, client, layer, monkeypatch):
    monkeypatch.setitem(app.config, "LAYER_GEOJSON_MAX_VERTICES", 300)
    for query in ("", "?zoom=3"):  # simplifying needs every vertex loaded first: refused at any zoom
        response = client.get(f"/api/v1/layers/{layer['id']}/features{query}", headers={"Accept-Language": "en"})
        assert response.status_code == 422
        body = response.get_json()
        assert "too large" in body["error"] and f"/tiles/{layer['id']}/{{z}}/{{x}}/{{y}}.pbf?v=" in body["tiles"]
    monkeypatch.setitem(app.config, "LAYER_GEOJSON_MAX_VERTICES", 1000)
    features(client, layer["id"])


def test_the_vertex_count_recorded_at_import_is_used(app, layer):
    from participation.layers.serving.features import geojson_size

    with app.app_context():
        version = db.session.get(Layer, layer["id"]).current_version
        version.report = {**(version.report or {}), "vertex_count": 7}
        assert geojson_size(version) == 7 + version.feature_count
        db.session.rollback()


def test_an_address_naming_the_layers_version_and_look_is_kept_for_a_year(app, client, layer):
    with app.app_context():
        stamp = layer_stamp(db.session.get(Layer, layer["id"]))
    kept = features(client, layer["id"], f"?v={stamp}")
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "cookie" not in kept.headers.get("Vary", "").lower()
    assert features(client, layer["id"]).headers["Cache-Control"] == "public, max-age=10"
    with app.app_context():  # another version published: the old address is no longer kept for long
        db.session.get(Layer, layer["id"]).current_version_id = layer["versions"][1]
        db.session.commit()
    assert features(client, layer["id"], f"?v={stamp}").headers["Cache-Control"] == "public, max-age=10"
