"""Benchmark: serving a large layer as vector tiles, and where GeoJSON stops being reasonable.

Imports N generated parcels (bench/layers_import.py) into a fresh SQLite
database (or DATABASE_URL), starts the app under gunicorn on 127.0.0.1 (one
worker, one thread, no Redis unless REDIS_URL is set) and, in the same run:

1. requests a sample of the tiles of zooms 10–15 that cover the data from
   /tiles/<layer>/<z>/<x>/<y>.pbf, one after another over a kept-alive
   connection, and writes each answer to a file;
2. baseline: serves exactly those bytes as static files from the same kind of
   server (gunicorn, one worker, Flask's static file route) in the same order;
3. for layers of 1k, 5k, 20k … features (the first parcels of the grid),
   times /api/v1/layers/<id>/features?zoom=14 (bytes as sent and gzipped)
   beside the tiles of one 1280 × 800 screen at zoom 14 of the same layer;
4. where /usr/bin/chromium and static/vendor/leaflet exist (`make test`, `make
   assets`) and unless --no-browser, the time headless Chromium takes to fetch
   and parse the GeoJSON and to draw it with Leaflet (SVG, as the maps do).

Prints tiles/s and p95 beside the static baseline, and a table per feature
count. Usage:
    .venv/bin/python bench/layer_tiles.py [--features 100000] [--per-zoom 150] [--no-browser]
"""
from __future__ import annotations

import argparse
import gzip
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import mapbox_vector_tile  # noqa: E402
import requests  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import func, insert, literal, select  # noqa: E402

from geo.bbox import BBox  # noqa: E402
from geo.vector_tiles import tile_for_lonlat, tiles_covering  # noqa: E402
from city_servers import ONE_WORKER, gunicorn  # noqa: E402
from layers_import import bench_app, import_layer, write_parcels  # noqa: E402
from participation.extensions import db  # noqa: E402
from participation.layers.models import Layer, LayerFeature, LayerVersion  # noqa: E402


def static_tiles_app() -> Flask:
    """gunicorn entry for the baseline: the tile files under BENCH_TILE_FOLDER at /tiles/…"""
    return Flask("static_tiles", static_folder=os.environ["BENCH_TILE_FOLDER"], static_url_path="/tiles")


GEOJSON_ZOOM = 14
SCREEN = (1280, 800)


def fetch_all(session, base: str, paths: list[str], etags: list[str] | None = None,
              ) -> tuple[list[float], list[bytes], list[str]]:
    """Request every path in order (with If-None-Match when `etags` are given).

    Returns the seconds per request, the bodies and the ETags.
    """
    seconds, bodies, tags = [], [], []
    for index, path in enumerate(paths):
        headers = {"If-None-Match": etags[index]} if etags else {}
        start = time.perf_counter()
        response = session.get(base + path, headers=headers)
        elapsed = time.perf_counter() - start
        if response.status_code not in ((304,) if etags else (200, 204)):
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        seconds.append(elapsed)
        bodies.append(response.content)
        tags.append(response.headers.get("ETag", ""))
    return seconds, bodies, tags


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, math.ceil(len(samples) * 0.95) - 1)]


def copy_subset(app, layer_id: int, count: int) -> int:
    """A new published layer holding the first `count` features of `layer_id`, copied in SQL."""
    with app.app_context():
        source = db.session.get(Layer, layer_id)
        layer = Layer(municipality_id=source.municipality_id, name=f"{count} parcels", popup=source.popup)
        db.session.add(layer)
        db.session.flush()
        version = LayerVersion(layer_id=layer.id, number=1, original_filename="subset.gpkg", feature_count=count)
        db.session.add(version)
        db.session.flush()
        columns = ["version_id", "geometry", "properties", "min_x", "min_y", "max_x", "max_y"]
        rows = (select(literal(version.id), LayerFeature.geometry, LayerFeature.properties, LayerFeature.min_x,
                       LayerFeature.min_y, LayerFeature.max_x, LayerFeature.max_y)
                .where(LayerFeature.version_id == source.current_version_id)
                .order_by(LayerFeature.id).limit(count))
        db.session.execute(insert(LayerFeature).from_select(columns, rows))
        bounds = db.session.execute(
            select(func.min(LayerFeature.min_x), func.min(LayerFeature.min_y),
                   func.max(LayerFeature.max_x), func.max(LayerFeature.max_y))
            .where(LayerFeature.version_id == version.id)).one()
        version.min_x, version.min_y, version.max_x, version.max_y = bounds
        layer.current_version_id = version.id
        db.session.commit()
        return layer.id


