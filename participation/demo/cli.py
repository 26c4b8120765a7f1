"""``flask demo load``: an idempotent demo installation."""
from __future__ import annotations

import json
import random
import tempfile
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon
from sqlalchemy import func, select

from participation.accounts import services as accounts
from participation.accounts.models import Role, User
from participation.comments.models import Comment, Support
from participation.database.mixins import utcnow
from participation.demo import data
from participation.demo.planning import load_planning
from participation.demo.statutes import load_statutes
from participation.demo.surveys import load_surveys
from participation.extensions import db
from participation.layers import services as layer_services
from participation.layers.styles import services as styles
from participation.maps import services as maps
from participation.layers.models import Layer
from participation.municipalities import services as towns
from participation.municipalities.models import Municipality
from participation.projects.models import Category, Phase, Project
from participation.projects.permissions import local_today
from participation.web.templating import render_markdown

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="{name}">
<path d="M8 4h48v30c0 14-11 22-24 26C19 56 8 48 8 34z" fill="{color}"/>
<text x="32" y="40" font-family="sans-serif" font-size="22" fill="#fff" text-anchor="middle">{initial}</text></svg>
"""


@click.group(help="Demo data.")
def demo():
    pass


@demo.command("load")
@with_appcontext
def load():
    """Create the demo towns, accounts, projects and comments (safe to run again)."""
    rng = random.Random(2026)  # noqa: S311 - seeded on purpose: the same demo data every time
    town_by_slug = {slug: _town(slug, name, color) for slug, name, color in data.TOWNS}
    users = {email: _user(email, pseudonym, role, password, [town_by_slug[s] for s in slugs])
             for email, pseudonym, role, password, slugs in data.USERS}
    residents = _residents()
    planner = users["planung@demo.invalid"]
    projects = []
    for spec in data.PROJECTS:
        project = _project(town_by_slug[spec[0]], planner, *spec[1:6])
        _comments(project, spec[6], residents, rng)
        projects.append(project)
    _plan_layer(projects[0], users["gis@demo.invalid"])
    load_statutes(town_by_slug["musterstadt"], planner, users["gis@demo.invalid"])
    load_planning(town_by_slug["musterstadt"], planner)
    load_surveys(town_by_slug["musterstadt"], planner)
    db.session.commit()
    click.echo("Demo loaded. Log in with (e-mail / password / role):")
    for email, _pseudonym, role, password, _slugs in data.USERS:
        click.echo(f"  {email:36} {password:20} {role}")


def _town(slug: str, name: str, color: str) -> Municipality:
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if town is None:
        town = towns.create_municipality(slug, name)
    folder = towns.logo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.svg"
    path.write_text(LOGO.format(name=name, color=color, initial=name[0]), encoding="utf-8")
    town.logo_filename = path.name
    if slug in data.BOUNDARIES:
        town.boundary = MultiPolygon([Polygon(data.BOUNDARIES[slug])])
    return town


def _user(email: str, pseudonym: str, role: str, password: str, member_of: list[Municipality]) -> User:
    user = accounts.find_by_email(email)
    if user is None:
        user = accounts.create_user(email, pseudonym, password, Role(role), confirmed=True)
    for town in member_of:
        if town not in user.municipalities:
            user.municipalities.append(town)
    return user


def _residents() -> list[User]:
    people = []
    for number in range(1, 26):
        email = f"person{number}@demo.invalid"
        user = accounts.find_by_email(email)
        if user is None:
            # Demo residents only fill the map; they cannot log in.
            user = accounts.create_user(email, f"Nachbar {number}", None, confirmed=True)
        people.append(user)
    return people


def _project(town, planner, title, summary, description, phase, ring) -> Project:
    project = db.session.scalar(select(Project).where(Project.municipality_id == town.id, Project.title == title))
    if project is None:
        project = Project(municipality=town, title=title, created_by_id=planner.id)
        project.categories = [Category(name=n, color=c, position=i) for i, (n, c) in enumerate(data.CATEGORIES)]
        db.session.add(project)
    project.summary, project.description, project.phase = summary, description, Phase(phase)
    project.description_html = str(render_markdown(description))  # the demo's own text: no bound needed
    project.set_area(MultiPolygon([Polygon(ring)]))
    # Keep the demo's participation open whenever it is loaded.
    today = local_today(current_app.config["TIME_ZONE"])
    project.participation_start = today - timedelta(days=14)
    project.participation_end = today + timedelta(days=30) if phase == "participation" else today - timedelta(days=1)
    db.session.flush()
    return project


def _comments(project: Project, count: int, residents: list[User], rng: random.Random) -> None:
    existing = db.session.scalar(select(func.count(Comment.id)).where(Comment.project_id == project.id))
    if existing:
        return
    minx, miny, maxx, maxy = project.area.bounds
    for index in range(count):
        author = rng.choice(residents)
        comment = Comment(project=project, author_id=author.id, text=rng.choice(data.COMMENT_TEXTS),
                          category_id=rng.choice(project.categories).id,
                          # Over the two weeks the participation has run, so that the figures over time say something.
                          created_at=utcnow() - timedelta(days=rng.uniform(0, 13)))
        # One in ten without a pin: comments need not have a place.
        if index % 10:
            comment.set_location(Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy)))
        db.session.add(comment)
        db.session.flush()
        for supporter in rng.sample(residents, rng.randint(0, 4)):
            if supporter.id != author.id:
                db.session.add(Support(comment_id=comment.id, user_id=supporter.id))
        if index % 7 == 0:
            db.session.add(Comment(project=project, author_id=rng.choice(residents).id,
                                   text=rng.choice(data.REPLY_TEXTS), parent=comment))


def _plan_layer(project: Project, gis: User) -> None:
    """A small zoning layer (EPSG:25833, as the GIS team would upload it), styled and on the project map."""
    name = "Baugebiete (Entwurf)"
    layer = db.session.scalar(select(Layer).where(Layer.municipality_id == project.municipality_id, Layer.name == name))
    if layer is None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "baugebiete.geojson"
            path.write_text(json.dumps(_blocks(project.area.bounds)), encoding="utf-8")
            version = layer_services.import_file(
                project.municipality, path, path.name, name=name, user=gis, source="Demo, erzeugt",
                attribution="Demo-Daten, dl-de/zero-2-0", description="Art der baulichen Nutzung im Planentwurf.")
        layer = version.layer
        styles.set_style(layer, gis, {
            "opacity": 0.45, "width": 1.5, "stroke": "#333333", "categorise_by": "nutzung",
            "categories": [{"value": value, "colour": colour, "label": label} for value, colour, label in data.ZONES],
        }, [{"attribute": "nutzung", "label": "Art der Nutzung"}, {"attribute": "grz", "label": "Grundflächenzahl"}])
    if not project.map.layers:
        maps.arrange_map(project.map, project.municipality, gis, [(layer.id, True)])


def _blocks(bounds) -> dict:
    """A grid of building blocks over `bounds` (lon/lat) in EPSG:25833 with zoning attributes."""
    to_utm = Transformer.from_crs(4326, 25833, always_xy=True)
    west, south, east, north = bounds
    (x0, x1), (y0, y1) = to_utm.transform([west, east], [south, north])
    columns, rows, gap = 4, 3, 12.0
    width, height = (x1 - x0) / columns, (y1 - y0) / rows
    features = []
    for index in range(columns * rows):
        col, row = index % columns, index // columns
        left, bottom = x0 + col * width + gap, y0 + row * height + gap
        ring = [[left, bottom], [left + width - 2 * gap, bottom], [left + width - 2 * gap, bottom + height - 2 * gap],
                [left, bottom + height - 2 * gap], [left, bottom]]
        value = data.ZONES[index % len(data.ZONES)][0]
        features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                         "properties": {"nutzung": value, "grz": 0.4 if value == "WA" else 0.6, "block": index + 1}})
    return {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}},
            "features": features}
