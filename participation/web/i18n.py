"""Language choice: the switcher's choice, then Accept-Language, then German."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from participation.web.redirects import safe_next

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages)) or current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.post("/language")
def set_language():
    code = request.form.get("lang", "")
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.form.get("next")) or url_for("pages.index"))


def translated(message: str, params: dict | None = None) -> str:
    """A stored English msgid (from a job, an upload or a `GeoInputError`) in the reader's language,
    its placeholders filled after translation."""
    return _(message).format(**(params or {})) if message else ""


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["get_locale"] = get_locale
