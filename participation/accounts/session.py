"""Flask-Login wiring."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from participation.accounts.models import User
from participation.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    # The "stay logged in" cookie is as much a credential as the session cookie.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE", False))

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None
