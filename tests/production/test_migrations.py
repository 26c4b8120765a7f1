"""The migrations build the schema the models describe, and go down and up
again cleanly, on SQLite and on PostgreSQL + PostGIS."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from participation import create_app
from participation.extensions import db


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
            # Spatial indexes are made by hand in the migrations (one kind per database).
            "include_object": lambda obj, name, type_, *a: not (
                (type_ == "table" and ("_rtree" in name or name == "spatial_ref_sys"))
                or (type_ == "index" and name.endswith("_gist"))),
            "compare_type": False,
        })
        differences = compare_metadata(context, db.metadata)
    assert differences == []
