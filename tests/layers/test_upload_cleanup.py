"""Uploads leave nothing behind: clean file names, refused files removed at once, abandoned uploads
removed by a periodic task or ``flask layers clean-uploads`` (issue 9, findings 12b and 12c)."""
from __future__ import annotations

import json
import os
import time
from datetime import timedelta

from participation.extensions import db
from participation.jobs.registry import periodic_tasks
from participation.jobs.worker import run_due_tasks
from participation.layers.cli import layers
from participation.layers.models import Layer, LayerVersion
from participation.layers.services import clean_filename
from participation.layers.uploads.models import LayerUpload, UploadStatus
from participation.layers.uploads.services import CLEAN_TASK, upload_folder, upload_path
from participation.database.mixins import utcnow
from tests.layers.test_layer_pages import PARCELS, finished_upload, post_upload


def test_control_characters_and_paths_leave_the_file_name(app, client, town, gis):
    name = "../../tmp/Flur\x00st\u202eücke\x07.geojson"
    upload = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), name))
    assert upload.status is UploadStatus.READY
    assert upload.original_filename == "Flurstücke.geojson"
    with app.app_context():
        version = db.session.get(LayerVersion, upload.version_id)
        assert version.original_filename == "Flurstücke.geojson"
        assert version.report["vertex_count"] == 8  # recorded at import, for the choice of tiles (12d)


def test_a_refused_upload_leaves_no_file(app, client, town, gis):
    upload = finished_upload(app, post_upload(client, town, b"not a layer at all", "kaputt.geojson"))
    assert upload.status is UploadStatus.FAILED
    with app.app_context():
        assert not upload_path(upload).exists()


def test_a_choice_keeps_the_file(app, client, town, gis):
    no_crs = {**PARCELS, "features": [{**f, "geometry": {"type": "Point", "coordinates": [400000, 5900000]}}
                                      for f in PARCELS["features"]]}
    upload = finished_upload(app, post_upload(client, town, json.dumps(no_crs).encode(), "utm.geojson"))
    assert upload.status is UploadStatus.NEEDS_CHOICE  # metres, not degrees: which CRS?
    with app.app_context():
        assert upload_path(upload).exists()


def test_clean_filename_takes_the_last_part_of_either_kind_of_path():
    assert clean_filename("C:\\Users\\gis\\flur.zip") == "flur.zip"
    assert clean_filename("\x00\u202e\n ") == "upload"
    assert clean_filename("a" * 400 + ".gpkg").endswith(".gpkg")


def _age(app, upload_id: int, hours: float) -> None:
    with app.app_context():
        item = db.session.get(LayerUpload, upload_id)
        item.updated_at = utcnow() - timedelta(hours=hours)
        db.session.commit()
        old = time.time() - hours * 3600
        os.utime(upload_path(item), (old, old))


def test_abandoned_uploads_are_removed_by_the_periodic_task(app, client, town, gis):
    old = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "alt.geojson"))
    new = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "neu.geojson"))
    _age(app, old.id, hours=app.config["LAYER_UPLOAD_KEEP_HOURS"] + 1)
    with app.app_context():
        stray = upload_folder() / "stray.geojson"  # e.g. written by a request that then failed
        stray.write_bytes(b"{}")
        os.utime(stray, (0, 0))
        assert CLEAN_TASK in [task.name for task in periodic_tasks(app)]
        last_run: dict[str, float] = {}
        assert CLEAN_TASK in run_due_tasks(app, last_run, now=1000.0)
        assert CLEAN_TASK not in run_due_tasks(app, last_run, now=1001.0)  # not before its interval
        gone, kept = db.session.get(LayerUpload, old.id), db.session.get(LayerUpload, new.id)
        assert gone.status is UploadStatus.DISCARDED and not upload_path(gone).exists()
        assert db.session.get(Layer, old.layer_id) is None  # the unpublished new layer went with it
        assert kept.status is UploadStatus.READY and upload_path(kept).exists()
        assert not stray.exists()


def test_clean_uploads_command_for_installations_without_a_worker(app, client, town, gis):
    upload = finished_upload(app, post_upload(client, town, json.dumps(PARCELS).encode(), "alt.geojson"))
    _age(app, upload.id, hours=5)
    result = app.test_cli_runner().invoke(layers, ["clean-uploads", "--older-than-hours", "4"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("removed ")
    with app.app_context():
        assert db.session.get(LayerUpload, upload.id).status is UploadStatus.DISCARDED
