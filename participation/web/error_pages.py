"""Localised error pages; JSON errors below /api/.

Every HTTP error keeps its own status and the headers that belong to it
(`Allow` on a 405, `Content-Range` on a 416, `Retry-After` on a 429): only
the body is ours. A status without a text of its own gets the general text of
its class (4xx or 5xx), never a 500 in place of a 4xx.
"""
from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from participation.extensions import db

#: Headers of werkzeug's own error response that describe its HTML body, not the error.
_BODY_HEADERS = {"content-type", "content-length"}


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check your input and try again.")),
        403: (_("Access denied"), _("You are not allowed to do this.")),
        404: (_("Page not found"), _("There is no page at this address. It may have been moved or removed.")),
        405: (_("Method not allowed"), _("This address does not accept this kind of request.")),
        409: (_("Not possible now"), _("This cannot be done in the current state. Please reload the page.")),
        413: (_("File too large"), _("The file is larger than allowed.")),
        416: (_("Range not available"), _("The requested part lies beyond the end of the file.")),
        429: (_("Too many attempts"), _("Too many requests in a short time. Please wait a minute and try again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. It has been logged; please try again later.")),
    }


def _general(code: int) -> tuple[str, str]:
    if 400 <= code < 500:
        return _("Request not possible"), _("The request could not be answered. Please check your input and try again.")
    return _messages()[500]


def render_error(code: int, detail: str | None = None, headers=None):
    """The error page (or JSON below /api/) for `code`, with `detail` in place of the general text."""
    title, text = _messages().get(code) or _general(code)
    if request.path.startswith("/api/"):
        response = jsonify(error=detail or text)
    else:
        response = make_response(render_template("errors/error.html", code=code, title=title, text=detail or text))
    response.status_code = code
    for name, value in headers or ():
        if name.lower() not in _BODY_HEADERS:
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form has expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:  # the answer was chosen with the error (a write limit's on_breach)
            return error.response
        code = error.code or 500
        headers = error.get_headers(request.environ)
        if code == 401:  # the app logs in with a form, not HTTP authentication: no WWW-Authenticate
            code, headers = 403, []
        # An explicit description (abort(403, _("..."))) is already translated; Flask-Limiter's
        # is the limit itself ("5 per 1 minute"), English and no help to the visitor.
        detail = error.description if error.description != type(error).description else None
        if code == 429:
            detail = None
        return render_error(code, detail, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(InternalServerError.code)
