"""``flask users …``: manage accounts from the command line."""
from __future__ import annotations

import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from participation.accounts import services
from participation.accounts.models import Role
from participation.extensions import db
from participation.municipalities.models import Municipality


@click.group(help="Manage user accounts.")
def users():
    pass


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.RESIDENT.value, show_default=True)
@click.option("--pseudonym", help="Public name; derived from the address if omitted.")
@click.option("--password", help="Password; a random one is generated and printed if omitted.")
@click.option("--municipality", "slugs", multiple=True, help="Slug of a municipality the account works for (repeatable).")
@with_appcontext
def create(email: str, role: str, pseudonym: str | None, password: str | None, slugs: tuple[str, ...]):
    """Create a confirmed account, e.g. ``flask users create a@b.de --role planner --municipality musterstadt``."""
    towns = []
    for slug in slugs:
        town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
        if town is None:
            raise click.BadParameter(f"no municipality with slug {slug!r}", param_hint="--municipality")
        towns.append(town)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = services.create_user(email, pseudonym or email.split("@")[0], password, Role(role), confirmed=True)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    user.municipalities.extend(towns)
    db.session.commit()
    click.echo(f"Created {user.email} ({role})" + (f" with password {password}" if generated else ""))
