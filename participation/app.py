"""The application factory: configuration, extensions, then each feature's `init_app`."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from participation import config as settings
from participation import database, models  # noqa: F401  (SQLite pragmas; every mapper, for Alembic)
from participation.accounts import feature as accounts
from participation.addresses import feature as addresses
from participation.admin import feature as admin
from participation.api import feature as api
from participation.backup_cli import backup
from participation.comments import feature as comments
from participation.demo import feature as demo
from participation.exports import feature as exports
from participation.extensions import babel, csrf, db, limiter, login_manager, migrate
from participation.jobs import feature as jobs
from participation.hotspots import feature as hotspots
from participation.intake import feature as intake
from participation.layers import feature as layers
from participation.moderation import feature as moderation
from participation.municipalities import feature as municipalities
from participation.notifications import feature as notifications
from participation.ogcapi import feature as ogcapi
from participation.projects import feature as projects
from participation.statutes import feature as statutes
from participation.surveys import feature as surveys
from participation.weighing import feature as weighing
from participation.web import error_pages, feedback, i18n, input_guard, pages, security, shared_cache, templating

ROOT = Path(__file__).resolve().parent.parent

#: In this order: town-scoped routes (/<slug>/…) come after the fixed paths they must not shadow.
FEATURES = (accounts, admin, api, jobs, notifications, projects, statutes, addresses, comments, moderation, weighing,
            surveys, exports, hotspots, ogcapi, intake, layers, municipalities, demo)


def create_app(config: dict | None = None) -> Flask:
    """Build the application. No queries, files or network here: the schema
    changes only through ``flask db upgrade``."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings.STATIC)
    app.config.update(settings.from_env())
    if config:
        app.config.update(config)
    settings.check_production(app.config)
    app.instance_path = app.config["INSTANCE_PATH"]
    app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"] or str(Path(app.instance_path) / "uploads")
    app.config["REPORT_TEMPLATES"] = app.config["REPORT_TEMPLATES"] or str(Path(app.instance_path) / "report-templates")
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        # Not x_host: the host a visitor sends must never become the site's address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0)
    if app.config.get("ENV_NAME") == "production":
        app.logger.setLevel(logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)

    app.register_blueprint(pages.bp)
    for feature in FEATURES:
        feature.init_app(app)
    for part in (security, input_guard, i18n, error_pages, templating, feedback, shared_cache):
        part.init_app(app)
    app.cli.add_command(backup)
    return app
