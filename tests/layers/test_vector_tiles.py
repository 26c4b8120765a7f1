"""GET /tiles/<layer>/<z>/<x>/<y>.pbf: published vector layers as Mapbox Vector Tiles."""
from __future__ import annotations

import re

import mapbox_vector_tile
import pytest
from redis.exceptions import RedisError
from shapely.geometry import box, shape

from geo.vector_tiles import tile_bounds_lonlat, tile_for_lonlat
from participation.extensions import db
from participation import cache
from participation.layers.serving import tiles
from participation.layers.serving import views as tile_views
from participation.layers.models import Layer, LayerFeature, LayerKind, LayerVersion
from participation.layers.serving.tiles import tile_min_zoom, tile_url_template, use_vector_tiles

Z = 14
#: The zoom-14 tile of Neubrandenburg's market square, and one two tiles east of it.
HERE = tile_for_lonlat(13.2615, 53.5575, Z)
EAST = (HERE[0] + 2, HERE[1])


def inside(tile, fraction_w: float, fraction_s: float, size: float = 0.1):
    """A square in `tile`, placed by fractions of the tile from its south-west corner."""
    bounds = tile_bounds_lonlat(Z, *tile)
    width, height = bounds.east - bounds.west, bounds.north - bounds.south
    west, south = bounds.west + fraction_w * width, bounds.south + fraction_s * height
    return box(west, south, west + size * width, south + size * height)


def add_version(layer_id: int, number: int, geometries_and_properties) -> tuple[int, list[int]]:
    version = LayerVersion(layer_id=layer_id, number=number, original_filename="f.gpkg",
                           feature_count=len(geometries_and_properties))
    db.session.add(version)
    db.session.flush()
    ids = []
    for geometry, properties in geometries_and_properties:
        feature = LayerFeature(version_id=version.id, geometry=geometry, properties=properties)
        feature._set_bbox(geometry)
        db.session.add(feature)
        db.session.flush()
        ids.append(feature.id)
    bounds = [f.bounds for f, _ in geometries_and_properties]
    version.min_x, version.min_y = min(b[0] for b in bounds), min(b[1] for b in bounds)
    version.max_x, version.max_y = max(b[2] for b in bounds), max(b[3] for b in bounds)
    return version.id, ids


@pytest.fixture
def layer(app, create_town):
    """A published layer: two parcels in HERE, one in EAST; a second, unpublished version elsewhere."""
    town = create_town()
    with app.app_context():
        item = Layer(municipality_id=town.id, name="Flurstücke", attribution="© LGB",
                     popup=[{"attribute": "flurstueck", "label": "Flurstück"}],
                     style={"categorise_by": "nutzung", "categories": [{"value": "WA", "colour": "#e6a23c"}]})
        db.session.add(item)
        db.session.flush()
        first, ids = add_version(item.id, 1, [
            (inside(HERE, 0.2, 0.2), {"flurstueck": "1/1", "nutzung": "WA", "eigentuemer": "Erika Mustermann"}),
            (inside(HERE, 0.6, 0.6), {"flurstueck": "1/2", "nutzung": "MI", "eigentuemer": "Max Mustermann",
                                      "wert": 120000}),
            (inside(EAST, 0.5, 0.5), {"flurstueck": "9/9", "eigentuemer": "Stadt"}),
        ])
        second, second_ids = add_version(item.id, 2, [(inside(EAST, 0.1, 0.1), {"flurstueck": "new"})])
        item.current_version_id = first
        db.session.commit()
        return {"id": item.id, "versions": [first, second], "ids": ids, "second_ids": second_ids}


def tile_url(layer_id: int, tile=HERE, z: int = Z) -> str:
    return f"/tiles/{layer_id}/{z}/{tile[0]}/{tile[1]}.pbf"


