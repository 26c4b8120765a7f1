"""Benchmark: the town at city scale — 50 000 comments over 20 projects, 100 000 parcels, 200 residents.

For 1 000 and for 50 000 comments, each in a fresh database (SQLite; with --postgres PostgreSQL + PostGIS
and Redis, started on loopback by tools/test-services), the app runs under gunicorn with the production
settings (gunicorn.conf.py) and nginx in front with the README's proxy cache. Measured in the same run:

1. every route's p95, one request at a time (wrk), at 1 000 and at 50 000 comments — both towns served at
   once and measured in alternating rounds —, beside /healthz of the same server (the minimal route);
2. the map data of a street view, a town view and the whole project through the proxy cache, against nginx
   serving the same bytes as files (alternating rounds, 8 connections);
3. 200 signed-in residents reading and commenting through nginx (wrk, 200 connections, bounded in time,
   a pause of 1–5 s after each answer as in Locust's `between(1, 5)`; then without any pause, a stress
   figure): p90, p99, errors, each kind of request's times from nginx's log, and every comment the app
   acknowledged looked for in the database afterwards;
4. headless Chromium: the time from navigation until the map has drawn all comments of the town, after all
   50 000 are moved into one project (five residents with empty browser caches, one after another; the
   proxy's cache is empty for the first only);
5. the peak memory of importing the 100 000 parcels (a child process).

The comments come from bench/exports.py's generator (hot spots of Brandenburg an der Havel, replies,
supports, answers); project k of 20 gets a share proportional to 1/k. Usage:
    .venv/bin/python bench/city.py [--comments 50000] [--small 1000] [--seconds 2] [--postgres] [--no-browser]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import requests  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402

from city_servers import free_port, gunicorn, need, nginx, wrk  # noqa: E402
from exports import EAST, HOTSPOTS, NORTH, SOUTH, WEST, generate  # noqa: E402
from geo.bbox import BBox  # noqa: E402
from geo.vector_tiles import tiles_covering  # noqa: E402
from layers_import import write_parcels  # noqa: E402
from participation.accounts.models import Role, User  # noqa: E402
from participation.accounts.passwords import hash_password  # noqa: E402
from participation.app import create_app  # noqa: E402
from participation.comments import tallies  # noqa: E402
from participation.comments.models import Comment  # noqa: E402
from participation.database.mixins import utcnow  # noqa: E402
from participation.extensions import db  # noqa: E402
from participation.layers.models import Layer  # noqa: E402
from participation.layers.serving.tiles import layer_stamp  # noqa: E402
from participation.maps.models import MapLayer  # noqa: E402
from participation.projects.models import Project  # noqa: E402

PROJECTS = 20
SET_SEQUENCE = "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
PARCELS = 100_000
RESIDENTS_PASSWORD = "bench-resident-pass"
SLUG = "brandenburg"
SCREEN = (1280, 800)
STREET_ZOOM, TOWN_ZOOM = 18, 15
#: Rounds per route and town, alternating between the towns.
ROUNDS = 3
#: Residents opening the map in Chromium, one after another.
VISITS = 5
CENTRE = HOTSPOTS[0]  # Neustädtischer Markt, the densest place
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class Row:
    figure: str
    value: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""


@dataclass
class Town:
    """One generated database and what the measurements need to know of it."""
    label: str
    comments: int
    url: str
    redis: str = ""
    folder: Path = Path()
    project: int = 0
    category: int = 0
    layer: int = 0
    stamp: str = ""
    imported: dict = field(default_factory=dict)


# --- the data ---------------------------------------------------------------------------------------

def project_sizes(total: int) -> dict[str, int]:
    """Comments per project: project k gets a share proportional to 1/k (the first about 28 %)."""
    weights = [1 / k for k in range(1, PROJECTS + 1)]
    sizes = [int(total * w / sum(weights)) for w in weights]
    sizes[0] += total - sum(sizes)
    return {f"{k:02d}": n for k, n in enumerate(sizes, start=1)}


def view(zoom: int, lon: float, lat: float) -> BBox:
    """The area a SCREEN-sized map shows at `zoom` around lon/lat (Web Mercator)."""
    degrees = 360 / 2 ** zoom / 256
    half_w = SCREEN[0] / 2 * degrees
    half_h = SCREEN[1] / 2 * degrees * math.cos(math.radians(lat))
    return BBox(lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def fit_zoom(area: BBox) -> int:
    """The zoom Leaflet's fitBounds picks for `area` on a SCREEN-sized map."""
    for zoom in range(20, 0, -1):
        shown = view(zoom, (area.west + area.east) / 2, (area.south + area.north) / 2)
        if shown.east - shown.west >= area.east - area.west and shown.north - shown.south >= area.north - area.south:
            return zoom
    return 1


