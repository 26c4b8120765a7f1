"""What background jobs add to the app: the status pages, ``flask jobs``/``flask worker`` and the
platform's own job types. Features register theirs in their own `init_app`."""
from __future__ import annotations

from flask import Flask

from participation.jobs import builtin
from participation.jobs.cli import jobs, worker
from participation.jobs.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(jobs)
    app.cli.add_command(worker)
    builtin.register(app)
