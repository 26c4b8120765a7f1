"""What exports add to the app: the planners' export page, the job that writes files, their expiry."""
from __future__ import annotations

from flask import Flask

from participation.exports.cli import exports
from participation.exports.services import CLEAN_TASK, JOB, remove_expired, write_export
from participation.exports.views import bp
from participation.jobs.registry import register_job_type, register_periodic

#: How often the worker looks for expired exports.
CLEAN_SECONDS = 3600


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(exports)
    register_job_type(app, JOB, write_export)
    register_periodic(app, CLEAN_TASK, CLEAN_SECONDS, remove_expired)