def build(town: Town, parcels: Path) -> None:
    """Generate the town's comments and import the parcels onto every project's map."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": town.url, "INSTANCE_PATH": str(town.folder), "TESTING": True})
    with app.app_context():
        upgrade()
    start = time.perf_counter()
    made = generate(app, project_sizes(town.comments))
    with app.app_context():
        # The residents can sign in and comment; the generator gave them no password.
        db.session.execute(update(User).where(User.role == Role.RESIDENT).values(
            password_hash=hash_password(RESIDENTS_PASSWORD), email_confirmed_at=utcnow()))
        if db.engine.dialect.name == "postgresql":  # the generator chose the ids
            for table in ("comment", "official_answer"):
                db.session.execute(text(SET_SEQUENCE.format(table=table)))
        tallies.recount(db.session)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would do soon after a bulk load: done now, not in the middle of a measurement.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        town.project = made["01"]["project"]
        town.category = db.session.get(Project, town.project).categories[0].id
    print(f"{town.label}: {sum(m['comments'] for m in made.values())} comments in {PROJECTS} projects "
          f"(largest {made['01']['comments']}), {sum(m['supports'] for m in made.values())} supports, "
          f"generated in {time.perf_counter() - start:.0f} s", flush=True)
    town.imported = import_parcels({"url": town.url, "folder": str(town.folder), "path": str(parcels), "slug": SLUG,
                                    "features": PARCELS})
    town.layer = town.imported["layer"]
    with app.app_context():
        for project in db.session.scalars(select(Project)):
            db.session.add(MapLayer(map_id=project.map_id, layer_id=town.layer, visible=True))
        db.session.commit()
        town.stamp = layer_stamp(db.session.get(Layer, town.layer))
        db.session.remove()
        db.engine.dispose()
    print(f"{town.label}: {PARCELS} parcels imported in {town.imported['seconds']:.0f} s, "
          f"peak {town.imported['peak']:.0f} MB (the reading child {town.imported['reader'] or 0:.0f} MB)", flush=True)


def import_parcels(spec: dict) -> dict:
    """The app's import of the parcels in a child process (bench/import_child.py): its time and peak memory."""
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("import_child.py")), json.dumps(spec)],
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- measuring ----------------------------------------------------------------------------------------

def paths_file(folder: Path, name: str, paths: list[str]) -> str:
    path = folder / f"{name}.paths"
    path.write_text("\n".join(paths) + "\n")
    return str(path)


def comment_tiles(town: Town, base: str, area: BBox, zoom: int) -> list[str]:
    version = requests.get(f"{base}/api/v1/projects/{town.project}/comments/version", timeout=10).json()["version"]
    return [f"/api/v1/projects/{town.project}/comments/tiles/{zoom}/{x}/{y}.json?v={version}"
            for x, y in tiles_covering(area, zoom)]


