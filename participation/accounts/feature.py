"""What accounts add to the app: their pages, the login session, the reset-mail job and ``flask users``."""
from __future__ import annotations

from flask import Flask

from participation.accounts import services, session
from participation.accounts.cli import users
from participation.accounts.views import bp
from participation.jobs.registry import register_job_type


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    session.init_app(app)
    register_job_type(app, services.RESET_MAIL_JOB, services.send_reset_if_known)
    app.cli.add_command(users)
