"""``flask statutes …``: statutes from the command line (the XPlanGML import for the GIS team)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from geo.errors import GeoInputError
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.statutes.xplan_import import import_xplan, warning_text

#: Who acts on the command line: no account. Services log the editor's id, which is None here.
COMMAND_LINE = SimpleNamespace(id=None)


@click.group(help="Statutes (Satzungen): import XPlanGML plans.")
def statutes():
    pass


@statutes.command("import-xplan")
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish the statute (a new one is a draft otherwise).")
@with_appcontext
def import_xplan_command(slug: str, path: Path, publish: bool):
    """Import an XPlanGML plan (.gml or XPlanArchiv .zip) as a statute of the town SLUG, or update the
    statute imported from the same plan before."""
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if town is None:
        raise click.BadParameter(f"no municipality with slug {slug!r}", param_hint="SLUG")
    with click.progressbar(length=100, label=f"importing {path.name}") as bar:
        def progress(fraction: float, message: str = "", **params) -> None:
            bar.update(max(0, int(fraction * 100) - bar.pos))
        try:
            result = import_xplan(town, path, COMMAND_LINE, progress, publish=publish)
        except GeoInputError as error:
            db.session.rollback()
            raise click.ClickException(_(error.message).format(**error.params)) from None
        db.session.commit()
    statute = result.statute
    click.echo(f"statute {statute.id} ({'created' if result.created else 'updated'}): {statute.title}"
               f"{' [published]' if statute.is_published else ' [draft]'}")
    for item in result.classes:
        click.echo(f"  {item.name}: {item.count} features → layer {item.layer_id} version {item.version}")
    for name, count in result.skipped:
        click.echo(f"  skipped {name}: {count} presentation objects")
    for name in result.removed:
        click.echo(f"  {name} is no longer in the plan; its layer was taken off the statute's map")
    click.echo(f"  text: {result.paragraphs} paragraphs, documents: {result.documents}, overlays: {result.overlays}"
               + (f", display period {result.period[0]} – {result.period[1]}" if result.period else ""))
    for message, params in result.warnings:
        click.echo(f"  warning: {warning_text(message, params, _)}")
