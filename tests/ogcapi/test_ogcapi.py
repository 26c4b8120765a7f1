"""The town's OGC API – Features as the standard asks: landing page, conformance, OpenAPI 3.0, collections,
items with bbox, limit, paging and CRS (Part 2), single features, JSON errors; only public data."""
from __future__ import annotations

import pytest
from pyproj import Transformer

from participation.ogcapi.crs import CRS84
from tests.conftest import INSIDE

EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
CLASSES = ["http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
           "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
           "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
           "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"]


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response


def test_landing_page_links_what_part_1_requires(client, gis_town):
    town, _ids = gis_town
    for path in (f"/{town.slug}/ogc", f"/{town.slug}/ogc/"):
        response = _get(client, path)
        assert response.content_type == "application/json"
        links = {link["rel"]: link for link in response.json["links"]}
        assert {"self", "service-desc", "conformance", "data"} <= set(links)
        assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
        assert all(link["href"].startswith("http://localhost/") and link["type"] for link in links.values())


def test_conformance_and_the_openapi_3_0_document(client, gis_town):
    town, ids = gis_town
    assert _get(client, f"/{town.slug}/ogc/conformance").json["conformsTo"] == CLASSES
    api = _get(client, f"/{town.slug}/ogc/api")
    assert api.content_type == "application/vnd.oai.openapi+json;version=3.0"
    document = api.json
    assert document["openapi"] == "3.0.3"
    assert document["components"]["parameters"]["limit"]["schema"] == {
        "type": "integer", "minimum": 1, "maximum": 1000, "default": 10}
    # GDAL reads the page size from each collection's own items path.
    for collection in ("comments", f"layer-{ids['layer']}"):
        parameters = document["paths"][f"/collections/{collection}/items"]["get"]["parameters"]
        assert {"$ref": "#/components/parameters/limit"} in parameters


def test_collections_list_comments_and_published_layers_with_crs_and_extent(client, gis_town):
    town, ids = gis_town
    body = _get(client, f"/{town.slug}/ogc/collections").json
    collections = {c["id"]: c for c in body["collections"]}
    assert list(collections) == ["comments", f"layer-{ids['layer']}"]
    comments = collections["comments"]
    assert comments["itemType"] == "feature" and comments["storageCrs"] == CRS84
    assert comments["crs"] == [CRS84, EPSG.format(4326), EPSG.format(25832), EPSG.format(25833)]
    west, south, east, north = comments["extent"]["spatial"]["bbox"][0]
    assert (west, south) == pytest.approx((INSIDE.x, INSIDE.y)) and east > west
    assert {link["rel"]: link["type"] for link in comments["links"]} == {
        "self": "application/json", "items": "application/geo+json"}
    single = _get(client, f"/{town.slug}/ogc/collections/layer-{ids['layer']}").json
    assert single["title"] == "Parzellen" and single["extent"]["spatial"]["bbox"] == [[13.25, 53.55, 13.26, 53.553]]


def test_only_published_comments_with_a_place_leave_the_server(client, gis_town):
    town, ids = gis_town
    response = _get(client, f"/{town.slug}/ogc/collections/comments/items")
    assert response.content_type == "application/geo+json"
    assert response.headers["Content-Crs"] == f"<{CRS84}>"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json
    assert [f["id"] for f in body["features"]] == ids["published"]
    assert body["numberMatched"] == body["numberReturned"] == 3
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [INSIDE.x, INSIDE.y]}
    assert feature["properties"]["reference"] == f"K-{ids['published'][0]}"
    assert feature["properties"]["replies"] == 1 and feature["properties"]["subject_kind"] == "project"
    assert "email" not in str(body) and "@" not in str(feature["properties"])
    for hidden in (ids["hidden"], ids["pending"]):
        _get(client, f"/{town.slug}/ogc/collections/comments/items/{hidden}", 404)


def test_layer_features_carry_only_the_popups_attributes(client, gis_town):
    town, ids = gis_town
    body = _get(client, f"/{town.slug}/ogc/collections/layer-{ids['layer']}/items").json
    assert [f["properties"] for f in body["features"]] == [{"nutzung": "WA"}, {"nutzung": "MI"}]
    assert "Mustermann" not in str(body)


