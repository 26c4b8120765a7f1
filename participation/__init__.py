"""The participation pool web application."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from participation import config as settings
from participation.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


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
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    if app.config.get("ENV_NAME") == "production":
        app.logger.setLevel(logging.INFO)

    from participation import database, models  # noqa: F401  (pragmas, mappers)
    from participation.web import i18n

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

    _register_blueprints(app)
    _register_web(app)
    _register_cli(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from participation.accounts.views import bp as accounts
    from participation.api.views import bp as api
    from participation.jobs.views import bp as jobs
    from participation.layers.views import bp as layers
    from participation.layers.external_views import bp as layer_services
    from participation.layers.tiles import bp as tiles
    from participation.comments.views import bp as comments
    from participation.municipalities.views import bp as municipalities
    from participation.projects.views import bp as projects
    from participation.web.pages import bp as pages

    app.register_blueprint(pages)
    app.register_blueprint(accounts)
    app.register_blueprint(api)
    app.register_blueprint(jobs)
    app.register_blueprint(tiles)
    # Town-scoped routes come last: /<slug>/ must not shadow fixed paths.
    app.register_blueprint(projects)
    app.register_blueprint(comments)
    app.register_blueprint(layers)
    app.register_blueprint(layer_services)
    app.register_blueprint(municipalities)


def _register_web(app: Flask) -> None:
    from participation.accounts import session
    from participation.web import errors, i18n, input_guard, security, templating

    session.init_app(app)
    security.init_app(app)
    input_guard.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    templating.init_app(app)


def _register_cli(app: Flask) -> None:
    from participation.accounts.cli import users
    from participation.backup_cli import backup
    from participation.demo.cli import demo
    from participation.jobs.cli import jobs, worker
    from participation.layers.cli import layers
    from participation.municipalities.cli import municipalities

    app.cli.add_command(users)
    app.cli.add_command(backup)
    app.cli.add_command(demo)
    app.cli.add_command(municipalities)
    app.cli.add_command(jobs)
    app.cli.add_command(layers)
    app.cli.add_command(worker)
