"""Answers that are the same for everyone (public map data) go out without "Vary: Cookie", so that a
shared cache (nginx `proxy_cache`) keeps one copy for all, not one per visitor's cookies.

Flask adds the header whenever the session was looked at, and Flask-Login looks at it after every
request; a view that marks its answer `same_for_everyone()` has not used the session for it.
"""
from __future__ import annotations

from flask import Flask, Response, g
from flask.sessions import SecureCookieSessionInterface

_SAME = "same_for_everyone"
#: A year: the answer of an address that names the version of its data never changes.
IMMUTABLE_SECONDS = 365 * 24 * 3600


def same_for_everyone() -> None:
    """The current answer does not depend on who asks."""
    setattr(g, _SAME, True)


def public_cache_headers(response: Response, *, versioned: bool, max_age: int) -> Response:
    """Data anybody may see, the same for everyone: kept by any cache, for a year if its address names
    its version (`versioned`), else `max_age` seconds."""
    same_for_everyone()
    response.headers["Cache-Control"] = (f"public, max-age={IMMUTABLE_SECONDS}, immutable" if versioned
                                         else f"public, max-age={max_age}")
    return response


class _SessionInterface(SecureCookieSessionInterface):
    def save_session(self, app: Flask, session, response) -> None:
        super().save_session(app, session, response)
        if g.get(_SAME) and not session.modified:
            response.vary.discard("Cookie")


def init_app(app: Flask) -> None:
    app.session_interface = _SessionInterface()
