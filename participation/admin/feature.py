"""What the admin area adds to the app: its pages under /verwaltung and the invitee's page."""
from __future__ import annotations

from flask import Flask

from participation.admin import invitations, views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(invitations.bp)
