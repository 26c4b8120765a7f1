"""What accounts add to the app: their pages, the login session and ``flask users``."""
from __future__ import annotations

from flask import Flask

from participation.accounts import session
from participation.accounts.cli import users
from participation.accounts.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    session.init_app(app)
    app.cli.add_command(users)
