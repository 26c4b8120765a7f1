"""What GIS layers add to the app: the GIS team's pages (layers, uploads, services, styles), the
vector tiles, the upload check job and the clean-up of abandoned uploads, ``flask layers`` and the
`layer_source` template helper."""
from __future__ import annotations

from flask import Flask

from participation.jobs.registry import register_job_type, register_periodic
from participation.layers import views
from participation.layers.cli import layers
from participation.layers.serving import views as serving
from participation.layers.sources import views as sources
from participation.layers.sources.registry import source_of
from participation.layers.styles import views as styles
from participation.layers.uploads import views as uploads
from participation.layers.uploads.jobs import check_layer_upload
from participation.layers.uploads.services import CHECK_JOB, CLEAN_TASK, clean_abandoned_uploads


def init_app(app: Flask) -> None:
    app.register_blueprint(serving.bp)
    for blueprint in (views.bp, uploads.bp, sources.bp, styles.bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(layers)
    register_job_type(app, CHECK_JOB, check_layer_upload)
    register_periodic(app, CLEAN_TASK, app.config["LAYER_UPLOAD_CLEAN_SECONDS"], clean_abandoned_uploads)
    app.jinja_env.globals["layer_source"] = source_of
