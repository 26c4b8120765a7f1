"""flask layers import / list / export / publish / delete, end to end on the suite's database."""
from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest
from pyproj import Transformer
from shapely.geometry import Point
from sqlalchemy import func, select

from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerVersion

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
TO_UTM33 = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
#: Two parcels in Neubrandenburg, given in ETRS89 / UTM 33N as a GIS export would.
PARCELS = [((13.2600, 53.5560), "Fläche Süd"), ((13.2650, 53.5600), "Grünfläche Nord")]


def utm_square(lon: float, lat: float, size: float = 50.0) -> list[list[float]]:
    x, y = TO_UTM33.transform(lon, lat)
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


@pytest.fixture
def geojson_25833(tmp_path) -> Path:
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}},
        "features": [{"type": "Feature", "properties": {"nutzung": label, "nr": i},
                      "geometry": {"type": "Polygon", "coordinates": [utm_square(*point)]}}
                     for i, (point, label) in enumerate(PARCELS, start=1)],
    }
    path = tmp_path / "parzellen.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def run(runner, *args):
    return runner.invoke(args=["layers", *map(str, args)])


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Layer, LayerVersion, LayerFeature))


def test_import_reprojects_keeps_attributes_and_publishes(app, runner, create_town, geojson_25833):
    town = create_town()
    result = run(runner, "import", geojson_25833, "--municipality", town.slug, "--name", "Parzellen",
                 "--attribution", "© Zweckverband, dl-de/by-2-0")
    assert result.exit_code == 0, result.output
    assert "2 features" in result.output and "EPSG:25833" in result.output
    with app.app_context():
        layer = db.session.scalar(select(Layer))
        assert (layer.name, layer.attribution) == ("Parzellen", "© Zweckverband, dl-de/by-2-0")
        assert layer.current_version.number == 1 and layer.current_version.source_epsg == 25833
        features = db.session.scalars(select(LayerFeature).order_by(LayerFeature.id)).all()
        assert [f.properties["nutzung"] for f in features] == ["Fläche Süd", "Grünfläche Nord"]
        # Back in EPSG:4326: the corner given in UTM is a vertex at the original lon/lat again.
        assert features[0].geometry.distance(Point(PARCELS[0][0])) < 1e-7
        assert features[0].min_x == features[0].geometry.bounds[0]


def test_new_version_keeps_the_old_one_for_rollback(app, runner, create_town, geojson_25833):
    town = create_town()
    run(runner, "import", geojson_25833, "--municipality", town.slug)
    with app.app_context():
        layer_id = db.session.scalar(select(Layer.id))
    assert run(runner, "import", geojson_25833, "--municipality", town.slug, "--new-version-of", layer_id).exit_code == 0
    assert counts(app) == (1, 2, 4)
    assert run(runner, "publish", layer_id, 1).exit_code == 0
    with app.app_context():
        assert db.session.get(Layer, layer_id).current_version.number == 1


@pytest.mark.parametrize("suffix, driver", [(".geojson", "GeoJSON"), (".gpkg", "GPKG")])
def test_export_in_the_crs_asked_for(app, runner, create_town, geojson_25833, tmp_path, suffix, driver):
    town = create_town()
    run(runner, "import", geojson_25833, "--municipality", town.slug)
    with app.app_context():
        layer_id = db.session.scalar(select(Layer.id))
    target = tmp_path / f"export{suffix}"
    result = run(runner, "export", layer_id, target, "--crs", "25833")
    assert result.exit_code == 0, result.output
    frame = pyogrio.read_dataframe(target)
    assert frame.crs.to_epsg() == 25833 and len(frame) == 2
    assert frame.geometry.iloc[0].bounds[:2] == pytest.approx(utm_square(*PARCELS[0][0])[0], abs=0.01)
    assert list(frame["nutzung"]) == ["Fläche Süd", "Grünfläche Nord"]


@pytest.mark.parametrize("name", ["zip_bomb_ratio.zip", "kml_xxe_passwd.kml", "zip_traversal.zip", "nan_coordinates.geojson"])
def test_hostile_files_are_refused_and_nothing_is_stored(app, runner, create_town, name):
    town = create_town()
    result = run(runner, "import", HOSTILE / name, "--municipality", town.slug)
    assert result.exit_code != 0
    assert "Error:" in result.output and "Traceback" not in result.output
    assert counts(app) == (0, 0, 0)


def test_a_file_with_several_layers_asks_which(app, runner, create_town):
    source = REAL / "shapefile" / "harmonie_HE_two_layers_gk3_31467.zip"
    if not source.exists():
        pytest.skip(f"real test data not found in {REAL}")
    town = create_town()
    result = run(runner, "import", source, "--municipality", town.slug)
    assert result.exit_code != 0 and "SCHLAG" in result.output
    assert run(runner, "import", source, "--municipality", town.slug, "--layer", "SCHLAG").exit_code == 0
    assert counts(app)[2] == 1


def test_delete_removes_versions_and_features(app, runner, create_town, geojson_25833):
    town = create_town()
    run(runner, "import", geojson_25833, "--municipality", town.slug)
    with app.app_context():
        layer_id = db.session.scalar(select(Layer.id))
    assert run(runner, "delete", layer_id, "--yes").exit_code == 0
    assert counts(app) == (0, 0, 0)


def test_unknown_town_is_an_error(runner, geojson_25833):
    result = run(runner, "import", geojson_25833, "--municipality", "nowhere")
    assert result.exit_code != 0 and "nowhere" in result.output


def test_export_refuses_an_unknown_crs_and_a_missing_version(app, runner, create_town, geojson_25833, tmp_path):
    town = create_town()
    run(runner, "import", geojson_25833, "--municipality", town.slug)
    with app.app_context():
        layer_id = db.session.scalar(select(Layer.id))
    result = run(runner, "export", layer_id, tmp_path / "x.gpkg", "--crs", "999999")
    assert result.exit_code != 0 and "EPSG:999999" in result.output
    result = run(runner, "export", layer_id, tmp_path / "x.gpkg", "--version", "7")
    assert result.exit_code != 0 and "no version 7" in result.output
    assert not (tmp_path / "x.gpkg").exists()


def test_a_layer_without_attributes_keeps_every_feature(app, runner, create_town, tmp_path):
    """Geometry only (no attribute column): every feature stored, with empty properties (they were all
    dropped while the layer said "2 features")."""
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [utm_square(*point)]}}
        for point, _label in PARCELS]}
    path = tmp_path / "nur-geometrie.geojson"
    path.write_text(json.dumps({**document, "crs": {"type": "name",
                                                   "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}}))
    town = create_town()
    result = run(runner, "import", path, "--municipality", town.slug)
    assert result.exit_code == 0, result.output
    with app.app_context():
        layer = db.session.scalar(select(Layer))
        features = db.session.scalars(select(LayerFeature).order_by(LayerFeature.id)).all()
        assert layer.current_version.feature_count == len(features) == 2
        assert [f.properties for f in features] == [{}, {}]
