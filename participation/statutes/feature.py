"""What statutes add to the app: their register and pages, text, documents, periods, feeds and import."""
from __future__ import annotations

from flask import Flask

from participation.statutes.views import bp as statutes_bp
from participation.statutes.xplan_views import bp as xplan_bp
from participation.statutes.period_views import bp as periods_bp
from participation.statutes.feeds import bp as feeds_bp
from participation.statutes.text_views import bp as text_bp
from participation.statutes.document_views import bp as documents_bp
from participation.statutes.here_views import bp as here_bp

#: Each part of the feature brings its own blueprint.
BLUEPRINTS: tuple = (statutes_bp, xplan_bp, periods_bp, feeds_bp, text_bp, documents_bp, here_bp)


def init_app(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
