"""Benchmark: importing a large GIS layer, beside GDAL doing the bare minimum.

Writes N generated parcels in EPSG:25833 (a grid of irregular quadrilaterals
with 8 vertices each, 40 m × 60 m, near Brandenburg an der Havel) as a
GeoPackage, then times in the same run and process:

- baseline: pyogrio/geopandas read → to_crs(4326) → write GeoPackage, which
  is the least any import must do;
- `participation.layers.services.import_file` into a fresh SQLite app
  database (or DATABASE_URL): checks, sandboxed read with limits, validation
  and repair, reprojection, and storing features with their attributes and
  the spatial index.

Prints both and the ratio. Usage:
    .venv/bin/python bench/layers_import.py [--features 100000]
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from participation.app import create_app  # noqa: E402
from participation.extensions import db  # noqa: E402
from participation.layers.models import Layer  # noqa: E402
from participation.layers.services import import_file  # noqa: E402
from participation.municipalities.models import Municipality  # noqa: E402

#: South-west corner of the parcel grid (EPSG:25833), west of Brandenburg an der Havel.
EAST0, NORTH0 = 330_000.0, 5_800_000.0
PARCEL_WIDTH, PARCEL_DEPTH = 40.0, 60.0
USES = ("Wohnbaufläche", "Gewerbe", "Landwirtschaft", "Wald", "Grünanlage", "Verkehrsfläche")


def parcels(count: int, seed: int = 1) -> gpd.GeoDataFrame:
    """`count` parcels in EPSG:25833: a square-ish grid, corners and edge midpoints jittered."""
    rng = np.random.default_rng(seed)
    columns = math.ceil(math.sqrt(count * PARCEL_DEPTH / PARCEL_WIDTH))
    index = np.arange(count)
    col, row = index % columns, index // columns
    west, south = EAST0 + col * PARCEL_WIDTH, NORTH0 + row * PARCEL_DEPTH
    # Corners and edge midpoints, counter-clockwise, each moved up to 3 m inside a 4 m
    # margin: irregular like real parcels, yet never overlapping a neighbour.
    unit = np.array([(0, 0), (0.5, 0), (1, 0), (1, 0.5), (1, 1), (0.5, 1), (0, 1), (0, 0.5)])
    xs = west[:, None] + 4 + unit[:, 0] * (PARCEL_WIDTH - 8) + rng.uniform(-3, 3, (count, 8))
    ys = south[:, None] + 4 + unit[:, 1] * (PARCEL_DEPTH - 8) + rng.uniform(-3, 3, (count, 8))
    rings = np.stack([xs, ys], axis=-1)
    rings = np.concatenate([rings, rings[:, :1]], axis=1)
    geometry = shapely.polygons(rings)
    return gpd.GeoDataFrame({
        "flurstueck": [f"12{(i // 5000):04d}-{(i % 5000) + 1:05d}/0001" for i in index],
        "gemarkung": [f"Gemarkung {i // 20000 + 1}" for i in index],
        "nutzung": [USES[i] for i in rng.integers(0, len(USES), count)],
        "flaeche": np.round(shapely.area(geometry), 1),
        "eigentuemer": ["Privat" if i % 7 else "Stadt" for i in index],
    }, geometry=geometry, crs="EPSG:25833")


def write_parcels(count: int, folder: Path) -> Path:
    path = folder / "parzellen.gpkg"
    start = time.perf_counter()
    parcels(count).to_file(path, driver="GPKG", layer="parzellen", engine="pyogrio")
    print(f"generated {count} parcels in EPSG:25833: {path.stat().st_size / 1e6:.1f} MB GeoPackage "
          f"in {time.perf_counter() - start:.1f} s")
    return path


def bench_app(folder: Path):
    """A Flask app on a fresh, migrated database in `folder` (or DATABASE_URL), with one town."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(folder), "TESTING": True})
    with app.app_context():
        upgrade()
        db.session.add(Municipality(slug="bench", name="Bench"))
        db.session.commit()
    return app


class ReaderPeak(logging.Handler):
    """The peak memory (MB) that `geo.layers.sandbox` logs for the child that read and checked the file."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.mb: float | None = None

    def emit(self, record: logging.LogRecord) -> None:
        peak = record.args[-1] if isinstance(record.args, tuple) else None
        self.mb = float(peak) if peak not in (None, "?") else None


def import_layer(app, path: Path, town_slug: str = "bench") -> tuple[int, float, float | None]:
    """Import `path` into the town with the app's importer and commit: the layer id, the seconds it took
    and the peak memory of the sandboxed child that read the file (MB; the calling process's is its own)."""
    reader = ReaderPeak()
    sandbox_log = logging.getLogger("geo.layers.sandbox")
    sandbox_log.addHandler(reader)
    sandbox_log.setLevel(logging.INFO)
    try:
        with app.app_context():
            town = db.session.query(Municipality).filter_by(slug=town_slug).one()
            start = time.perf_counter()
            version = import_file(town, path, path.name, name="Flurstücke", attribution="© Bench")
            db.session.commit()
            seconds = time.perf_counter() - start
            return version.layer_id, seconds, reader.mb
    finally:
        sandbox_log.removeHandler(reader)


def baseline(path: Path, folder: Path) -> float:
    """Seconds for read → to_crs(4326) → write with pyogrio/geopandas alone."""
    start = time.perf_counter()
    frame = gpd.read_file(path, engine="pyogrio")
    frame.to_crs(4326).to_file(folder / "baseline-4326.gpkg", driver="GPKG", engine="pyogrio")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-layers-"))
    path = write_parcels(args.features, folder)
    app = bench_app(folder)
    raw = baseline(path, folder)
    layer_id, seconds, _reader_mb = import_layer(app, path)  # its memory: bench/city.py (a lean main module)
    with app.app_context():
        layer = db.session.get(Layer, layer_id)
        stored = layer.current_version.feature_count
        dialect = db.engine.dialect.name
    assert stored == args.features, (stored, args.features)
    print(f"database: {dialect}")
    print(f"{'baseline: pyogrio read → to_crs → write':44} {raw:8.2f} s  {args.features / raw:9.0f} features/s")
    print(f"{'layers.services.import_file + commit':44} {seconds:8.2f} s  {args.features / seconds:9.0f} features/s"
          f"  = {seconds / raw:5.1f} × baseline")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