def decoded(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    tile = mapbox_vector_tile.decode(response.data, default_options={"y_coord_down": True})
    assert list(tile) == ["features"]
    return tile["features"]["features"]


def test_tile_holds_the_features_that_meet_it_with_public_attributes_only(client, layer):
    features = decoded(client.get(tile_url(layer["id"])))
    assert sorted(f["id"] for f in features) == layer["ids"][:2]
    by_id = {f["id"]: f for f in features}
    # The popup's attribute and the one that picks colours; no owners, no values nobody chose.
    assert by_id[layer["ids"][0]]["properties"] == {"flurstueck": "1/1", "nutzung": "WA"}
    assert by_id[layer["ids"][1]]["properties"] == {"flurstueck": "1/2", "nutzung": "MI"}
    first = shape(by_id[layer["ids"][0]]["geometry"])
    # 0.2 … 0.3 of the tile from its south-west corner: x 819 … 1229, y (down) 2867 … 3277 of 4096.
    assert first.bounds == pytest.approx((819, 2867, 1229, 3277), abs=2)


def test_tile_elsewhere_is_empty(client, layer):
    x, y = HERE
    response = client.get(tile_url(layer["id"], (x, y + 3)))
    assert response.status_code == 204 and response.data == b""
    assert response.headers["ETag"] and "max-age" in response.headers["Cache-Control"]
    [feature] = decoded(client.get(tile_url(layer["id"], EAST)))
    assert feature["id"] == layer["ids"][2] and feature["properties"] == {"flurstueck": "9/9"}


def test_no_attributes_chosen_means_none_sent(app, client, layer):
    with app.app_context():
        item = db.session.get(Layer, layer["id"])
        item.popup, item.style = [], {}
        db.session.commit()
    assert all(f["properties"] == {} for f in decoded(client.get(tile_url(layer["id"]))))


def test_only_the_published_version_is_served(app, client, layer):
    assert [f["id"] for f in decoded(client.get(tile_url(layer["id"], EAST)))] == [layer["ids"][2]]
    with app.app_context():
        db.session.get(Layer, layer["id"]).current_version_id = layer["versions"][1]
        db.session.commit()
    assert [f["id"] for f in decoded(client.get(tile_url(layer["id"], EAST)))] == layer["second_ids"]
    assert client.get(tile_url(layer["id"])).status_code == 204


def test_unpublished_unknown_and_other_kinds_are_404(app, client, layer, create_town):
    town = create_town()
    with app.app_context():
        draft = Layer(municipality_id=town.id, name="Entwurf")
        wms = Layer(municipality_id=town.id, name="Luftbild", kind=LayerKind.WMS)
        db.session.add_all([draft, wms])
        db.session.flush()
        add_version(draft.id, 1, [(inside(HERE, 0.2, 0.2), {})])
        # Even with a version, a WMS layer has no vector tiles.
        wms.current_version_id, _ = add_version(wms.id, 1, [(inside(HERE, 0.2, 0.2), {})])
        db.session.commit()
        draft_id, wms_id = draft.id, wms.id
    for layer_id in (draft_id, wms_id, layer["id"] + 1000, 2**40):
        assert client.get(tile_url(layer_id)).status_code == 404, layer_id


@pytest.mark.parametrize("path", ["23/0/0", "14/16384/0", "14/0/16384", "1/2/0", "-1/0/0", "14/-1/0", "a/0/0",
                                  "99999999999999999999/0/0"])
def test_tiles_that_do_not_exist_are_404(client, layer, path):
    assert client.get(f"/tiles/{layer['id']}/{path}.pbf").status_code == 404


def test_etag_304_and_cache_control(app, client, layer):
    first = client.get(tile_url(layer["id"]))
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == f"public, max-age={tile_views.MAX_AGE_SECONDS}"
    again = client.get(tile_url(layer["id"]), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(tile_url(layer["id"], EAST)).headers["ETag"] != etag  # per tile
    with app.app_context():  # a changed popup changes what the tile holds
        db.session.get(Layer, layer["id"]).popup = [{"attribute": "eigentuemer", "label": "Eigentum"}]
        db.session.commit()
    changed = client.get(tile_url(layer["id"]), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    with app.app_context():  # so does another version
        db.session.get(Layer, layer["id"]).current_version_id = layer["versions"][1]
        db.session.commit()
    assert client.get(tile_url(layer["id"]), headers={"If-None-Match": changed.headers["ETag"]}).status_code == 204


class FakeRedis:
    def __init__(self, broken: bool = False):
        self.data, self.broken = {}, broken

    def get(self, key):
        if self.broken:
            raise RedisError("down")
        return self.data.get(key)

    def set(self, key, value, ex=None):
        assert ex == cache.TTL_SECONDS
        self.data[key] = value


def test_tiles_are_cached_in_redis_under_a_key_that_names_their_content(app, client, layer, monkeypatch):
    fake = FakeRedis()
    monkeypatch.setattr(cache, "redis_client", lambda: fake)
    first = client.get(tile_url(layer["id"]))
    [(key, value)] = fake.data.items()
    assert value == first.data and first.headers["ETag"].strip('"') in key
    fake.data[key] = b"from the cache"
    assert client.get(tile_url(layer["id"])).data == b"from the cache"
    empty = client.get(tile_url(layer["id"], (HERE[0], HERE[1] + 3)))
    assert empty.status_code == 204 and b"" in fake.data.values()


def test_redis_down_means_built_every_time(client, layer, monkeypatch):
    monkeypatch.setattr(cache, "redis_client", lambda: FakeRedis(broken=True))
    assert len(decoded(client.get(tile_url(layer["id"])))) == 2


def test_tiles_with_too_many_features_are_not_drawn(client, layer, monkeypatch):
    monkeypatch.setattr(tiles, "MAX_TILE_FEATURES", 1)
    monkeypatch.setattr(tiles, "tile_min_zoom", lambda layer: 0)
    assert client.get(tile_url(layer["id"])).status_code == 204  # two features
    assert len(decoded(client.get(tile_url(layer["id"], EAST)))) == 1


def test_tiles_below_the_minimum_zoom_are_not_drawn(app, client, layer, monkeypatch):
    with app.app_context():
        assert tile_min_zoom(db.session.get(Layer, layer["id"])) == 0  # three features: any zoom
    monkeypatch.setattr(tiles, "MAX_TILE_FEATURES", 2)  # one per tile, as estimated: zoom 14 is too far out
    with app.app_context():
        minimum = tile_min_zoom(db.session.get(Layer, layer["id"]))
    assert minimum > Z
    assert client.get(tile_url(layer["id"])).status_code == 204
    x, y = tile_for_lonlat(*inside(HERE, 0.2, 0.2).centroid.coords[0], minimum)
    assert len(decoded(client.get(tile_url(layer["id"], (x, y), minimum)))) == 1


def test_use_vector_tiles_compares_the_published_feature_count_with_the_threshold(app, layer, monkeypatch):
    with app.app_context():
        item = db.session.get(Layer, layer["id"])  # three features published
        monkeypatch.setitem(app.config, "LAYER_VECTOR_TILE_THRESHOLD", 2)
        assert use_vector_tiles(item)
        monkeypatch.setitem(app.config, "LAYER_VECTOR_TILE_THRESHOLD", 3)
        assert not use_vector_tiles(item)
        item.current_version_id = layer["versions"][1]  # one feature
        db.session.flush()
        db.session.expire(item, ["current_version"])
        monkeypatch.setitem(app.config, "LAYER_VECTOR_TILE_THRESHOLD", 0)
        assert use_vector_tiles(item)
        item.kind = LayerKind.WMS
        assert not use_vector_tiles(item)
        item.kind, item.current_version_id = LayerKind.VECTOR, None
        db.session.flush()
        db.session.expire(item, ["current_version"])
        assert not use_vector_tiles(item)
        db.session.rollback()


def test_the_threshold_is_a_setting_with_a_measured_default(app):
    assert app.config["LAYER_VECTOR_TILE_THRESHOLD"] == 5000


def test_url_template_for_leaflet_names_the_version_and_look_so_caches_keep_it(app, client, layer):
    def template():
        with app.test_request_context():
            return tile_url_template(db.session.get(Layer, layer["id"]))

    first = template()
    assert re.fullmatch(rf"/tiles/{layer['id']}/{{z}}/{{x}}/{{y}}\.pbf\?v=[0-9a-f]{{16}}", first)
    response = client.get(first.format(z=Z, x=HERE[0], y=HERE[1]))
    assert len(decoded(response)) == 2
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "cookie" not in response.headers.get("Vary", "").lower()
    with app.app_context():  # a changed popup is a new address
        db.session.get(Layer, layer["id"]).popup = [{"attribute": "eigentuemer", "label": "Eigentum"}]
        db.session.commit()
    assert template() != first
    old = client.get(first.format(z=Z, x=HERE[0], y=HERE[1]))
    assert old.headers["Cache-Control"] == f"public, max-age={tile_views.MAX_AGE_SECONDS}"
