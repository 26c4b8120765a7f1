"""Localised error pages; JSON errors below /api/."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from participation.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check your input and try again.")),
        403: (_("Access denied"), _("You are not allowed to do this.")),
        404: (_("Page not found"), _("There is no page at this address. It may have been moved or removed.")),
        405: (_("Method not allowed"), _("This address does not accept this kind of request.")),
        413: (_("File too large"), _("The file is larger than allowed.")),
        429: (_("Too many attempts"), _("Too many requests in a short time. Please wait a minute and try again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. It has been logged; please try again later.")),
    }


def render_error(code: int, detail: str | None = None):
    title, text = _messages().get(code, _messages()[500])
    if request.path.startswith("/api/"):
        return jsonify(error=detail or text), code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form has expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code in (401,):
            code = 403
        # An explicit description (abort(403, _("..."))) is already translated; Flask-Limiter's
        # is the limit itself ("5 per 1 minute"), English and no help to the visitor.
        detail = error.description if error.description != type(error).description else None
        if code == 429:
            detail = None
        return render_error(code if code in _messages() else 500, detail)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(InternalServerError.code)
