"""``flask addresses import`` for the GIS team: a town's address list from a file on the server."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from geo.errors import GeoInputError
from participation.addresses import services
from participation.extensions import db
from participation.municipalities.models import Municipality


@click.group(help="Address lists: import a town's addresses (e.g. the state's Hauskoordinaten).")
def addresses():
    pass


@addresses.command("import")
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--crs", type=int, help="EPSG code of x/y columns the file does not state, e.g. 25833.")
@with_appcontext
def import_(slug: str, path: Path, crs: int | None):
    """Replace the address list of the town SLUG with the addresses in PATH (all or nothing)."""
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if town is None:
        raise click.BadParameter(f"no municipality with slug {slug!r}", param_hint="SLUG")
    with click.progressbar(length=200, label=f"importing {path.name}") as bar:
        def progress(stage: str, done: int, total: int) -> None:
            position = (0 if stage == "read" else 100) + int(done * 100 / max(total, 1))
            bar.update(position - bar.pos)
        try:
            address_list = services.import_addresses(town, path, None, progress, crs=crs)
        except GeoInputError as error:
            db.session.rollback()
            raise click.ClickException(_(error.message).format(**error.params)) from None
        db.session.commit()
    report = address_list.report
    skipped = sum(report["skipped"].values())
    click.echo(f"{town.slug}: {address_list.address_count} addresses from {report['rows_read']} rows "
               f"({report['source_format']}); skipped {skipped}, duplicates merged {report['duplicates']}")
    for line, reason in report["examples"]:
        click.echo(f"  line {line}: {_(reason)}")