def routes(town: Town, base: str) -> dict[str, list[str]]:
    """What residents ask for, by name: a path or the paths of one view's tiles."""
    page = f"/{SLUG}/projekte/{town.project}"
    first = requests.get(base + page, timeout=30)
    first.raise_for_status()
    key = re.search(r"seite=2&amp;nach=(\d+)", first.text)
    assert key, "no link to page 2 of the list"
    street = view(STREET_ZOOM, *CENTRE)
    bbox = ",".join(f"{v:.6f}" for v in (street.west, street.south, street.east, street.north))
    layer_tiles = [f"/tiles/{town.layer}/15/{x}/{y}.pbf?v={town.stamp}"
                   for x, y in tiles_covering(view(15, *CENTRE), 15)]
    area = BBox(WEST, SOUTH, EAST, NORTH)
    return {
        "minimal route /healthz": ["/healthz"],
        "home page": ["/"],
        "project page": [page],
        "list, page 2 (by key)": [f"{page}?seite=2&nach={key.group(1)}"],
        "list, most supported": [f"{page}?sortierung=unterstuetzt"],
        "list, one category": [f"{page}?kategorie={town.category}"],
        "list, only the street view": [f"{page}?ausschnitt={bbox}"],
        "map: street view (z18 tiles)": comment_tiles(town, base, street, STREET_ZOOM),
        "map: town view (z15 tiles)": comment_tiles(town, base, view(TOWN_ZOOM, *CENTRE), TOWN_ZOOM),
        "map: whole project": comment_tiles(town, base, area, fit_zoom(area)),
        "map version": [f"/api/v1/projects/{town.project}/comments/version"],
        "API: comments by bbox (street)": [f"/api/v1/projects/{town.project}/comments?bbox={bbox}"],
        "parcels: vector tiles (z15)": layer_tiles,
    }


def route_costs(towns: list[Town], bases: dict[str, str], named: dict[str, dict[str, list[str]]],
                seconds: float) -> dict[str, dict[str, dict]]:
    """Each route one request at a time, the two towns in alternating rounds (ROUNDS of `seconds` each;
    the median of the rounds' percentiles), after every worker has answered every route once."""
    for town in towns:
        everything = [path for paths in named[town.label].values() for path in paths]
        wrk(bases[town.label], "paths.lua", [paths_file(town.folder, "everything", everything)], seconds=3,
            connections=16, threads=2)
    found: dict[str, dict[str, dict]] = {town.label: {} for town in towns}
    for name in named[towns[0].label]:
        rounds: dict[str, list[dict]] = {town.label: [] for town in towns}
        for _round in range(ROUNDS):
            for town in towns:
                paths = paths_file(town.folder, "route", named[town.label][name])
                rounds[town.label].append(wrk(bases[town.label], "paths.lua", [paths], seconds=seconds))
        for town in towns:
            figures = {key: statistics.median(r[key] for r in rounds[town.label]) for key in ("p50", "p95", "p99")}
            figures["requests"] = sum(r["requests"] for r in rounds[town.label])
            figures["features"] = features_per_answer(bases[town.label], named[town.label][name])
            found[town.label][name] = figures
            shown = f"  {figures['features']:.0f} features per answer" if figures["features"] is not None else ""
            print(f"  {town.label:>3} {name:34} p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  "
                  f"({figures['requests']} requests){shown}", flush=True)
    return found


def features_per_answer(base: str, paths: list[str]) -> float | None:
    """How many features (pins or clusters) a GeoJSON route sends on average; None for other routes."""
    counts = []
    for path in paths:
        answer = requests.get(base + path, timeout=30)
        body = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else None
        if not isinstance(body, dict) or "features" not in body:
            return None
        counts.append(len(body["features"]))
    return sum(counts) / len(counts)


