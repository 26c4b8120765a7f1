"""What towns add to the app: the town page, its settings and ``flask municipalities``."""
from __future__ import annotations

from flask import Flask

from participation.municipalities.cli import municipalities
from participation.municipalities.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(municipalities)
