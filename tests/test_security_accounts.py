"""Security of accounts (issue 9): links in mails, sessions, enumeration by timing, look-alike
names and bidi controls, lock-out by others, CSRF renewal at login."""
from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import Form

from participation.accounts import services, tokens
from participation.accounts.forms import RegisterForm
from participation.accounts.models import Role, User
from participation.comments.models import Comment
from participation.config import from_env
from participation.extensions import db
from participation.layers.forms import LayerMetadata
from participation.layers.sources.forms import ServiceLayerForm
from participation.layers.styles.forms import CategoryForm as StyleCategoryForm
from participation.layers.styles.forms import PopupRowForm
from participation.projects.forms import CategoryForm, ProjectForm
from participation.web import mail as mail_module
from participation.web.text import strip_bidi_controls
from tests.conftest import PASSWORD, csrf_token, extra_app, wait_for_jobs
from tests.test_accounts import NEW_PASSWORD, post_login, register

RLO, LRI, PDI, RLM = "\u202e", "\u2066", "\u2069", "\u200f"
EVIL = "evil.invalid"


def other_app(app, **config):
    return extra_app({"INSTANCE_PATH": app.instance_path, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                      "SECRET_KEY": app.config["SECRET_KEY"], "MAIL_SERVER": "", **config})


def forgot(client, email, **kwargs):
    return client.post("/konto/passwort-vergessen", data={
        "email": email, "csrf_token": csrf_token(client, "/konto/passwort-vergessen")}, **kwargs)


def logged_in(client) -> bool:
    return 'action="/konto/abmelden"' in client.get("/").get_data(as_text=True)


# 1. Links in mails come from BASE_URL, and the app answers only for its own host.

def all_links(mails) -> list[str]:
    return [word for m in mails for word in m.get_body(("plain",)).get_content().split() if "://" in word]


@pytest.mark.parametrize("header", ["HTTP_HOST", "HTTP_X_FORWARDED_HOST"])
def test_links_in_mails_ignore_the_host_a_visitor_sends(app, create_user, mailbox, header):  # noqa: F811
    proxied = other_app(app, PROXY_COUNT=1)  # behind the README's proxy: X-Forwarded-* trusted
    client = proxied.test_client()
    client.environ_base[header] = EVIL
    user = create_user()
    address = iter(f"10.1.0.{n}" for n in range(1, 10))

    def send(method, *args):
        return method(client, *args, environ_base={"REMOTE_ADDR": next(address)})
    assert send(register, "new@example.org", "New Person").status_code == 200  # confirmation
    assert send(register, user.email, "Other Person").status_code == 200  # "already registered"
    assert send(forgot, user.email).status_code == 200  # reset
    mails = mailbox()
    assert [m["To"] for m in mails] == ["new@example.org", user.email, user.email]
    links = all_links(mails)
    assert len(links) == 4
    assert all(url.startswith("http://localhost/konto/") for url in links), links


def test_links_in_mails_use_base_url(app, create_user, mailbox):  # noqa: F811
    client = other_app(app, BASE_URL="https://beteiligung.example.org/pool", TRUSTED_HOSTS=["localhost"]).test_client()
    forgot(client, create_user().email)
    [url] = all_links(mailbox())
    assert url.startswith("https://beteiligung.example.org/pool/konto/passwort-neu/")


def test_unknown_hosts_are_refused(app):
    site = other_app(app, BASE_URL="https://beteiligung.example.org", PROXY_COUNT=1).test_client()
    assert site.get("/", base_url="https://beteiligung.example.org").status_code == 200
    assert site.get("/", base_url=f"https://{EVIL}").status_code == 400
    # The proxy's X-Forwarded-Host is not trusted, so it cannot smuggle a host in either.
    assert site.get("/", base_url="https://beteiligung.example.org", headers={"X-Forwarded-Host": EVIL}).status_code == 200
    listed = other_app(app, BASE_URL="https://beteiligung.example.org", TRUSTED_HOSTS=["a.example", "b.example"])
    assert listed.test_client().get("/", base_url="http://b.example").status_code == 200
    assert listed.test_client().get("/", base_url="https://beteiligung.example.org").status_code == 400


def test_production_needs_an_https_base_url(app):
    settings = dict(ENV_NAME="production", SECRET_KEY="x" * 48, SESSION_COOKIE_SECURE=True)
    for base in ("", "http://beteiligung.example.org"):
        with pytest.raises(RuntimeError, match="BASE_URL"):
            other_app(app, **settings, BASE_URL=base)
    assert other_app(app, **settings, BASE_URL="https://x.example").config["TRUSTED_HOSTS"] == ["x.example"]


# 2. Logout, password change and reset end every session and "stay logged in" cookie.