def proxy_against_static(town: Town, proxy: str, named: dict[str, list[str]], seconds: float) -> dict[str, tuple]:
    """Each view's tiles through the proxy cache (warmed) and the same bytes as files, alternating rounds."""
    found = {}
    for name in ("map: street view (z18 tiles)", "map: town view (z15 tiles)", "map: whole project"):
        copies = []
        for number, path in enumerate(named[name]):
            answer = requests.get(proxy + path, timeout=30)
            answer.raise_for_status()
            copy = Path(town.folder / "nginx" / "copy" / f"{len(found)}-{number}.json")
            copy.write_bytes(answer.content)
            copies.append(f"/copy/{copy.name}")
        cached = paths_file(town.folder, "cached", named[name])
        static = paths_file(town.folder, "static", copies)
        rounds = {"cached": [], "static": []}
        for _ in range(2):
            for kind, paths in (("cached", cached), ("static", static)):
                rounds[kind].append(wrk(proxy, "paths.lua", [paths], seconds=seconds / 2, connections=8, threads=2))
        hits = requests.get(proxy + named[name][0], timeout=10).headers.get("X-Cache-Status")
        found[name] = (statistics.median(r["p50"] for r in rounds["cached"]),
                       statistics.median(r["p50"] for r in rounds["static"]), len(named[name]), hits)
        print(f"  {name}: {len(named[name])} tiles, proxy p50 {found[name][0]:.2f} ms ({hits}), "
              f"static p50 {found[name][1]:.2f} ms", flush=True)
    return found


def sign_in(proxy: str, page: str, email: str) -> str:
    """A resident signed in through the proxy: "cookie<TAB>csrf token" for bench/wrk/residents.lua."""
    with requests.Session() as session:
        session.headers["User-Agent"] = "bench-resident"  # the session is bound to it (strong protection)
        form = session.get(proxy + "/konto/anmelden", timeout=30).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        done = session.post(proxy + "/konto/anmelden", data={"csrf_token": token, "email": email,
                                                      "password": RESIDENTS_PASSWORD}, timeout=30)
        assert "Abmelden" in done.text or "abmelden" in done.text, f"{email} could not sign in"
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', session.get(proxy + page).text).group(1)
        return "; ".join(f"{k}={v}" for k, v in session.cookies.items()) + "\t" + token


def residents(town: Town, proxy: str, named: dict[str, list[str]], app, seconds: float) -> dict[str, dict]:
    """200 signed-in residents through nginx: first as people (a pause of 1–5 s after each answer, as
    Locust's usual `between(1, 5)`), then as 200 connections that never pause (a stress figure, which is
    what the issue measured first); every acknowledged comment is looked for afterwards, and nginx's log
    tells the time per kind of request."""
    page = named["project page"][0]
    with app.app_context():
        emails = list(db.session.scalars(select(User.email).where(User.role == Role.RESIDENT).order_by(User.id)))
        db.session.remove()
    with ThreadPoolExecutor(4) as pool:
        signed_in = paths_file(town.folder, "residents", list(pool.map(lambda email: sign_in(proxy, page, email), emails)))
    static = sorted(set(re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"',
                                   requests.get(proxy + page, timeout=30).text)))
    reads = paths_file(town.folder, "reads", [page, named["list, page 2 (by key)"][0], named["map version"][0]]
                       + named["map: street view (z18 tiles)"][:6] + named["map: town view (z15 tiles)"][:6]
                       + named["parcels: vector tiles (z15)"][:4] + static[:4])
    found = {}
    log = town.folder / "nginx" / "access.log"
    for label, pause in (("people", (1000, 5000)), ("stress", (0, 0))):
        log.write_text("")
        with app.app_context():
            before = db.session.scalar(select(func.max(Comment.id)))
            db.session.remove()
        run = wrk(proxy, "residents.lua", [signed_in, reads, page + "/kommentare", "20", "4", "2", str(town.category),
                                           *map(str, pause)], seconds=seconds, connections=len(emails), threads=2)
        acked = [int(i) for i in run.pop("acked").split(",") if i]
        with app.app_context():
            stored = set(db.session.scalars(select(Comment.id).where(Comment.id.in_(acked),
                                                                      Comment.text.like("Bench %"))))
            run["written"] = db.session.scalar(select(func.count(Comment.id)).where(
                Comment.id > before, Comment.text.like("Bench %")))
            db.session.remove()
        run.update(acknowledged=len(acked), lost=len(set(acked) - stored), residents=len(emails), pause=pause,
                   errors=sum(run[k] for k in ("connect", "read", "write", "status", "timeout")),
                   kinds=by_kind(log))
        found[label] = run
        print(f"  {len(emails)} residents ({label}, pause {pause[0]}–{pause[1]} ms): {run['requests']} requests in "
              f"{run['seconds']:.0f} s, p90 {run['p90']:.0f} ms, p99 {run['p99']:.0f} ms, {run['errors']} errors; "
              f"{run['posted']} comments posted, {run['acknowledged']} acknowledged, {run['refused']} refused, "
              f"{run['lost']} acknowledged but not in the database, {run['written']} in the database", flush=True)
        for kind, (count, p50, p99, statuses) in run["kinds"].items():
            print(f"    {kind:24} {count:6d} requests  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  {statuses}")
    return found


