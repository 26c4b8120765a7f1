"""Benchmark: the comment map API by bounding box at city scale.

Loads N comments into one project (SQLite by default, or DATABASE_URL), then
times, in the same run and the same process:

- baseline: a minimal route (/healthz) through the same app and client;
- the bbox API for a street-sized view (what a resident zoomed in sees);
- the bbox API for the whole area (capped at API_MAX_FEATURES);
- the street-sized query with the spatial index bypassed (plain column scan),
  to show what the R*Tree / GiST index buys.

Each figure is printed beside the baseline as a ratio. Usage:
    .venv/bin/python bench/comments_bbox.py [--comments 50000] [--repeat 50]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from shapely.geometry import MultiPolygon, Point, box  # noqa: E402
from sqlalchemy import and_, func, insert, select  # noqa: E402

from participation.app import create_app  # noqa: E402
from participation.accounts.models import User  # noqa: E402
from participation.comments.models import Comment  # noqa: E402
from participation.database.mixins import utcnow  # noqa: E402
from participation.extensions import db  # noqa: E402
from participation.municipalities.models import Municipality  # noqa: E402
from participation.projects.models import Phase, Project  # noqa: E402

WEST, SOUTH, EAST, NORTH = 13.20, 53.52, 13.34, 53.61  # about 9 km × 10 km
STREET = (13.2650, 53.5600, 13.2700, 53.5630)  # about 330 m × 330 m


def load(count: int) -> int:
    town = Municipality(slug="bench", name="Bench")
    user = User(email="bench@example.org", pseudonym="Bench", password_hash="x")
    project = Project(municipality=town, title="Bench", phase=Phase.PARTICIPATION)
    project.set_area(MultiPolygon([box(WEST, SOUTH, EAST, NORTH)]))
    db.session.add_all([town, user, project])
    db.session.commit()
    rng = random.Random(1)
    rows = []
    now = utcnow()
    for _ in range(count):
        x, y = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        rows.append({
            "project_id": project.id, "author_id": user.id, "text": "Bench comment",
            "location": Point(x, y),
            "min_x": x, "max_x": x, "min_y": y, "max_y": y, "created_at": now, "updated_at": now,
        })
    start = time.perf_counter()
    for chunk in range(0, len(rows), 5000):
        db.session.execute(insert(Comment.__table__), rows[chunk:chunk + 5000])
    db.session.commit()
    print(f"loaded {count} comments in {time.perf_counter() - start:.1f} s")
    return project.id


def timed(call, repeat: int) -> list[float]:
    call()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def report(name: str, samples: list[float], baseline: float, extra: str = "") -> None:
    median = statistics.median(samples)
    p95 = sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]
    print(f"{name:38} median {median * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms  "
          f"= {median / baseline:7.1f} × baseline {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder, "TESTING": True})
    with app.app_context():
        upgrade()
        project_id = load(args.comments)
        dialect = db.engine.dialect.name
    client = app.test_client()
    api = f"/api/v1/projects/{project_id}/comments?bbox="

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return response

    street = get(api + ",".join(map(str, STREET))).get_json()
    whole = get(api + f"{WEST},{SOUTH},{EAST},{NORTH}").get_json()
    print(f"database: {dialect}; street view returns {street['numberReturned']} pins, "
          f"whole area {whole['numberReturned']} of {whole['numberMatched']}")
    baseline = statistics.median(timed(lambda: get("/healthz"), args.repeat))
    print(f"{'baseline: GET /healthz':38} median {baseline * 1000:8.2f} ms")
    report("bbox API, street view", timed(lambda: get(api + ",".join(map(str, STREET))), args.repeat), baseline)
    report("bbox API, whole area (capped)",
           timed(lambda: get(api + f"{WEST},{SOUTH},{EAST},{NORTH}"), max(5, args.repeat // 10)), baseline)

    with app.app_context():
        west, south, east, north = STREET
        indexed = select(func.count(Comment.id)).where(
            Comment.project_id == project_id,
            Comment.id.in_(select(Comment.id).where(and_(
                Comment.max_x >= west, Comment.min_x <= east, Comment.max_y >= south, Comment.min_y <= north))),
        )
        from geo.bbox import BBox
        from participation.database.spatial import intersects_bbox

        with_index = select(func.count(Comment.id)).where(
            Comment.project_id == project_id,
            intersects_bbox(db.engine.dialect, Comment, Comment.spatial, BBox(*STREET)),
        )
        query_base = statistics.median(timed(lambda: db.session.execute(with_index).scalar(), args.repeat))
        report("query with spatial index", [query_base], baseline)
        report("query without spatial index (scan)",
               timed(lambda: db.session.execute(indexed).scalar(), args.repeat), baseline,
               f"({statistics.median(timed(lambda: db.session.execute(indexed).scalar(), 5)) / query_base:.1f} × indexed)")


if __name__ == "__main__":
    main()
