"""The migrations build the schema the models describe, and go down and up
again cleanly, on SQLite and on PostgreSQL + PostGIS."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from participation.app import create_app
from participation.database.indexes import made_by_hand
from participation.extensions import db
from participation.projects.models import Project


def _urls(tmp_path):
    yield pytest.param(f"sqlite:///{tmp_path / 'migrations.sqlite'}", id="sqlite")
    pg = os.environ.get("TEST_DATABASE_URL", "")
    if pg.startswith("postgresql"):
        # A second database, so the suite's own database is not disturbed.
        yield pytest.param(pg.rsplit("/", 1)[0] + "/participation_test_2", id="postgresql")


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_app(request, tmp_path):
    urls = {p.id: p.values[0] for p in _urls(tmp_path)}
    if request.param not in urls:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (make test does)")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": urls[request.param], "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        downgrade(revision="base")  # a PostgreSQL database may keep a schema from an earlier run
        yield app
        db.session.remove()
        db.engine.dispose()


def _spatial_index_present(dialect: str) -> bool:
    if dialect == "postgresql":
        query = "SELECT count(*) FROM pg_indexes WHERE indexname IN ('ix_comment_location_gist', 'ix_project_area_gist')"
    else:
        query = "SELECT count(*) FROM sqlite_master WHERE name IN ('comment_rtree', 'project_rtree')"
    return db.session.execute(text(query)).scalar() == 2


def test_upgrade_downgrade_upgrade(fresh_app):
    dialect = db.engine.dialect.name
    upgrade()
    assert {"user", "project", "comment", "job"} <= set(inspect(db.engine).get_table_names())
    assert _spatial_index_present(dialect)
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version", "spatial_ref_sys"}
    db.session.remove()
    upgrade()
    assert _spatial_index_present(dialect)


def test_models_and_migrations_agree(fresh_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            # Spatial and full-text indexes are made by hand in the migrations (one kind per database).
            "include_object": lambda obj, name, type_, *a: not made_by_hand(name, type_),
            "compare_type": False,
        })
        differences = compare_metadata(context, db.metadata)
    assert differences == []


BEFORE_MAPS = "6fa3ffee54d4"


def _sql(statement: str, **params):
    return db.session.execute(text(statement), params)


def _project_maps_fixture():
    """A town with two projects, a comment, and layers on the first project's map (the old shape)."""
    now = "2026-11-01 12:00:00"
    _sql("INSERT INTO municipality (id, slug, name, created_at, updated_at) VALUES (1, 't', 'T', :now, :now)", now=now)
    for pid, title in ((1, "Markt"), (2, "Park")):
        _sql("INSERT INTO project (id, municipality_id, title, summary, description, phase, created_at, updated_at, "
             "min_x, min_y, max_x, max_y) VALUES (:id, 1, :title, '', '', 'participation', :now, :now, "
             "13.25, 53.55, 13.26, 53.554)", id=pid, title=title, now=now)
    _sql("INSERT INTO comment (id, project_id, text, is_removed, created_at, updated_at) "
         "VALUES (1, 1, 'kept', :f, :now, :now)", now=now, f=False)
    for lid in (1, 2, 3):
        _sql("INSERT INTO layer (id, kind, municipality_id, name, description, source, attribution, style, popup, "
             "created_at, updated_at) VALUES (:id, 'vector', 1, :name, '', '', '', '{}', '[]', :now, :now)",
             id=lid, name=f"L{lid}", now=now)
    for lid, position, visible in ((3, 0, True), (1, 1, False)):
        _sql("INSERT INTO project_layer (project_id, layer_id, position, visible) VALUES (1, :l, :p, :v)",
             l=lid, p=position, v=visible)
    if db.engine.dialect.name == "postgresql":  # rows with explicit ids leave the id sequences behind
        for table in ("municipality", "project", "comment", "layer"):
            _sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    db.session.commit()