def test_limit_and_offset_page_with_next_links_that_keep_the_query(client, gis_town):
    town, ids = gis_town
    crs = EPSG.format(25833)
    first = _get(client, f"/{town.slug}/ogc/collections/comments/items?limit=2&crs={crs}").json
    assert [f["id"] for f in first["features"]] == ids["published"][:2]
    following = next(link["href"] for link in first["links"] if link["rel"] == "next")
    assert "offset=2" in following and "limit=2" in following and "crs=" in following
    second = _get(client, following.removeprefix("http://localhost")).json
    assert [f["id"] for f in second["features"]] == ids["published"][2:]
    assert not any(link["rel"] == "next" for link in second["links"])
    # Above the maximum is not an error: the maximum is used (Part 1, /req/core/fc-limit-response-1).
    assert _get(client, f"/{town.slug}/ogc/collections/comments/items?limit=100000").json["numberReturned"] == 3


def test_bbox_in_crs84_4326_and_utm(client, gis_town):
    town, ids = gis_town
    base = f"/{town.slug}/ogc/collections/comments/items"
    near = f"{INSIDE.x - 1e-5},{INSIDE.y - 1e-5},{INSIDE.x + 1e-5},{INSIDE.y + 1e-5}"
    assert [f["id"] for f in _get(client, f"{base}?bbox={near}").json["features"]] == ids["published"][:1]
    latlon = f"{INSIDE.y - 1e-5},{INSIDE.x - 1e-5},{INSIDE.y + 1e-5},{INSIDE.x + 1e-5}"
    found = _get(client, f"{base}?bbox={latlon}&bbox-crs={EPSG.format(4326)}").json["features"]
    assert [f["id"] for f in found] == ids["published"][:1]
    x, y = Transformer.from_crs(4326, 25833, always_xy=True).transform(INSIDE.x, INSIDE.y)
    metres = f"{x + 5},{y - 5},{x + 25},{y + 5}"  # the comments 10 and 20 m east
    found = _get(client, f"{base}?bbox={metres}&bbox-crs={EPSG.format(25833)}").json["features"]
    assert [f["id"] for f in found] == ids["published"][1:]


def test_crs_changes_the_coordinates_and_the_content_crs_header(client, gis_town):
    town, ids = gis_town
    url = f"/{town.slug}/ogc/collections/comments/items/{ids['published'][0]}"
    response = _get(client, f"{url}?crs={EPSG.format(25832)}")
    assert response.headers["Content-Crs"] == f"<{EPSG.format(25832)}>"
    x, y = Transformer.from_crs(4326, 25832, always_xy=True).transform(INSIDE.x, INSIDE.y)
    assert response.json["geometry"]["coordinates"] == pytest.approx([x, y])
    latitude_first = _get(client, f"{url}?crs={EPSG.format(4326)}").json["geometry"]["coordinates"]
    assert latitude_first == pytest.approx([INSIDE.y, INSIDE.x])


def test_datetime_filters_comments_by_when_they_were_written(client, gis_town):
    town, ids = gis_town
    base = f"/{town.slug}/ogc/collections/comments/items"
    assert _get(client, f"{base}?datetime=2000-01-01T00:00:00Z/..").json["numberMatched"] == 3
    assert _get(client, f"{base}?datetime=../2000-01-01T00:00:00Z").json["numberMatched"] == 0


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "offset=-1", "bbox=1,2,3", "bbox=a,b,c,d",
                                   "bbox=13.3,53.5,13.2,53.6", "crs=EPSG:4326", "bbox-crs=urn:x&bbox=1,2,3,4",
                                   "datetime=yesterday", "unknown=1", "f=html"])
def test_bad_parameters_are_a_json_400(client, gis_town, query):
    town, _ids = gis_town
    response = _get(client, f"/{town.slug}/ogc/collections/comments/items?{query}", 400)
    assert response.content_type == "application/json"
    assert response.json["code"] == "InvalidParameterValue" and response.json["description"]


@pytest.mark.parametrize("path", ["/nirgendwo/ogc/collections", "/{slug}/ogc/collections/nothing",
                                  "/{slug}/ogc/collections/layer-999999/items",
                                  "/{slug}/ogc/collections/comments/items/999999"])
def test_unknown_things_are_a_json_404(client, gis_town, path):
    town, _ids = gis_town
    response = _get(client, path.format(slug=town.slug), 404)
    assert response.content_type == "application/json" and response.json["code"] == "NotFound"


def test_another_towns_layer_is_not_served(client, gis_town, create_town):
    _town, ids = gis_town
    other = create_town()
    _get(client, f"/{other.slug}/ogc/collections/layer-{ids['layer']}/items", 404)
    assert _get(client, f"/{other.slug}/ogc/collections/comments/items").json["numberMatched"] == 0