def copy_cookies(source, target, names=("session", "remember_token")) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def stolen_copies(app, client):
    """A copy of the session and one of the "stay logged in" cookie alone, as a thief would keep them."""
    session, remember = app.test_client(), app.test_client()
    copy_cookies(client, session, ["session"])
    copy_cookies(client, remember, ["remember_token"])
    assert logged_in(session) and logged_in(remember)
    return session, remember


def login_remembered(client, user):
    response = client.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD, "remember": "y",
                                                    "csrf_token": csrf_token(client)})
    assert response.status_code == 302


def test_logout_ends_every_session_of_the_account(app, client, create_user):
    user = create_user()
    login_remembered(client, user)
    session, remember = stolen_copies(app, client)
    elsewhere = app.test_client()
    login_remembered(elsewhere, user)
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    assert not logged_in(client)
    assert not logged_in(session) and not logged_in(remember) and not logged_in(elsewhere)
    login_remembered(client, user)  # logging in again works
    assert logged_in(client)


def test_password_reset_ends_every_session_of_the_account(app, client, create_user):
    user = create_user()
    login_remembered(client, user)
    session, remember = stolen_copies(app, client)
    with app.app_context():
        token = tokens.make_token(db.session.get(User, user.id), tokens.RESET)
    fresh = app.test_client()
    url = f"/konto/passwort-neu/{token}"
    response = fresh.post(url, data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD,
                                     "csrf_token": csrf_token(fresh, url)})
    assert response.status_code == 302
    assert not logged_in(client) and not logged_in(session) and not logged_in(remember)


def test_password_change_ends_sessions(app, client, create_user):
    user = create_user()
    login_remembered(client, user)
    with app.app_context():
        services.set_password(db.session.get(User, user.id), NEW_PASSWORD)
        db.session.commit()
    assert not logged_in(client)


def test_stay_logged_in_lasts_fourteen_days_by_default(client, create_user, monkeypatch):
    login_remembered(client, create_user())
    expires = client.get_cookie("remember_token").expires
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14)
    monkeypatch.setenv("REMEMBER_COOKIE_DURATION", "3")
    assert from_env()["REMEMBER_COOKIE_DURATION"] == timedelta(days=3)


# 3. Registration and "forgot password" take as long for known addresses as for unknown ones.

def median_ratio(first, second, runs: int = 5) -> float:
    """Median time of `first` over that of `second`, alternating, after one warm-up each."""
    times: tuple[list, list] = ([], [])
    for n in range(runs + 1):
        for i, call in enumerate((first, second)):
            start = time.perf_counter()
            call(n)
            if n:
                times[i].append(time.perf_counter() - start)
    return statistics.median(times[0]) / statistics.median(times[1])


def test_registering_takes_as_long_for_a_known_address(app, create_user):
    user = create_user()
    client = app.test_client()

    def known(n):
        assert register(client, user.email, f"Known {n}", environ_base={"REMOTE_ADDR": f"10.2.0.{n}"}).status_code == 200

    def new(n):
        assert register(client, f"new{n}@example.org", f"New {n}", environ_base={"REMOTE_ADDR": f"10.3.0.{n}"}).status_code == 200
    # Without the dummy hash, the known address answers several times faster.
    assert 0.5 < median_ratio(known, new) < 2


def test_forgot_password_takes_as_long_for_a_known_address(app, create_user, monkeypatch):
    user = create_user()
    client = app.test_client()
    # A mail server that takes a while: the request must not wait for it only when the address is known.
    send = mail_module.send_mail

    def slow_send(*args):
        time.sleep(0.3)
        send(*args)
    monkeypatch.setattr(services, "send_mail", slow_send)
    monkeypatch.setattr("participation.jobs.builtin.send_mail", slow_send)

    def known(n):
        assert forgot(client, user.email, environ_base={"REMOTE_ADDR": f"10.4.0.{n}"}).status_code == 200

    def unknown(n):
        assert forgot(client, f"nobody{n}@example.org", environ_base={"REMOTE_ADDR": f"10.5.0.{n}"}).status_code == 200
    ratio = median_ratio(known, unknown)
    wait_for_jobs(app)
    assert 0.5 < ratio < 2


def test_reset_mail_goes_only_to_known_unblocked_accounts(app, create_user, mailbox):  # noqa: F811
    user, blocked = create_user(), create_user()
    with app.app_context():
        db.session.get(User, blocked.id).is_blocked = True
        db.session.commit()
    client = app.test_client()
    for email in (user.email, blocked.email, "nobody@example.org"):
        assert forgot(client, email).status_code == 200
    assert [m["To"] for m in mailbox()] == [user.email]


# 10. Look-alike names, bidi controls, the town's staff badge.

@pytest.mark.parametrize("name", ["Planungsаmt Musterstadt", "PLANUNGSAMT MUSTERSTADT", "Ｐlanungsamt Musterstadt"])
def test_a_name_that_looks_like_a_taken_one_is_refused(app, client, name, mailbox):  # noqa: F811
    with app.test_request_context():
        services.create_user("amt@example.org", "Planungsamt Musterstadt", PASSWORD, Role.PLANNER, confirmed=True)
        db.session.commit()
    response = register(client, "someone@example.org", name)
    assert response.status_code == 400
    assert mailbox() == []
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "someone@example.org")) is None


