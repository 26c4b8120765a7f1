"""``flask exports write``: an export straight to a file, with a progress bar (for scripts and large towns)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from participation.exports import services
from participation.exports.models import Export, ExportFormat
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.models import Project
from participation.statutes.models import Statute


@click.group(help="Exports of comments: tables, GIS files, the weighing table.")
def exports():
    pass


@exports.command("write")
@click.option("--town", "slug", required=True, help="The town's slug, as in its address.")
@click.option("--project", "project_id", type=int, help="Only this project's comments.")
@click.option("--statute", "statute_id", type=int, help="Only this statute's comments.")
@click.option("--format", "fmt", required=True, type=click.Choice([f.value for f in ExportFormat]))
@click.option("--crs", type=click.Choice(["4326", *map(str, services.PROJECTED)]), default="4326", show_default=True)
@click.option("--grouping", type=click.Choice(["thema", "datum"]), default="thema", show_default=True,
              help="Order of a weighing table: by paragraph or category, or by date.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (town's time zone).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included.")
@click.option("--locale", default="de", show_default=True, type=click.Choice(["de", "en"]))
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def write_command(slug, project_id, statute_id, fmt, crs, grouping, since, until, locale, out: Path):
    """Write the export to OUT (pseudonymised like every export; nothing is stored in the app)."""
    town = db.session.scalar(db.select(Municipality).where(Municipality.slug == slug))
    if town is None:
        raise click.BadParameter(f"no town {slug!r}", param_hint="--town")
    project = _owned(Project, project_id, town, "--project")
    statute = _owned(Statute, statute_id, town, "--statute")
    if project is not None and statute is not None:
        raise click.UsageError("give --project or --statute, not both")
    if ExportFormat(fmt).for_one_subject and project is None and statute is None:
        raise click.UsageError("a weighing table or report needs --project or --statute")
    export = Export(municipality=town, project=project, statute=statute, format=ExportFormat(fmt), crs=int(crs),
                    grouping=grouping, locale=locale, since=since.date() if since else None, until=until.date() if until else None)
    with click.progressbar(length=1, label=f"writing {out.name}") as bar, force_locale(locale):
        def report(done: int, total: int) -> None:
            bar.length = max(1, total)
            bar.update(done - bar.pos)
        written = services.write_file(export, out, report)
    click.echo(f"{written} comments and replies written to {out}")


def _owned(model, ident: int | None, town: Municipality, option: str):
    if ident is None:
        return None
    found = db.session.get(model, ident)
    if found is None or found.municipality_id != town.id:
        raise click.BadParameter(f"no such {model.__name__.lower()} in {town.slug}", param_hint=option)
    return found
