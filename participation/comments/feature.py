"""What comments add to the app: commenting, replies, support, reports and moderation."""
from __future__ import annotations

from flask import Flask

from participation.comments.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