def layer_bbox(app, layer_id: int) -> BBox:
    with app.app_context():
        version = db.session.get(Layer, layer_id).current_version
        return BBox(version.min_x, version.min_y, version.max_x, version.max_y)


def screen_tiles(bbox: BBox, z: int) -> list[tuple[int, int]]:
    """The tiles of a SCREEN-sized view at zoom `z` centred on `bbox`."""
    x, y = tile_for_lonlat((bbox.west + bbox.east) / 2, (bbox.south + bbox.north) / 2, z)
    half_x, half_y = SCREEN[0] / 256 / 2, SCREEN[1] / 256 / 2
    return [(tx, ty) for ty in range(int(y - half_y), int(y + half_y) + 1)
            for tx in range(int(x - half_x), int(x + half_x) + 1)]


def sample_tiles(bbox: BBox, zooms: range, per_zoom: int, rng: random.Random) -> list[tuple[int, int, int]]:
    tiles = []
    for z in zooms:
        covering = tiles_covering(bbox, z)
        chosen = covering if len(covering) <= per_zoom else rng.sample(covering, per_zoom)
        tiles.extend((z, x, y) for x, y in chosen)
    rng.shuffle(tiles)  # a map asks for tiles of mixed places, not row by row
    return tiles


BROWSER_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><div id="map" style="width:1280px;height:800px"></div></body></html>"""

BROWSER_SCRIPT = """async (url) => {
    const map = window.benchMap || (window.benchMap = L.map('map', {zoomAnimation: false}));
    if (window.benchLayer) { map.removeLayer(window.benchLayer); }
    const started = performance.now();
    const data = await (await fetch(url)).json();
    const parsed = performance.now();
    window.benchLayer = L.geoJSON(data, {style: {weight: 1}}).addTo(map);
    map.fitBounds(window.benchLayer.getBounds());
    map.setZoom(%d, {animate: false});
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    return {fetch_parse: parsed - started, draw: performance.now() - parsed};
}""" % GEOJSON_ZOOM


def browser_draw_times(base: str, paths: list[str]) -> list[dict] | None:
    """Milliseconds Chromium needs to fetch+parse and to draw each GeoJSON path with Leaflet."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    vendor = ROOT / "static" / "vendor" / "leaflet"
    if not vendor.is_dir() or not Path("/usr/bin/chromium").exists():
        print("(no static/vendor/leaflet or /usr/bin/chromium: run `make assets`; browser times skipped)")
        return None
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": SCREEN[0], "height": SCREEN[1]})
        # The page comes from the app server so that fetch() is same-origin; Leaflet is the app's own copy.
        page.route("**/bench-page", lambda route: route.fulfill(body=BROWSER_PAGE, content_type="text/html"))
        page.goto(base + "/bench-page")
        page.add_script_tag(path=str(vendor / "leaflet.js"))
        page.add_style_tag(path=str(vendor / "leaflet.css"))
        page.evaluate(BROWSER_SCRIPT, base + paths[0])  # warm up: the first run compiles Leaflet's code
        for path in paths:
            results.append(page.evaluate(BROWSER_SCRIPT, base + path))
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--per-zoom", type=int, default=150, help="tiles sampled per zoom level")
    parser.add_argument("--counts", default="1000,5000,10000,20000,100000", help="feature counts for the GeoJSON table")
    parser.add_argument("--no-browser", action="store_true", help="skip timing the GeoJSON in Chromium")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-tiles-"))
    path = write_parcels(args.features, folder)
    app = bench_app(folder)
    layer_id, seconds, _reader_mb = import_layer(app, path)
    print(f"imported in {seconds:.1f} s")
    with app.app_context():
        layer = db.session.get(Layer, layer_id)
        # What a GIS team would show: the parcel number and the land use (which also colours).
        layer.popup = [{"attribute": "flurstueck", "label": "Flurstück"}, {"attribute": "nutzung", "label": "Nutzung"}]
        db.session.commit()
        dialect = db.engine.dialect.name
    counts = sorted({min(int(c), args.features) for c in args.counts.split(",")})
    layers = {count: (layer_id if count == args.features else copy_subset(app, layer_id, count)) for count in counts}

    bbox = layer_bbox(app, layer_id)
    rng = random.Random(1)
    tiles = sample_tiles(bbox, range(10, 16), args.per_zoom, rng)
    paths = [f"/tiles/{layer_id}/{z}/{x}/{y}.pbf" for z, x, y in tiles]
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "INSTANCE_PATH": str(folder),
           "REDIS_URL": os.environ.get("REDIS_URL", ""), "RATELIMIT_STORAGE_URI": "memory://"}
    print(f"database: {dialect}; {len(tiles)} tiles of zoom 10–15 "
          f"({', '.join(f'z{z}: {sum(1 for t in tiles if t[0] == z)}' for z in range(10, 16))}); "
          f"Redis: {'yes' if env['REDIS_URL'] else 'no'}")

    tile_folder = folder / "static-tiles"
    geojson = {}
    with gunicorn("wsgi:app", env, folder / "app.log", "/healthz", ONE_WORKER) as base, requests.Session() as session:
        fetch_all(session, base, ["/healthz"] * 5)  # warm up the worker
        app_seconds, bodies, etags = fetch_all(session, base, paths)
        cached_seconds = fetch_all(session, base, paths)[0] if env["REDIS_URL"] else None
        revalidated_seconds = fetch_all(session, base, paths, etags)[0]
        for count, ident in layers.items():
            url = f"/api/v1/layers/{ident}/features?zoom={GEOJSON_ZOOM}"
            # Beyond LAYER_GEOJSON_MAX_VERTICES the app refuses GeoJSON (422) and sends only tiles.
            refused = session.get(base + url).status_code == 422
            times, answers, _ = ([], [b""], None) if refused else fetch_all(session, base, [url] * 3)
            body = answers[0]
            view = [f"/tiles/{ident}/{GEOJSON_ZOOM}/{x}/{y}.pbf"
                    for x, y in screen_tiles(layer_bbox(app, ident), GEOJSON_ZOOM)]
            view_seconds, view_bodies, _ = fetch_all(session, base, view)
            geojson[count] = {
                "ms": statistics.median(times) * 1000 if times else None, "bytes": len(body),
                "gzip": len(gzip.compress(body, 6)),
                "view_tiles": len(view),
                "view_ms": sum(view_seconds) * 1000, "view_bytes": sum(map(len, view_bodies)),
                "view_gzip": sum(len(gzip.compress(b, 6)) for b in view_bodies), "url": None if refused else url,
            }
        served = [item["url"] for item in geojson.values() if item["url"]]
        draw = dict(zip(served, browser_draw_times(base, served) or [])) if not args.no_browser else None

    for (z, x, y), body in zip(tiles, bodies):
        target = tile_folder / str(layer_id) / str(z) / str(x) / f"{y}.pbf"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    with gunicorn("layer_tiles:static_tiles_app()", {"BENCH_TILE_FOLDER": str(tile_folder)},
                  folder / "static.log", paths[0], ONE_WORKER) as base, requests.Session() as session:
        fetch_all(session, base, paths[:5])
        static_seconds, static_bodies, _ = fetch_all(session, base, paths)
    assert static_bodies == bodies

    print(f"\n{'tiles':8} {'n':>4} {'empty':>5} {'features':>8} {'mean KB':>8} {'max KB':>7} {'median ms':>10} "
          f"{'p95 ms':>7} {'max ms':>7} {'µs/feature':>10} {'static p95':>10}")
    for z in range(10, 16):
        picked = [i for i, t in enumerate(tiles) if t[0] == z]
        if not picked:
            continue
        sizes = [len(bodies[i]) / 1024 for i in picked]
        took = [app_seconds[i] * 1000 for i in picked]
        in_tile = [len(mapbox_vector_tile.decode(bodies[i])["features"]["features"]) if bodies[i] else 0
                   for i in picked]
        drawn = [i for i, count in zip(picked, in_tile) if count]
        per_feature = (1000 * sum(app_seconds[i] for i in drawn) / sum(in_tile)) if drawn else 0
        print(f"{'zoom ' + str(z):8} {len(picked):4} {sum(1 for i in picked if not bodies[i]):5} "
              f"{statistics.mean(in_tile):8.0f} {statistics.mean(sizes):8.1f} {max(sizes):7.1f} "
              f"{statistics.median(took):10.1f} {p95(took):7.1f} {max(took):7.1f} "
              f"{per_feature * 1000:10.0f} {p95([static_seconds[i] * 1000 for i in picked]):10.2f}")
    main_zooms = [i for i, t in enumerate(tiles) if 12 <= t[0] <= 15]

    def line(name: str, samples: list[float], baseline: list[float] | None = None) -> None:
        rate = len(samples) / sum(samples)
        text = f"{name:44} {rate:8.0f} tiles/s  p95 {p95(samples) * 1000:7.2f} ms"
        if baseline:
            static_rate = len(baseline) / sum(baseline)
            text += f"  = {static_rate / rate:5.1f} × slower, p95 {p95(samples) / p95(baseline):5.1f} × static"
        print(text)

    static_main = [static_seconds[i] for i in main_zooms]
    print("\nzooms 12–15, one client, one gunicorn worker:")
    line("baseline: the same bytes as static files", static_main)
    line("vector tiles from the app (no cache)", [app_seconds[i] for i in main_zooms], static_main)
    if cached_seconds:
        line("vector tiles from the app (Redis hit)", [cached_seconds[i] for i in main_zooms], static_main)
    line("revalidated by ETag (304, browser cache)", [revalidated_seconds[i] for i in main_zooms], static_main)

    print(f"\nGeoJSON /api/v1/layers/<id>/features?zoom={GEOJSON_ZOOM} vs the tiles of one "
          f"{SCREEN[0]}×{SCREEN[1]} screen at zoom {GEOJSON_ZOOM}:")
    header = (f"{'features':>9} {'GeoJSON MB':>10} {'gzip MB':>8} {'server ms':>10} "
              f"{'tiles':>6} {'tiles KB':>9} {'gzip KB':>8} {'tiles ms':>9}")
    if draw:
        header += f" {'browser fetch+parse ms':>22} {'draw ms':>8}"
    print(header)
    for count, item in geojson.items():
        if item["url"] is None:
            text = f"{count:9d} {'refused (422): tiles only':>30}"
        else:
            text = f"{count:9d} {item['bytes'] / 1e6:10.2f} {item['gzip'] / 1e6:8.2f} {item['ms']:10.0f}"
        text += (f" {item['view_tiles']:6d} {item['view_bytes'] / 1024:9.0f} {item['view_gzip'] / 1024:8.0f} "
                 f"{item['view_ms']:9.0f}")
        if draw and item["url"] in draw:
            text += f" {draw[item['url']]['fetch_parse']:22.0f} {draw[item['url']]['draw']:8.0f}"
        print(text)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
