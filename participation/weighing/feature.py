"""What weighing adds to the app: the town's answers, the weighing table, the result and its notices."""
from __future__ import annotations

from flask import Flask

from participation.jobs.registry import register_job_type
from participation.weighing.jobs import result_notices
from participation.weighing.queries import RESULT_JOB
from participation.weighing.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_job_type(app, RESULT_JOB, result_notices)
