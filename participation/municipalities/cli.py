"""``flask municipalities …``: add member towns."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from participation.extensions import db
from participation.municipalities import services
from participation.municipalities.models import Municipality


@click.group(help="Manage the member municipalities.")
def municipalities():
    pass


@municipalities.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--logo", type=click.Path(exists=True, dir_okay=False), help="An SVG or PNG logo.")
@with_appcontext
def create(slug: str, name: str, logo: str | None):
    """Create a municipality with its path segment SLUG and its NAME."""
    try:
        town = services.create_municipality(slug, name)
        if logo:
            services.set_logo(town, Path(logo).read_bytes())
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created /{town.slug}/ {town.name}")


@municipalities.command("list")
@with_appcontext
def list_():
    """List the municipalities."""
    for town in db.session.scalars(select(Municipality).order_by(Municipality.slug)):
        click.echo(f"{town.slug}\t{town.name}")
