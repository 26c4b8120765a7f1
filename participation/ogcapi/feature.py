"""What the OGC API adds to the app: ``/<town>/ogc`` for GIS clients."""
from __future__ import annotations

from flask import Flask

from participation.ogcapi.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
