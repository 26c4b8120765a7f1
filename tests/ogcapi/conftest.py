"""A town with published comments (and some that must never leave the server) and a published layer."""
from __future__ import annotations

import json

import pytest
from shapely.geometry import Point
from sqlalchemy import select

from participation.comments.models import Comment, Visibility
from participation.extensions import db
from participation.layers.models import Layer
from participation.projects.models import Phase
from tests.conftest import INSIDE

ROOT = "/{slug}/ogc"


@pytest.fixture
def gis_town(app, runner, tmp_path, town, create_project, create_user, create_comment):
    """Three published comments 0, 10 and 20 m east of INSIDE, plus a hidden one, a pending one, one without a
    place, a reply and one on a draft project; a layer of two parcels whose popup shows `nutzung` but not
    `eigentuemer`. Returns (town, {name: id}) with the published comments' ids under "published"."""
    project = create_project(town=town)
    draft = create_project(town=town, phase=Phase.DRAFT)
    resident = create_user()
    east = 1 / 66_000  # about a metre in degrees of longitude at 53.55° N
    comments = [create_comment(project, resident, text=f"Hinweis {i}", location=Point(INSIDE.x + 10 * i * east, INSIDE.y))
                for i in range(3)]
    published = [c.id for c in comments]
    hidden = create_comment(project, resident, text="versteckt").id
    pending = create_comment(project, resident, text="wartet").id
    create_comment(project, resident, text="ohne Ort", location=None)
    create_comment(project, resident, text="Antwort", parent=comments[0])
    create_comment(draft, resident, text="Entwurf")
    with app.app_context():
        db.session.get(Comment, hidden).visibility = Visibility.HIDDEN
        db.session.get(Comment, pending).visibility = Visibility.PENDING
        db.session.commit()
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nutzung": "WA", "eigentuemer": "Erika Mustermann"},
         "geometry": {"type": "Polygon", "coordinates": [[[13.250, 53.550], [13.255, 53.550], [13.255, 53.553],
                                                          [13.250, 53.553], [13.250, 53.550]]]}},
        {"type": "Feature", "properties": {"nutzung": "MI", "eigentuemer": "Max Mustermann"},
         "geometry": {"type": "Polygon", "coordinates": [[[13.255, 53.550], [13.260, 53.550], [13.260, 53.553],
                                                          [13.255, 53.553], [13.255, 53.550]]]}}]}
    path = tmp_path / "parzellen.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["layers", "import", str(path), "--municipality", town.slug, "--name", "Parzellen"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        layer = db.session.scalar(select(Layer).where(Layer.municipality_id == town.id))
        layer.popup = [{"attribute": "nutzung", "label": "Nutzung"}]
        db.session.commit()
        layer_id = layer.id
    return town, {"published": published, "hidden": hidden, "pending": pending, "layer": layer_id}
