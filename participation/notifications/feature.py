"""What notifications add to the app: following projects, statutes and areas; opening notices and the
planners' daily digest (a periodic task and ``flask notifications send-due``); one-click unsubscribe."""
from __future__ import annotations

from flask import Flask
from flask_login import current_user

from participation.jobs.registry import register_periodic
from participation.notifications import queries
from participation.notifications.cli import DUE_TASK, notifications, send_due
from participation.notifications.views import bp, follow_url_kind


def is_following(subject) -> bool:
    """For templates: whether the logged-in account follows this project or statute."""
    return bool(current_user.is_authenticated) and queries.follow_of(current_user, subject) is not None


def init_app(app: Flask) -> None:
    #: No digest before this hour of the local day (TIME_ZONE).
    app.config.setdefault("DIGEST_HOUR", 7)
    #: How often the worker looks for notices that are due.
    app.config.setdefault("NOTIFICATIONS_INTERVAL_SECONDS", 900)
    app.register_blueprint(bp)
    app.cli.add_command(notifications)
    app.add_template_global(is_following, "is_following")
    app.add_template_global(follow_url_kind, "follow_url_kind")
    register_periodic(app, DUE_TASK, app.config["NOTIFICATIONS_INTERVAL_SECONDS"], send_due)
