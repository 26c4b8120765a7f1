"""Fixtures: one migrated database per test session, emptied after each test.

Set TEST_DATABASE_URL to run the same suite against PostgreSQL + PostGIS.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from itertools import count
from pathlib import Path

import pytest
import shapely
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_migrate import upgrade
from shapely.geometry import MultiPolygon, Point, Polygon
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from participation.app import create_app
from participation.accounts.models import Role, User
from participation.accounts.passwords import hash_password
from participation.comments.models import Comment
from participation.database.mixins import utcnow
from participation.extensions import db, limiter
from participation.jobs.models import Job, JobStatus
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.maps.models import MapLayer
from participation.municipalities.models import Municipality
from participation.projects.models import Category, Phase, Project
from participation.projects.permissions import local_today
from participation.web.templating import render_markdown

PASSWORD = "correct horse battery"
#: A square of about 700 m × 450 m in Neubrandenburg (EPSG:4326).
AREA = MultiPolygon([Polygon([(13.25, 53.55), (13.26, 53.55), (13.26, 53.554), (13.25, 53.554)])])
INSIDE = Point(13.255, 53.552)
OUTSIDE = Point(13.30, 53.60)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


#: The towns' time zone in every test app, whatever TIME_ZONE the machine's environment sets.
TIME_ZONE = "Europe/Berlin"


def town_today() -> date:
    """Today in the towns' time zone, the day the app counts periods and deadlines by — not the
    machine's day (`date.today()`), which in CI is UTC's and differs from 23:00 (22:00 in summer)
    until midnight."""
    return local_today(TIME_ZONE)


CATALOG = Path(__file__).resolve().parent.parent / "participation/translations/de/LC_MESSAGES/messages.po"


def compile_stale_translations() -> None:
    """Compile the German catalog like `make translations` when the .mo is older than the .po,
    so a plain `pytest` after editing translations renders what the catalog says."""
    compiled = CATALOG.with_suffix(".mo")
    if compiled.exists() and compiled.stat().st_mtime >= CATALOG.stat().st_mtime:
        return
    with CATALOG.open("rb") as source:
        catalog = read_po(source)
    partial = compiled.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as target:
        write_mo(target, catalog)
    partial.replace(compiled)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    compile_stale_translations()
    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.sqlite'}"
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "BASEMAP_URL": "/basemap/{z}/{x}/{y}.png",
        "MAIL_SERVER": "",
        "TIME_ZONE": TIME_ZONE,
    })
    with app.app_context():
        upgrade()
        empty_database()  # a PostgreSQL test database may keep rows from an aborted run
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_database() -> None:
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        truncate = text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        for attempt in range(5):
            try:
                db.session.execute(truncate)
                break
            except OperationalError:
                # A request the browser sent before its page closed may still be reading in the live
                # server's thread: TRUNCATE's locks can deadlock with it. Its transaction ends soon.
                db.session.rollback()
                if attempt == 4:
                    raise
                time.sleep(0.2)
    else:
        for table in tables:
            db.session.execute(text(f'DELETE FROM "{table}"'))
    db.session.commit()


_extra_apps: list = []


def extra_app(config: dict):
    """A second app (other settings, same database); its pool is closed after the test."""
    made = create_app(config)
    _extra_apps.append(made)
    return made


@pytest.fixture(autouse=True)
def _dispose_extra_apps():
    yield
    while _extra_apps:
        with _extra_apps.pop().app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(app):
    """Give every test an empty database and fresh rate limits."""
    yield
    with app.app_context():
        empty_database()
        limiter.reset()


@pytest.fixture(scope="session")
def live_server(app):
    """The session's app served by werkzeug in a daemon thread (browser tests, GIS clients); yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def ctx(app):
    """An app context for tests that work with the database directly.

    Requests made while it is held would share its session and `g`; tests
    that use the client therefore use the factories, which return detached
    objects, and open `app.app_context()` only to check the database.
    """
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def password_hash():
    return hash_password(PASSWORD)


def add_vector_layer(town_id: int, name: str, features: list[tuple], map_id: int | None = None,
                     published: bool = True, **fields) -> Layer:
    """A vector layer with one version of `features` ((geometry, properties) pairs), published unless
    told otherwise, on the map `map_id` if given; in the caller's app context, flushed, not committed."""
    layer = Layer(municipality_id=town_id, name=name, **fields)
    db.session.add(layer)
    db.session.flush()
    version = LayerVersion(layer_id=layer.id, number=1, original_filename=f"{name}.gpkg",
                           feature_count=len(features),
                           report={"vertex_count": int(sum(shapely.get_num_coordinates(g) for g, _p in features))})
    db.session.add(version)
    db.session.flush()
    for geometry, properties in features:
        feature = LayerFeature(version_id=version.id, geometry=geometry, properties=properties)
        feature._set_bbox(geometry)
        db.session.add(feature)
    if published:
        layer.current_version_id = version.id
    if map_id is not None:
        db.session.add(MapLayer(map_id=map_id, layer_id=layer.id, position=0))
    db.session.flush()
    return layer


def persist(app, obj, *relations: str):
    """Save `obj` in its own app context and return it detached, with `relations` loaded."""
    with app.app_context():
        obj = db.session.merge(obj)
        db.session.commit()
        db.session.refresh(obj)
        for name in relations:
            value = getattr(obj, name)
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    db.session.refresh(item)
        db.session.expunge_all()
        return obj


_numbers = count(1)


@pytest.fixture
def create_town(app):
    def make(slug: str | None = None, name: str | None = None) -> Municipality:
        n = next(_numbers)
        return persist(app, Municipality(slug=slug or f"town-{n}", name=name or f"Town {n}"))
    return make