def by_kind(log: Path) -> dict[str, tuple]:
    """nginx's access log by kind of request: count, p50 and p99 in ms, and the statuses."""
    times: dict[str, list[float]] = {}
    statuses: dict[str, dict[str, int]] = {}
    for line in log.read_text().splitlines():
        seconds, status, request = line.split(" ", 2)
        method, path = request.strip('"').split(" ")[:2]
        kind = ("comment posted" if method == "POST" else "static file" if path.startswith("/static/")
                else "comment tile" if "/comments/tiles/" in path else "map version" if "/comments/version" in path
                else "parcel tile" if path.startswith("/tiles/") else "list, page 2" if "seite=2" in path
                else "project page" if "/projekte/" in path else "other")
        times.setdefault(kind, []).append(float(seconds) * 1000)
        statuses.setdefault(kind, {}).setdefault(status, 0)
        statuses[kind][status] += 1
    return {kind: (len(found), percentile(found, 50), percentile(found, 99), statuses[kind])
            for kind, found in sorted(times.items())}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def settle(url: str, fast: float = 0.2, timeout: float = 120) -> None:
    """Wait until the server has worked off what earlier runs left queued (a page answers fast twice)."""
    deadline, quick = time.monotonic() + timeout, 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.perf_counter()
        requests.get(url, timeout=timeout)
        quick = quick + 1 if time.perf_counter() - started < fast else 0
        time.sleep(0.5)


