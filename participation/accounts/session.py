"""Flask-Login wiring: the identity in the session, starting and ending a login session."""
from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from participation.accounts.models import User
from participation.accounts.permissions import works_for
from participation.extensions import db, login_manager

#: What a visitor chose that survives logging in and out.
_KEPT_ACROSS_LOGIN = ("lang",)


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    # The "stay logged in" cookie is as much a credential as the session cookie.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE", False))
    login_manager.user_loader(load_user)
    # Templates badge the town's staff beside their comments.
    app.jinja_env.globals["works_for"] = works_for


def load_user(identity: str) -> User | None:
    """The user of a session or "stay logged in" cookie made under the current session
    generation (``"<id>:<generation>"``, see `User.get_id`); None for older ones."""
    user_id, _, generation = identity.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None  # also identities from before generations existed: log in again
    user = db.session.get(User, int(user_id))
    if user is None or user.session_generation != int(generation):
        return None
    return user


def _renew_session() -> None:
    """A new session and CSRF token, so that nothing planted before the change (a fixed
    session, a token read from an earlier page) works after it."""
    kept = {key: session[key] for key in _KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    g.pop(field, None)  # Flask-WTF caches the request's token here


def start_session(user: User, remember: bool) -> None:
    _renew_session()
    login_user(user, remember=remember)


def end_sessions(user: User) -> None:
    """End every session and "stay logged in" cookie of `user`, on every device."""
    user.session_generation = (user.session_generation or 0) + 1


def log_out(user: User) -> None:
    """Log out here and everywhere else: the caller commits."""
    end_sessions(user)
    _renew_session()
    logout_user()  # after the renewal: it marks the "stay logged in" cookie for deletion
