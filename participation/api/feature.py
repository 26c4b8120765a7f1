"""What the JSON API adds to the app: everything under /api/v1/."""
from __future__ import annotations

from flask import Flask

from participation.api.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
