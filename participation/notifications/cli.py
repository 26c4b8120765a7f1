"""``flask notifications send-due``: the opening notices and digests that are due, for a cron job
(the worker runs the same every NOTIFICATIONS_INTERVAL_SECONDS)."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import with_appcontext

from participation.database.mixins import utcnow
from participation.extensions import db
from participation.notifications.digest import send_digests
from participation.notifications.openings import send_opening_notices

#: The name of the periodic task (`jobs.registry.register_periodic`).
DUE_TASK = "notifications-due"


def send_due(now: datetime | None = None) -> tuple[int, int]:
    """Queue the opening notices and digests due at `now`: (openings, digests). The caller commits."""
    now = now or utcnow()
    return send_opening_notices(now), send_digests(now)


@click.group(help="Notices by mail: opening notices to followers, daily digests for planners.")
def notifications():
    pass


@notifications.command("send-due")
@click.option("--now", "now_text", metavar="ISO-TIME",
              help="Act as if it were this time (e.g. 2026-05-04T08:00+02:00); for trying things out.")
@with_appcontext
def send_due_command(now_text: str | None):
    """Send the opening notices and planners' digests that are due (each goes out once)."""
    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter("not an ISO date and time", param_hint="--now") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
    openings, digests = send_due(now)
    db.session.commit()
    click.echo(f"{openings} opening notices, {digests} digests queued")
