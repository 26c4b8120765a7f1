"""What moderation adds to the app: the town's queue and the comment page with its actions and log."""
from __future__ import annotations

from flask import Flask

from participation.moderation.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
