"""What address lists add to the app: their import for the GIS team (page, job, ``flask addresses``,
the clean-up of files a crashed import left); the search is served by the JSON API."""
from __future__ import annotations

from flask import Flask

from participation.addresses.cli import addresses
from participation.addresses.jobs import import_address_file
from participation.addresses.services import CLEAN_TASK, IMPORT_JOB, clean_stale_uploads
from participation.addresses.views import bp as addresses_bp
from participation.jobs.registry import register_job_type, register_periodic

#: Each part of the feature brings its own blueprint.
BLUEPRINTS: tuple = (addresses_bp,)


def init_app(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.cli.add_command(addresses)
    register_job_type(app, IMPORT_JOB, import_address_file)
    register_periodic(app, CLEAN_TASK, app.config["LAYER_UPLOAD_CLEAN_SECONDS"], clean_stale_uploads)