def draw_in_chromium(town: Town, proxy: str, app) -> dict:
    """All comments into the first project; the time until the map says it shows them all, for VISITS
    residents one after another (each in a new browser context: nothing cached in the browser)."""
    from playwright.sync_api import sync_playwright

    with app.app_context():
        db.session.execute(update(Comment).values(project_id=town.project))
        tallies.recount(db.session)
        db.session.commit()
        total = db.session.scalar(select(func.count(Comment.id)))
        pinned = db.session.scalar(select(func.count(Comment.id)).where(
            tallies.pinned_clause(), Comment.project_id == town.project))
        db.session.remove()
    found = {"total": total, "pinned": pinned, "visits": []}
    settle(proxy + f"/{SLUG}/projekte/{town.project}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        for _visit in range(VISITS):  # residents with empty browser caches: the proxy's is warm after the first
            page = browser.new_page(viewport={"width": SCREEN[0], "height": SCREEN[1]}, locale="de-DE")
            page.goto(f"{proxy}/{SLUG}/projekte/{town.project}", wait_until="commit")
            page.wait_for_function("() => /^\\d+ Kommentare auf der Karte angezeigt/.test("
                                   "(document.querySelector('[data-map-status]') || {}).textContent || '')",
                                   timeout=60_000)
            moment = page.evaluate("() => new Promise(done => requestAnimationFrame(() => done(performance.now())))")
            shown = int(re.match(r"\d+", page.locator("[data-map-status]").inner_text()).group())
            drawn = page.locator(".leaflet-marker-pane .leaflet-marker-icon").count()
            found["visits"].append({"ms": moment, "shown": shown, "markers": drawn})
            page.wait_for_load_state("networkidle")  # the parcels' tiles too: the next resident finds the server idle
            page.close()
        browser.close()
    for number, visit in enumerate(found["visits"]):
        print(f"  Chromium, resident {number + 1}: {visit['shown']} of {pinned} pinned comments drawn as "
              f"{visit['markers']} markers and clusters after {visit['ms']:.0f} ms", flush=True)
    return found


# --- one town ----------------------------------------------------------------------------------------

def serve(town: Town, stack: ExitStack) -> tuple[str, str]:
    """The town's app under gunicorn and nginx in front, until `stack` closes: their base URLs."""
    env = {"DATABASE_URL": town.url, "REDIS_URL": town.redis, "RATELIMIT_STORAGE_URI": town.redis or "memory://",
           "SECRET_KEY": secrets.token_hex(32), "INSTANCE_PATH": str(town.folder), "PROXY_COUNT": "1",
           "ENV_NAME": "development"}
    base = stack.enter_context(gunicorn("city_app:app", env, town.folder / "gunicorn.log"))
    return base, stack.enter_context(nginx(base, town.folder / "nginx"))


def measure(towns: list[Town], args) -> dict:
    """Both towns served at once: the routes in alternating rounds; the rest on the large town."""
    small, large = towns
    app = create_app({"SQLALCHEMY_DATABASE_URI": large.url, "INSTANCE_PATH": str(large.folder), "TESTING": True})
    results: dict = {"imported": {town.label: town.imported for town in towns}}
    with ExitStack() as stack:
        servers = {town.label: serve(town, stack) for town in towns}
        bases = {label: base for label, (base, _proxy) in servers.items()}
        named = {town.label: routes(town, bases[town.label]) for town in towns}
        results["routes"] = route_costs(towns, bases, named, args.seconds)
        proxy = servers[large.label][1]
        results["proxy"] = proxy_against_static(large, proxy, named[large.label], args.seconds * 2)
        results["residents"] = residents(large, proxy, named[large.label], app, args.residents_seconds)
        if args.no_browser or not Path("/usr/bin/chromium").exists():
            print("  (no Chromium figure: --no-browser, or /usr/bin/chromium missing — `make browser`)")
        else:
            results["chromium"] = draw_in_chromium(large, proxy, app)
    return results


def services(folder: Path) -> dict[str, str]:
    """PostgreSQL + PostGIS and Redis on loopback (tools/test-services), two databases and Redis indexes."""
    env = {**os.environ, "PG_PORT": str(free_port()), "REDIS_PORT": str(free_port())}
    out = subprocess.run([str(ROOT / "tools" / "test-services"), "start", str(folder)], env=env,
                         capture_output=True, text=True, check=True).stdout
    found = dict(re.findall(r"(\w+)=(\S+)", out))
    return found


def table(rows: list[Row]) -> str:
    lines = [f"| {'figure':72} | {'value':>16} | {'baseline':>16} | {'ratio':>7} | target |",
             f"|{'-' * 74}|{'-' * 18}:|{'-' * 18}:|{'-' * 8}:|--------|"]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        lines.append(f"| {row.figure:72} | {row.value:>16} | {row.baseline:>16} | {ratio:>7} | {row.target} |")
    return "\n".join(lines)


def summary(results: dict) -> list[Row]:
    rows = []
    small, large = results["routes"]["1k"], results["routes"]["50k"]
    for label, routes_ in (("1k", small), ("50k", large)):
        healthz = routes_["minimal route /healthz"]
        rows.append(Row(f"{label}: project page p50 (vs /healthz, same server)", f"{routes_['project page']['p50']:.1f} ms",
                        f"{healthz['p50']:.1f} ms", routes_["project page"]["p50"] / healthz["p50"]))
        rows.append(Row(f"{label}: street view tiles from the app alone p50 (vs /healthz)",
                        f"{routes_['map: street view (z18 tiles)']['p50']:.1f} ms", f"{healthz['p50']:.1f} ms",
                        routes_["map: street view (z18 tiles)"]["p50"] / healthz["p50"], "≤ 10"))
    for name, figures in large.items():
        before = small[name]["p95"]
        shows = ""
        if figures["features"] is not None:
            shows = f"; {small[name]['features']:.0f} → {figures['features']:.0f} features"
        rows.append(Row(f"p95 {name} (50k vs 1k{shows})", f"{figures['p95']:.1f} ms", f"{before:.1f} ms",
                        figures["p95"] / before, "≤ 2"))
    for name, (cached, static, count, status) in results["proxy"].items():
        rows.append(Row(f"50k: {name} via proxy cache p50 ({count} tiles, {status})", f"{cached:.2f} ms",
                        f"{static:.2f} ms static", cached / static, "≤ 2"))
    for label, crowd in results["residents"].items():
        who = (f"{crowd['residents']} residents via nginx" if label == "people"
               else f"{crowd['residents']} connections without pause")
        rows += [Row(f"{who}: p90", f"{crowd['p90']:.0f} ms"),
                 Row(f"{who}: p99", f"{crowd['p99']:.0f} ms", target="< 1000 ms" if label == "people" else ""),
                 Row(f"{who}: requests / errors", f"{crowd['requests']} / {crowd['errors']}", target="0 errors"),
                 Row(f"{who}: comments acknowledged / lost (in the database)",
                     f"{crowd['acknowledged']} / {crowd['lost']} ({crowd['written']})", target="0 lost")]
    if "chromium" in results:
        draw = results["chromium"]
        first, *warm = [visit["ms"] for visit in draw["visits"]]
        rows.append(Row(f"Chromium: {draw['pinned']} comments drawn (clustered), proxy cache empty",
                        f"{first:.0f} ms", target="< 2000 ms"))
        rows.append(Row(f"Chromium: the same, proxy cache warm, median of {len(warm)} (slowest)",
                        f"{statistics.median(warm):.0f} ms ({max(warm):.0f})", target="< 2000 ms"))
    for label, imported in results["imported"].items():
        rows.append(Row(f"{label}: import of {PARCELS} parcels, peak memory (growth)",
                        f"{imported['peak']:.0f} MB ({imported['peak'] - imported['rss']:.0f} MB)",
                        f"{imported['rss']:.0f} MB set-up", target="< 300 MB"))
        rows.append(Row(f"{label}: the same, peak memory of the sandboxed child that reads and checks the file",
                        f"{imported['reader'] or 0:.0f} MB", target="< 300 MB"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--seconds", type=int, default=2, help="per route, town and round")
    parser.add_argument("--residents-seconds", type=float, default=20)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + PostGIS and Redis instead of SQLite")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()
    need("nginx", "wrk")
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="bench-city-"))
    running = None
    try:
        if args.postgres:
            folder.chmod(0o755)  # PostgreSQL runs as its own user (tools/test-services)
            running = folder / "services"
            found = services(running)
            pg, redis = found["TEST_DATABASE_URL"], found["TEST_REDIS_URL"]
            towns = [Town("1k", args.small, pg, redis.rsplit("/", 1)[0] + "/1"),
                     Town("50k", args.comments, pg.rsplit("/", 1)[0] + "/participation_test_2",
                          redis.rsplit("/", 1)[0] + "/2")]
        else:
            towns = [Town(label, n, f"sqlite:///{folder}/{label}/app.sqlite")
                     for label, n in (("1k", args.small), ("50k", args.comments))]
        for town in towns:
            town.folder = folder / town.label
            town.folder.mkdir()
        parcels = write_parcels(PARCELS, folder)
        for town in towns:
            build(town, parcels)
        results = measure(towns, args)
        kind = "PostgreSQL + PostGIS, Redis" if args.postgres else "SQLite, no Redis"
        print(f"\ncity bench: {kind}; gunicorn {os.cpu_count()} cores, gunicorn.conf.py's workers and threads; "
              f"nginx with the README's proxy cache; wrk; {time.perf_counter() - started:.0f} s in all\n")
        print(table(summary(results)))
    finally:
        if running:
            subprocess.run([str(ROOT / "tools" / "test-services"), "stop", str(running)])
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
