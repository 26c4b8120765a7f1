"""What projects add to the app: their pages and the editor of their maps."""
from __future__ import annotations

from flask import Flask

from participation.projects.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