def test_the_skeleton_follows_every_create_and_rename(app):
    with app.app_context():
        user = User(email="a@example.org", pseudonym="Planungsаmt", password_hash="!")
        db.session.add(user)
        db.session.flush()
        assert user.pseudonym_skeleton == "planungsamt"
        user.pseudonym = "Ａnna"
        assert user.pseudonym_skeleton == "anna"
        db.session.rollback()


def test_bidi_controls_are_removed_from_names_and_comments(app, client, create_project, create_user, login):
    assert register(client, "x@example.org", f"Anna{RLO}moc{PDI}").status_code == 200
    project = create_project()
    login(create_user())
    text = f"{LRI}Look{RLM} here{RLO}"
    response = client.post(f"/{project.municipality.slug}/projekte/{project.id}/kommentare", data={
        "text": text, "category": project.categories[0].id, "lon": "13.255", "lat": "53.552",
        "csrf_token": csrf_token(client, f"/{project.municipality.slug}/projekte/{project.id}")})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.pseudonym).where(User.email == "x@example.org")) == "Annamoc"
        assert db.session.scalar(select(Comment.text)) == "Look here"
    assert strip_bidi_controls(None) is None


def one_line_fields():
    return [(RegisterForm, "pseudonym"), (ProjectForm, "title"), (ProjectForm, "summary"), (CategoryForm, "name"),
            *((LayerMetadata, f) for f in ("name", "source", "attribution")),
            *((ServiceLayerForm, f) for f in ("name", "source", "attribution")),
            (StyleCategoryForm, "label"), (PopupRowForm, "label")]


def test_every_one_line_field_drops_bidi_controls(app):
    with app.test_request_context(method="POST"):
        for form_class, name in one_line_fields():
            probe = type("Probe", (Form,), {name: getattr(form_class, name)})  # the one field, as declared
            assert probe(MultiDict({name: f"Amt{RLO}txt.exe"}))[name].data == "Amttxt.exe", (form_class, name)


def test_the_towns_staff_wear_a_badge(app, create_town, create_project, create_user, create_comment, client):
    town, elsewhere = create_town(), create_town()
    project = create_project(town=town)
    authors = {create_user(Role.PLANNER, towns=[town]).pseudonym: True, create_user(Role.GIS, towns=[town]).pseudonym: True,
               create_user(Role.ADMIN).pseudonym: True, create_user(Role.PLANNER, towns=[elsewhere]).pseudonym: False,
               create_user().pseudonym: False}
    with app.app_context():
        for name in authors:
            create_comment(project, db.session.scalar(select(User).where(User.pseudonym == name)))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/{town.slug}/projekte/{project.id}").get_data(as_text=True)
    headers = [part.split("</header>")[0] for part in page.split('<li class="comment"')[1:]]
    assert len(headers) == len(authors)
    for header in headers:
        [name] = [n for n in authors if f">{n}<" in header]
        assert ("Town staff" in header) is authors[name], header


# 11. Guessing a password slows the guesser, not the owner.

def test_the_owner_logs_in_while_someone_else_guesses(app, create_user):
    user = create_user()
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    attacker = app.test_client()
    for attempt in range(3 * limit):
        response = post_login(attacker, user.email, f"guess {attempt}", environ_base={"REMOTE_ADDR": "10.6.0.1"})
        assert response.status_code == (401 if attempt < limit else 429), attempt
    owner = app.test_client()
    assert post_login(owner, user.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.6.0.2"}).status_code == 302


def test_one_address_guessing_many_accounts_is_limited(app, create_user):
    limit = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    client = app.test_client()
    for attempt in range(limit):
        assert post_login(client, f"n{attempt}@example.org", "x", environ_base={"REMOTE_ADDR": "10.7.0.1"}).status_code == 401
    assert post_login(client, "n@example.org", "x", environ_base={"REMOTE_ADDR": "10.7.0.1"}).status_code == 429


# 12a. A new session and CSRF token at login and logout.

def test_login_and_logout_renew_the_csrf_token(client, create_user):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = csrf_token(client)
    client.post("/language", data={"lang": "en", "csrf_token": before})
    post_login(client, create_user().email, PASSWORD)
    assert client.post("/language", data={"lang": "en", "csrf_token": before}).status_code == 400
    during = csrf_token(client, "/")
    assert client.post("/language", data={"lang": "en", "csrf_token": during}).status_code == 302
    assert client.post("/konto/abmelden", data={"csrf_token": during}).status_code == 302
    assert client.post("/language", data={"lang": "de", "csrf_token": during}).status_code == 400
    # The language the visitor chose outlives both.
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
