"""The command line: ``flask users``, ``flask municipalities`` and ``flask demo``."""
from __future__ import annotations

from sqlalchemy import func, select

from participation.accounts import services
from participation.accounts.models import Role, User
from participation.comments.models import Comment
from participation.demo import data
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.models import Project
from tests.test_i18n import german


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_planner_for_a_municipality(app, runner, create_town):
    town = create_town(slug="alpha")
    result = runner.invoke(args=["users", "create", "Planner@Example.org", "--role", "planner",
                                 "--pseudonym", "Alpha Planning", "--password", "a long password", "--municipality", "alpha"])
    assert result.exit_code == 0, result.output
    assert "password" not in result.output  # only a generated password is printed
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.pseudonym, user.role) == ("planner@example.org", "Alpha Planning", Role.PLANNER)
        assert user.is_confirmed
        assert [t.id for t in user.municipalities] == [town.id]
        assert services.authenticate("planner@example.org", "a long password") is not None


def test_generated_password_is_printed_and_works(app, runner):
    result = runner.invoke(args=["users", "create", "someone@example.org"])
    assert result.exit_code == 0, result.output
    password = result.output.rsplit("with password ", 1)[1].strip()
    with app.app_context():
        assert services.authenticate("someone@example.org", password).role is Role.RESIDENT


def test_unknown_municipality_is_an_error(app, runner):
    result = runner.invoke(args=["users", "create", "p@example.org", "--role", "planner", "--municipality", "nowhere"])
    assert result.exit_code != 0
    assert "nowhere" in result.output
    with app.app_context():
        assert count(User) == 0


def test_duplicate_address_is_an_error(app, runner, create_user):
    user = create_user()
    result = runner.invoke(args=["users", "create", user.email.upper(), "--pseudonym", "Other Name"])
    assert result.exit_code == 1, result.output
    # Outside a request the message is in the default language.
    assert german("An account with this e-mail address already exists.") in result.output
    with app.app_context():
        assert count(User) == 1


def test_create_municipality(app, runner):
    result = runner.invoke(args=["municipalities", "create", "neu-stadt", "Neustadt"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Municipality.name).where(Municipality.slug == "neu-stadt")) == "Neustadt"
    assert "neu-stadt\tNeustadt" in runner.invoke(args=["municipalities", "list"]).output


def test_bad_slugs_are_refused(app, runner, create_town):
    create_town(slug="taken")
    for slug in ("api", "konto", "Upper", "dash-", "with space", "ümlaut", "taken"):
        result = runner.invoke(args=["municipalities", "create", slug, "Somewhere"])
        assert result.exit_code != 0, slug
        assert "slug" in result.output, slug
    with app.app_context():
        assert count(Municipality) == 1


def test_municipality_logo_must_be_svg_or_png(app, runner, tmp_path):
    logo = tmp_path / "logo.gif"
    logo.write_bytes(b"GIF89a")
    result = runner.invoke(args=["municipalities", "create", "gif-town", "Gif Town", "--logo", str(logo)])
    assert result.exit_code != 0 and "svg" in result.output.lower()
    with app.app_context():
        assert count(Municipality) == 0


def demo_counts() -> dict[str, int]:
    return {model.__name__: count(model) for model in (Municipality, User, Project, Comment)}


def test_demo_load_is_complete_and_idempotent(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        after_first = demo_counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert demo_counts() == after_first
        assert after_first["Municipality"] == 2
        assert after_first["Comment"] >= 200
        projects = db.session.scalars(select(Project)).all()
        assert len(projects) >= 3 and all(p.area is not None and not p.area.is_empty for p in projects)
        roles = set()
        for email, _pseudonym, role, password, _towns in data.USERS:
            assert email in first.output and password in first.output
            user = services.authenticate(email, password)
            assert user is not None and user.is_confirmed, email
            roles.add(user.role)
        assert roles == set(Role)
