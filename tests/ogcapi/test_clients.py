"""Real GIS clients against the running app: OWSLib, and GDAL's OAPIF driver (what QGIS uses) through pyogrio.

GDAL runs in a child process: in this process its read loop holds the GIL while it waits for the answer of
the server thread, which then can never answer.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from owslib.ogcapi.features import Features
from pyproj import CRS, Transformer

from tests.conftest import INSIDE
from tests.ogcapi.test_ogcapi import CLASSES, EPSG

_READ = """
import json, sys, pyogrio
url, layer, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if "bbox" in options:
    options["bbox"] = tuple(options["bbox"])
layers = [name for name, _kind in pyogrio.list_layers(url)]
frame = pyogrio.read_dataframe(url, layer=layer, fid_as_index=True, **options)
print(json.dumps({"layers": layers, "ids": frame.index.tolist(), "crs": frame.crs.to_wkt() if frame.crs else None,
                  "columns": [c for c in frame.columns if c != "geometry"],
                  "coordinates": [list(g.coords)[0] if g.geom_type == "Point" else list(g.exterior.coords)[0]
                                  for g in frame.geometry]}))
"""


def gdal_read(url: str, layer: str, **options) -> dict:
    """`pyogrio.read_dataframe("OAPIF:<url>")` in a child process; options are GDAL open options or bbox."""
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "30", "GDAL_HTTP_MAX_RETRY": "0", "NO_PROXY": "127.0.0.1",
           "no_proxy": "127.0.0.1"}
    done = subprocess.run([sys.executable, "-c", _READ, f"OAPIF:{url}", layer, json.dumps(options)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_owslib_reads_the_landing_page_conformance_collections_and_items(live_server, gis_town):
    town, ids = gis_town
    service = Features(f"{live_server}/{town.slug}/ogc")
    assert service.conformance()["conformsTo"] == CLASSES
    assert service.api()["openapi"] == "3.0.3"
    assert service.feature_collections() == ["comments", f"layer-{ids['layer']}"]
    page = service.collection_items("comments", limit=2)
    assert page["numberMatched"] == 3 and [f["id"] for f in page["features"]] == ids["published"][:2]
    following = next(link for link in page["links"] if link["rel"] == "next")
    assert "offset=2" in following["href"]
    utm = service.collection_items("comments", crs=EPSG.format(25833), bbox=[INSIDE.x - 1e-5, INSIDE.y - 1e-5,
                                                                              INSIDE.x + 1e-5, INSIDE.y + 1e-5])
    x, y = Transformer.from_crs(4326, 25833, always_xy=True).transform(INSIDE.x, INSIDE.y)
    assert [f["geometry"]["coordinates"] for f in utm["features"]] == [pytest.approx([x, y])]
    assert service.response_headers["Content-Crs"] == f"<{EPSG.format(25833)}>"
    one = service.collection_item(f"layer-{ids['layer']}", "1")
    assert one["properties"] == {"nutzung": "WA"} or one["properties"] == {"nutzung": "MI"}


def test_gdal_reads_comments_and_layers_in_crs84_and_utm_with_paging(live_server, gis_town):
    town, ids = gis_town
    root = f"{live_server}/{town.slug}/ogc"
    comments = gdal_read(root, "comments")
    assert comments["layers"] == ["comments", f"layer-{ids['layer']}"]
    assert sorted(comments["ids"]) == ids["published"]
    assert CRS.from_wkt(comments["crs"]).equals(CRS("OGC:CRS84"))
    assert {"reference", "text", "category", "created"} <= set(comments["columns"])
    assert "eigentuemer" not in comments["columns"]
    first = comments["coordinates"][comments["ids"].index(ids["published"][0])]
    assert first == pytest.approx([INSIDE.x, INSIDE.y])
    # A page of one comment at a time: GDAL follows the next links to the end.
    paged = gdal_read(root, "comments", CRS="EPSG:25832", PAGE_SIZE="1")
    assert sorted(paged["ids"]) == ids["published"] and CRS.from_wkt(paged["crs"]).to_epsg() == 25832
    x, y = Transformer.from_crs(4326, 25832, always_xy=True).transform(INSIDE.x, INSIDE.y)
    assert paged["coordinates"][paged["ids"].index(ids["published"][0])] == pytest.approx([x, y], abs=0.01)
    parcels = gdal_read(root, f"layer-{ids['layer']}", bbox=[13.251, 53.551, 13.252, 53.552])
    assert len(parcels["ids"]) == 1 and parcels["columns"] == ["nutzung"]