@pytest.fixture
def create_user(app, password_hash):
    def make(role: Role | str = Role.RESIDENT, towns=(), confirmed: bool = True, email: str | None = None) -> User:
        n = next(_numbers)
        with app.app_context():
            user = User(
                email=email or f"user{n}@example.org",
                pseudonym=f"Person {n}",
                password_hash=password_hash,
                role=Role(role),
                email_confirmed_at=utcnow() if confirmed else None,
            )
            user.municipalities = [db.session.get(Municipality, t.id) for t in towns]
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            user.municipalities  # load before detaching
            db.session.expunge_all()
            return user
    return make


@pytest.fixture
def create_project(app, create_town):
    def make(town: Municipality | None = None, phase: Phase | str = Phase.PARTICIPATION, area=AREA,
             categories=(("Traffic", "#1f77b4"), ("Green", "#2ca02c")), start: date | None = None,
             end: date | None = None, title: str = "Market square") -> Project:
        today = town_today()
        town = town or create_town()
        project = Project(
            municipality_id=town.id,
            title=title,
            summary="A summary",
            description="Some **text**",
            description_html=render_markdown("Some **text**"),
            phase=Phase(phase),
            participation_start=start or today - timedelta(days=3),
            participation_end=end or today + timedelta(days=30),
        )
        project.set_area(area)
        project.categories = [Category(name=n, color=c, position=i) for i, (n, c) in enumerate(categories)]
        return persist(app, project, "categories", "municipality")
    return make


@pytest.fixture
def create_comment(app):
    def make(project: Project, author: User, text: str = "A comment", location: Point | None = INSIDE,
             parent: Comment | None = None, category_id: int | None = None) -> Comment:
        if category_id is None and parent is None and project.categories:
            category_id = project.categories[0].id
        comment = Comment(project_id=project.id, author_id=author.id, text=text,
                          parent_id=parent.id if parent else None, category_id=category_id)
        comment.set_location(None if parent else location)
        return persist(app, comment)
    return make


def csrf_token(client, url: str = "/konto/anmelden") -> str:
    """The CSRF token from a page, as a browser would read it."""
    match = _CSRF.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def login(client):
    def do(user: User, password: str = PASSWORD):
        response = client.post(
            "/konto/anmelden", data={"email": user.email, "password": password, "csrf_token": csrf_token(client)}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response
    return do


@pytest.fixture
def town(create_town):
    """A town; most tests need one and no more."""
    return create_town()


@pytest.fixture
def planner(create_user, town, login):
    """A planner of `town`, logged in with the test client."""
    user = create_user(Role.PLANNER, towns=[town])
    login(user)
    return user


def wait_for_jobs(app, timeout: float = 15) -> None:
    """Until the jobs of the test (the reset mail runs in a background thread without Redis) are done."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        while db.session.scalar(select(func.count(Job.id)).where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))):
            assert time.monotonic() < deadline, "jobs still running"
            time.sleep(0.05)
            db.session.expire_all()


@pytest.fixture
def mailbox(app):
    """The mails written to instance/mail/ during the test, oldest first."""
    folder = Path(app.instance_path) / "mail"
    shutil.rmtree(folder, ignore_errors=True)

    def read():
        wait_for_jobs(app)
        files = sorted(folder.glob("*.eml")) if folder.exists() else []
        return [BytesParser(policy=policy.default).parsebytes(f.read_bytes()) for f in files]
    return read


@pytest.fixture
def create_statute(app, create_town):
    """A statute (published, with AREA, by default) and its text.

    `sections` are (number, heading, paragraphs) with each paragraph a text or a
    (number, text, plan_objects) tuple; anchors are made unique ("s<n>"). `replaced_by` is a statute
    made before. The statute comes back detached with municipality, sections and paragraphs loaded.
    """
    from participation.statutes.models import LegalStatus, Statute, StatuteKind, StatuteParagraph, StatuteSection
    from participation.statutes.services import refresh_search_text

    def make(town: Municipality | None = None, title: str = "Am Mühlenteich", kind=StatuteKind.BEBAUUNGSPLAN,
             status=LegalStatus.PUBLIC_DISPLAY, area=AREA, published: bool = True, sections=(), number: str = "",
             summary: str = "", replaced_by=None, **dates):
        town = town or create_town()
        n = next(_numbers)
        with app.app_context():
            statute = Statute(municipality_id=town.id, title=title, kind=StatuteKind(kind),
                              status=LegalStatus(status), number=number or str(n), summary=summary,
                              published_at=utcnow() if published else None,
                              replaced_by_id=replaced_by.id if replaced_by is not None else None, **dates)
            statute.set_area(area)
            statute.municipality = db.session.get(Municipality, town.id)
            db.session.add(statute)
            db.session.flush()
            for s, (section_number, heading, paragraphs) in enumerate(sections):
                section = StatuteSection(position=s, number=section_number, heading=heading)
                for p, paragraph in enumerate(paragraphs):
                    number_, text_, objects = ("", paragraph, []) if isinstance(paragraph, str) else paragraph
                    section.paragraphs.append(StatuteParagraph(
                        statute_id=statute.id, position=p, number=number_, text=text_,
                        anchor=f"s{next(_numbers)}", plan_objects=list(objects)))
                statute.sections.append(section)
            refresh_search_text(statute)
            db.session.commit()
            db.session.refresh(statute)
            for section in statute.sections:
                section.paragraphs  # load before detaching
            statute.municipality, statute.replaced_by, statute.replaces  # noqa: B018
            db.session.expunge_all()
            return statute
    return make
