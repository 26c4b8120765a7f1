"""``flask backup create|restore``."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from participation.backup import BackupError, create_backup, restore_backup


@click.group(help="Back up and restore the database and the uploaded files.")
def backup():
    pass


def _progress(label: str, steps: list[str]):
    bar = click.progressbar(length=len(steps), label=label, show_pos=True)
    return bar, lambda message: bar.update(1)


@backup.command("create")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def create(target: Path | None):
    """Write a backup archive (default: instance/backups/backup-<time>.tar.gz)."""
    target = target or Path(current_app.instance_path) / "backups" / f"backup-{datetime.now().astimezone():%Y%m%d-%H%M%S}.tar.gz"
    bar, step = _progress("backup", ["database", "uploads", "archive"])
    with bar:
        try:
            create_backup(target, step)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"written {target}")


@backup.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore(source: Path, yes: bool):
    """Replace the database and uploads with the backup SOURCE. Stop the app servers first."""
    if not yes:
        click.confirm("This replaces all current data. Continue?", abort=True)
    bar, step = _progress("restore", ["unpack", "database", "uploads"])
    with bar:
        try:
            manifest = restore_backup(source, step)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"restored backup of {manifest['created_at']} (schema {manifest['revision']})")
