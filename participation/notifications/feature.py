"""What notifications add to the app: one-click unsubscribe; follows, digests and notices."""
from __future__ import annotations

from flask import Flask

from participation.notifications.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