def test_project_maps_are_carried_over_and_back(fresh_app):
    """Layers on project maps survive up → down → up, in order and visibility; comments stay; the
    rebuilt project table keeps its spatial index up to date; new projects get maps of their own."""
    upgrade(revision=BEFORE_MAPS)
    _project_maps_fixture()
    upgrade()
    rows = _sql("SELECT p.id, ml.layer_id, ml.position, ml.visible FROM project p JOIN map_layer ml "
                "ON ml.map_id = p.map_id ORDER BY p.id, ml.position").all()
    assert [tuple(r) for r in rows] == [(1, 3, 0, True), (1, 1, 1, False)]
    assert _sql("SELECT count(*) FROM map").scalar() == 2
    assert _sql("SELECT text FROM comment").scalar() == "kept"
    if db.engine.dialect.name == "sqlite":
        assert _sql("SELECT count(*) FROM project_rtree").scalar() == 2
        _sql("UPDATE project SET min_x = 13.0 WHERE id = 2")
        assert _sql("SELECT min_x FROM project_rtree WHERE id = 2").scalar() == 13.0  # triggers are back
    db.session.commit()

    downgrade(revision=BEFORE_MAPS)
    rows = _sql("SELECT project_id, layer_id, position, visible FROM project_layer ORDER BY position").all()
    assert [tuple(r) for r in rows] == [(1, 3, 0, True), (1, 1, 1, False)]
    assert _sql("SELECT text FROM comment").scalar() == "kept"
    db.session.commit()

    upgrade()
    # A project made after the migration gets a map of its own (the id sequence was moved on).
    project = Project(municipality_id=1, title="Neu")
    db.session.add(project)
    db.session.commit()
    assert project.map_id not in (1, 2)
    assert _sql("SELECT count(*) FROM map_layer").scalar() == 2


BEFORE_USABILITY = "5d1f0c2b9e47"


def test_older_layer_versions_get_their_vertex_count(fresh_app):
    """Serving a layer reads the vertex count from the report; versions imported before it was
    recorded get it from the migration instead of a count over all features per page view."""
    import sqlalchemy as sa
    from shapely.geometry import LineString, Point

    from participation.database.types import Geometry

    upgrade(revision=BEFORE_USABILITY)
    now = "2026-11-01 12:00:00"
    _sql("INSERT INTO municipality (id, slug, name, created_at, updated_at) VALUES (1, 't', 'T', :now, :now)", now=now)
    _sql("INSERT INTO layer (id, kind, municipality_id, name, description, source, attribution, style, popup, "
         "created_at, updated_at) VALUES (1, 'vector', 1, 'L', '', '', '', '{}', '[]', :now, :now)", now=now)
    for vid, report in ((1, '{"warnings": []}'), (2, '{"vertex_count": 99}')):
        _sql("INSERT INTO layer_version (id, layer_id, number, original_filename, source_layer, source_crs_name, "
             "feature_count, report, created_at, updated_at) VALUES (:id, 1, :id, 'a.gpkg', '', '', 2, :report, "
             ":now, :now)", id=vid, report=report, now=now)
    features = sa.table("layer_feature", sa.column("id", sa.Integer), sa.column("version_id", sa.Integer),
                        sa.column("geometry", Geometry("GEOMETRY")), sa.column("properties", sa.JSON))
    db.session.execute(features.insert(), [
        {"id": 1, "version_id": 1, "geometry": Point(13, 53), "properties": {}},
        {"id": 2, "version_id": 1, "geometry": LineString([(13, 53), (13.1, 53), (13.1, 53.1)]), "properties": {}},
    ])
    db.session.commit()
    upgrade()
    reports = dict(_sql("SELECT id, report FROM layer_version ORDER BY id").all())
    loads = (lambda r: r) if isinstance(reports[1], dict) else __import__("json").loads
    assert loads(reports[1]) == {"warnings": [], "vertex_count": 4}
    assert loads(reports[2]) == {"vertex_count": 99}  # recorded at import: left alone
