"""An import stored a part at a time is the same layer as one stored at once."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.layers import services
from participation.layers.models import LayerFeature
from participation.municipalities.models import Municipality
from tests.geo.layers.conftest import REAL

BEZIRKE = REAL / "geopackage/berlin_bezirke_25833.gpkg"
pytestmark = pytest.mark.skipif(not BEZIRKE.is_file(), reason=f"real GIS files not found in {REAL}")


def _import(app, town, steps: list) -> dict:
    with app.app_context():
        version = services.import_file(db.session.get(Municipality, town.id), BEZIRKE, BEZIRKE.name,
                                       progress=lambda done, total: steps.append((done, total)))
        db.session.commit()
        features = db.session.scalars(select(LayerFeature).where(LayerFeature.version_id == version.id)
                                      .order_by(LayerFeature.id)).all()
        return {"count": version.feature_count, "box": (version.min_x, version.min_y, version.max_x, version.max_y),
                "vertices": version.report["vertex_count"], "properties": [f.properties for f in features],
                "geometries": [f.geometry.wkb for f in features]}


def test_parts_of_five_store_what_one_part_stores(app, create_town, monkeypatch):
    town = create_town()
    at_once, in_parts = [], []
    whole = _import(app, town, at_once)
    monkeypatch.setattr(services, "CHUNK", 5)
    parts = _import(app, town, in_parts)
    assert parts == whole and whole["count"] == 12 and whole["vertices"] > 12
    assert at_once == [(12, 12)] and in_parts == [(5, 12), (10, 12), (12, 12)]
