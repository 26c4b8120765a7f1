"""The admin area (/verwaltung): towns, accounts, invitations, roles and locks — through the pages."""
from __future__ import annotations

import logging
import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from participation.accounts import tokens
from participation.accounts.models import Role, User
from participation.accounts.passwords import verify_password
from participation.admin import services as admin_services
from participation.municipalities import services as town_services
from participation.extensions import db
from participation.municipalities.models import Municipality
from tests.conftest import PASSWORD, csrf_token
from tests.test_i18n import german

NEW_PASSWORD = "a brand new passphrase"
INVITE_LINK = re.compile(r"http://localhost(/konto/einladung/\S+)")




def logged_in(app, user, lang: str = "en"):
    """A client of its own, logged in as `user`, speaking `lang`."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    response = client.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD,
                                                     "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def post(client, url, data=None, page=None):
    """POST with a valid CSRF token read from `page` (or the start page)."""
    return client.post(url, data={"csrf_token": csrf_token(client, page or "/"), **(data or {})})


def invite_link(mail) -> str:
    match = INVITE_LINK.search(mail.get_body(("plain",)).get_content())
    assert match, mail.get_content()
    return match.group(1)


def get_user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        user.municipalities  # load before detaching
        db.session.expunge_all()
        return user


def accept(client, url, pseudonym="Anna Planner", password=NEW_PASSWORD):
    return client.post(url, data={"csrf_token": csrf_token(client, url), "pseudonym": pseudonym,
                                  "password": password, "password_repeat": password, "accept_privacy": "y"})


# --- Who may enter --------------------------------------------------------------------------

def admin_rules(app):
    """(method, url) for every route of the admin area, with ids and slugs filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, rule))
    return found


def test_the_area_has_the_expected_routes(app):
    endpoints = {rule.endpoint for _method, rule in admin_rules(app)}
    assert {"admin.index", "admin.towns", "admin.town_new", "admin.town_edit", "admin.accounts", "admin.invite",
            "admin.account", "admin.account_role", "admin.account_lock", "admin.account_unlock",
            "admin.account_invite_again"} <= endpoints


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.PLANNER, Role.GIS])
def test_only_admins_get_in(app, create_town, create_user, role):
    """Every admin URL, GET and POST (with a valid CSRF token and body): 403 for every role but admin,
    the login page for visitors; the admin gets through, so the refusal comes from the role alone."""
    town = create_town(slug="alpha")
    admin = create_user(role=Role.ADMIN)
    target = create_user(role=Role.PLANNER, towns=[town])
    user = create_user(role=role, towns=[town]) if role else None
    values = {"slug": town.slug, "user_id": target.id}
    bodies = {"admin.town_new": {"name": "Beta", "slug": "beta"}, "admin.town_edit": {"name": "Alpha 2"},
              "admin.invite": {"email": "new@example.org", "role": "planner", "towns": str(town.id)},
              "admin.account_role": {"role": "gis", "towns": str(town.id)}}
    client = logged_in(app, user) if user else app.test_client()
    token = csrf_token(client, "/")
    for method, rule in admin_rules(app):
        url = rule.build(values)[1]
        response = client.open(url, method=method, data={"csrf_token": token, **bodies.get(rule.endpoint, {})})
        if user is None:
            assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"], (method, url)
        else:
            assert response.status_code == 403, (method, url, response.status_code)
    with app.app_context():  # nothing changed
        assert db.session.scalar(select(func.count(Municipality.id))) == 1
        assert db.session.scalar(select(func.count(User.id))) == (3 if user else 2)
        changed = db.session.get(User, target.id)
        assert (changed.role, changed.is_blocked) == (Role.PLANNER, False)

    as_admin = logged_in(app, admin)
    for method, rule in admin_rules(app):
        if method == "GET":
            url = rule.build(values)[1]
            assert as_admin.get(url).status_code == 200, url


def test_the_header_links_the_area_for_admins_only(app, create_user):
    admin, planner = create_user(role=Role.ADMIN), create_user(role=Role.PLANNER)
    assert 'href="/verwaltung/"' in logged_in(app, admin).get("/").get_data(as_text=True)
    assert 'href="/verwaltung/"' not in logged_in(app, planner).get("/").get_data(as_text=True)
    assert 'href="/verwaltung/"' not in app.test_client().get("/").get_data(as_text=True)


# --- Towns ----------------------------------------------------------------------------------

def test_admin_creates_a_town_and_is_led_to_its_settings(app, create_user, caplog):
    admin = create_user(role=Role.ADMIN)
    client = logged_in(app, admin)
    with caplog.at_level(logging.INFO):
        response = post(client, "/verwaltung/kommunen/neu", {"name": " Neustadt am See ", "slug": "neustadt-see"},
                        "/verwaltung/kommunen/neu")
    assert response.status_code == 302 and response.headers["Location"] == "/verwaltung/kommunen/neustadt-see/bearbeiten"
    assert f"Admin {admin.id} created the town neustadt-see" in caplog.text
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The town Neustadt am See has been created." in page
    assert 'href="/neustadt-see/einstellungen"' in page
    assert "Neustadt am See" in client.get("/verwaltung/kommunen").get_data(as_text=True)
    assert client.get("/neustadt-see/").status_code == 200

    response = post(client, "/verwaltung/kommunen/neustadt-see/bearbeiten", {"name": "Neustadt"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Municipality.name).where(Municipality.slug == "neustadt-see")) == "Neustadt"


@pytest.mark.parametrize(("slug", "msgid"), [
    ("Neustadt", "Use lower-case letters, digits and hyphens only, starting and ending with a letter or digit."),
    ("neu stadt", "Use lower-case letters, digits and hyphens only, starting and ending with a letter or digit."),
    ("-neustadt", "Use lower-case letters, digits and hyphens only, starting and ending with a letter or digit."),
    ("verwaltung", "“%(slug)s” is a part of the site's own addresses. Please choose another."),
    ("konto", "“%(slug)s” is a part of the site's own addresses. Please choose another."),
    ("api", "“%(slug)s” is a part of the site's own addresses. Please choose another."),
    ("static", "“%(slug)s” is a part of the site's own addresses. Please choose another."),
    ("auftraege", "“%(slug)s” is a part of the site's own addresses. Please choose another."),
    ("gis", "“%(slug)s” is a part of the site's own addresses. Please choose another."),
    ("alpha", "A town with this address exists already."),
])
def test_bad_reserved_or_taken_slugs_are_refused_in_german(app, create_town, create_user, slug, msgid):
    create_town(slug="alpha")
    client = logged_in(app, create_user(role=Role.ADMIN), lang="de")
    response = post(client, "/verwaltung/kommunen/neu", {"name": "Neustadt", "slug": slug}, "/verwaltung/kommunen/neu")
    assert response.status_code == 400
    expected = german(msgid).replace("%(slug)s", slug)
    html = response.get_data(as_text=True)
    assert expected in html
    assert 'id="slug-error"' in html and 'href="#slug"' in html  # at the field and in the summary
    with app.app_context():
        assert db.session.scalar(select(func.count(Municipality.id))) == 1


def test_every_fixed_first_path_segment_is_reserved(app):
    with app.test_request_context():
        reserved = town_services.reserved_segments()
    for rule in app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            assert first in reserved, rule.rule


# --- Invitations ----------------------------------------------------------------------------

def invite(app, admin, email="anna@example.org", role="planner", towns=()):
    client = logged_in(app, admin)
    response = post(client, "/verwaltung/konten/einladen",
                    {"email": email, "role": role, "towns": [str(t.id) for t in towns]}, "/verwaltung/konten/einladen")
    return client, response


def test_invitation_creates_one_account_and_its_link_works_once(app, create_town, create_user, mailbox, caplog):
    town = create_town(slug="alpha", name="Alpha")
    admin = create_user(role=Role.ADMIN)
    with caplog.at_level(logging.INFO):
        client, response = invite(app, admin, email=" Anna@Example.org ", towns=[town])
    assert response.status_code == 302
    with app.app_context():
        [user] = db.session.scalars(select(User).where(User.id != admin.id)).all()
        assert (user.email, user.role, [t.slug for t in user.municipalities]) == ("anna@example.org", Role.PLANNER, ["alpha"])
        assert user.invited_at is not None and not user.is_confirmed
        assert user.password_hash == "!"  # no password matches it
        assert user.pseudonym.startswith("invited-")
        user_id = user.id
    assert response.headers["Location"] == f"/verwaltung/konten/{user_id}"
    assert f"Admin {admin.id} invited user {user_id} as planner" in caplog.text
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The invitation has been sent to anna@example.org." in page and "Invitation pending" in page

    [mail] = mailbox()
    assert mail["To"] == "anna@example.org"
    body = mail.get_body(("plain",)).get_content()
    assert "Planung" in body and "Alpha" in body  # in the site's default language
    url = invite_link(mail)

    invitee = app.test_client()
    invitee.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    form = invitee.get(url)
    assert form.status_code == 200 and "anna@example.org" in form.get_data(as_text=True)
    response = accept(invitee, url)
    assert response.status_code == 302 and response.headers["Location"] == "/alpha/"
    page = invitee.get("/alpha/").get_data(as_text=True)
    assert "Logged in as Anna Planner" in page and "New project" in page
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.pseudonym == "Anna Planner" and user.is_confirmed and user.invited_at is None
        assert verify_password(user.password_hash, NEW_PASSWORD)
        assert db.session.scalar(select(func.count(User.id))) == 2

    # Once used, the link is dead: another visitor (or the same one) is refused politely.
    again = app.test_client()
    again.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for method in ("GET", "POST"):
        response = again.open(url, method=method, data={"csrf_token": csrf_token(again, "/"), "pseudonym": "Other Name",
                                                          "password": "another password 1",
                                                          "password_repeat": "another password 1",
                                                          "accept_privacy": "y"})
        assert response.status_code == 302 and response.headers["Location"].endswith("/konto/anmelden")
    assert "invalid, has expired or has been used already" in again.get("/konto/anmelden").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).pseudonym == "Anna Planner"


@pytest.mark.parametrize("make", [
    lambda app, user: aged_token(app, user, app.config["INVITE_TOKEN_MAX_AGE"] + 60),  # expired
    lambda app, user: "garbage",
    lambda app, user: fresh_token(app, user, tokens.RESET),  # right signature, wrong purpose
    lambda app, user: fresh_token(app, user, tokens.INVITE)[:-4] + "AAAA",  # garbled signature
])
def test_expired_or_garbage_invitation_links_are_refused_politely(app, create_user, make):
    user = pending_invitee(app, create_user)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    response = client.get(f"/konto/einladung/{make(app, user)}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/konto/anmelden")
    assert german("This invitation link is invalid, has expired or has been used already. If you have set your "
                  "password, log in; otherwise ask the person who invited you for a new link.") \
        in client.get("/konto/anmelden").get_data(as_text=True)


def test_an_expired_link_with_a_right_fingerprint_is_refused(app, create_user):
    """The expiry alone: the same token made now works, made eight days ago does not."""
    user = pending_invitee(app, create_user)
    assert app.test_client().get(f"/konto/einladung/{fresh_token(app, user, tokens.INVITE)}").status_code == 200
    old = aged_token(app, user, app.config["INVITE_TOKEN_MAX_AGE"] + 60)
    assert app.test_client().get(f"/konto/einladung/{old}").status_code == 302


def pending_invitee(app, create_user) -> User:
    user = create_user(role=Role.PLANNER, confirmed=False)
    with app.app_context():
        stored = db.session.get(User, user.id)
        stored.invited_at = admin_services.utcnow()
        stored.password_hash = "!"
        db.session.commit()
    return get_user(app, user.id)


def fresh_token(app, user, purpose) -> str:
    with app.app_context():
        return tokens.make_token(db.session.get(User, user.id), purpose)


def aged_token(app, user, age: int) -> str:
    class Past(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - age
    with app.app_context():
        stored = db.session.get(User, user.id)
        return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=tokens.INVITE, signer=Past).dumps(
            {"id": stored.id, "fp": tokens._fingerprint(stored, tokens.INVITE)})


@pytest.mark.parametrize("name", ["Taken Name", "taken name", "Tаken Name"])  # the last with a Cyrillic а
def test_accepting_with_a_taken_or_confusable_name_is_refused(app, create_user, name):
    owner = create_user()
    with app.app_context():
        db.session.get(User, owner.id).pseudonym = "Taken Name"
        db.session.commit()
    user = pending_invitee(app, create_user)
    url = f"/konto/einladung/{fresh_token(app, user, tokens.INVITE)}"
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = accept(client, url, pseudonym=name)
    assert response.status_code == 400
    assert "This public name is already taken." in response.get_data(as_text=True)
    stored = get_user(app, user.id)
    assert stored.invited_at is not None and stored.password_hash == "!"
    # The link still works for a free name.
    assert accept(client, url, pseudonym="Free Name").status_code == 302


def test_accepting_keeps_the_registration_rules(app, create_user):
    user = pending_invitee(app, create_user)
    url = f"/konto/einladung/{fresh_token(app, user, tokens.INVITE)}"
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert accept(client, url, pseudonym="<script>").status_code == 400
    assert accept(client, url, password="short").status_code == 400
    assert get_user(app, user.id).invited_at is not None


def test_inviting_a_known_address_links_to_its_account(app, create_user, mailbox):
    admin = create_user(role=Role.ADMIN)
    known = create_user(email="known@example.org")
    _client, response = invite(app, admin, email="KNOWN@example.org", role="admin")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "An account with this e-mail address already exists." in html
    assert f'href="/verwaltung/konten/{known.id}"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 2
        assert db.session.get(User, known.id).role is Role.RESIDENT
    assert mailbox() == []


def test_planners_need_a_town_admins_do_not(app, create_user):
    admin = create_user(role=Role.ADMIN)
    _client, response = invite(app, admin, role="planner")
    assert response.status_code == 400 and "Choose at least one town for this role." in response.get_data(as_text=True)
    _client, response = invite(app, admin, email="boss@example.org", role="admin")
    assert response.status_code == 302


def test_inviting_again_sends_a_new_link_and_ends_the_old(app, create_town, create_user, mailbox):
    town = create_town()
    admin = create_user(role=Role.ADMIN)
    client, _response = invite(app, admin, towns=[town])
    [first] = mailbox()
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "anna@example.org"))
    response = post(client, f"/verwaltung/konten/{user_id}/erneut-einladen")
    assert response.status_code == 302
    _first, second = mailbox()
    old, new = invite_link(first), invite_link(second)
    assert old != new
    visitor = app.test_client()
    assert visitor.get(old).status_code == 302
    assert visitor.get(new).status_code == 200
    assert accept(visitor, new).status_code == 302
    # Accepted: no more invitations for it.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = post(client, f"/verwaltung/konten/{user_id}/erneut-einladen")
    assert "This account has accepted its invitation already." in client.get(response.headers["Location"]).get_data(as_text=True)


# --- Accounts: list, role, towns, lock -------------------------------------------------------

def test_account_list_searches_filters_and_pages(app, create_town, create_user):
    alpha, beta = create_town(name="Alpha"), create_town(name="Beta")
    admin = create_user(role=Role.ADMIN, email="boss@example.org")
    create_user(role=Role.PLANNER, towns=[alpha], email="alpha.planner@example.org")
    create_user(role=Role.GIS, towns=[beta], email="beta.gis@example.org")
    for n in range(30):
        create_user(email=f"resident{n:02d}@example.org")
    client = logged_in(app, admin)

    def emails(**args):
        html = client.get("/verwaltung/konten", query_string=args).get_data(as_text=True)
        return set(re.findall(r'href="/verwaltung/konten/\d+">([^<]+)</a>', html)), html

    found, _html = emails(q="PLANNER")
    assert found == {"alpha.planner@example.org"}
    found, _html = emails(role="gis")
    assert found == {"beta.gis@example.org"}
    found, _html = emails(town=str(alpha.id))
    assert found == {"alpha.planner@example.org"}
    found, _html = emails(q="100%_")  # LIKE wildcards are matched literally
    assert found == set()
    found, html = emails(role="resident")
    assert len(found) == 25 and "Page 1 of 2" in html and "33 accounts" not in html
    second, html = emails(role="resident", seite="2")
    assert len(second) == 5 and not found & second and "Page 2 of 2" in html
    # Nonsense from a hand-made URL is ignored, never a 500.
    for args in ({"role": "emperor"}, {"town": "x"}, {"seite": "-1"}, {"seite": "99999999999"}, {"q": "x" * 500}):
        assert client.get("/verwaltung/konten", query_string=args).status_code == 200, args
    found, html = emails(role="emperor")
    assert "33 accounts" in html


def test_admin_changes_role_and_towns(app, create_town, create_user, caplog):
    alpha, beta = create_town(slug="alpha"), create_town(slug="beta")
    admin = create_user(role=Role.ADMIN)
    user = create_user(role=Role.PLANNER, towns=[alpha])
    client = logged_in(app, admin)
    url = f"/verwaltung/konten/{user.id}"
    assert logged_in(app, user).get("/beta/projekte/neu").status_code == 403
    with caplog.at_level(logging.INFO):
        response = post(client, f"{url}/rolle", {"role": "gis", "towns": [str(alpha.id), str(beta.id)]}, url)
    assert response.status_code == 302 and response.headers["Location"] == url
    assert f"Admin {admin.id} changed user {user.id}" in caplog.text
    stored = get_user(app, user.id)
    assert stored.role is Role.GIS and {t.slug for t in stored.municipalities} == {"alpha", "beta"}
    assert logged_in(app, user).get("/beta/gis/ebenen").status_code == 200

    response = post(client, f"{url}/rolle", {"role": "resident", "towns": [str(beta.id)]}, url)
    stored = get_user(app, user.id)
    assert stored.role is Role.RESIDENT and stored.municipalities == []
    # A town id that is not a town is refused by the form.
    response = post(client, f"{url}/rolle", {"role": "planner", "towns": ["999999"]}, url)
    assert response.status_code == 400
    response = post(client, f"{url}/rolle", {"role": "emperor"}, url)
    assert response.status_code == 400 and get_user(app, user.id).role is Role.RESIDENT


def test_locking_ends_an_open_session_and_unlocking_allows_login(app, create_town, create_user):
    town = create_town(slug="alpha")
    admin = create_user(role=Role.ADMIN)
    planner = create_user(role=Role.PLANNER, towns=[town])
    session = logged_in(app, planner)
    assert session.get("/alpha/projekte/neu").status_code == 200
    client = logged_in(app, admin)
    response = post(client, f"/verwaltung/konten/{planner.id}/sperren")
    assert response.status_code == 302
    assert "The account has been locked" in client.get(response.headers["Location"]).get_data(as_text=True)
    # The open session ends with its next request.
    response = session.get("/alpha/projekte/neu")
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    assert "Logged in as" not in session.get("/").get_data(as_text=True)
    visitor = app.test_client()
    refused = visitor.post("/konto/anmelden", data={
        "email": planner.email, "password": PASSWORD, "csrf_token": csrf_token(visitor)})
    assert refused.status_code == 401

    assert post(client, f"/verwaltung/konten/{planner.id}/entsperren").status_code == 302
    assert logged_in(app, planner).get("/alpha/projekte/neu").status_code == 200
    # The session from before the lock stays ended after unlocking: the lock counted the generation up.
    assert session.get("/alpha/projekte/neu").status_code == 302


def test_an_admin_cannot_lock_or_demote_themselves(app, create_user):
    admin = create_user(role=Role.ADMIN)
    create_user(role=Role.ADMIN)  # not the last admin: the refusal is about oneself
    client = logged_in(app, admin)
    url = f"/verwaltung/konten/{admin.id}"
    response = post(client, f"{url}/sperren")
    assert "You cannot lock your own account." in client.get(response.headers["Location"]).get_data(as_text=True)
    response = post(client, f"{url}/rolle", {"role": "resident"}, url)
    assert response.status_code == 400
    assert "You cannot take the admin role from your own account." in response.get_data(as_text=True)
    stored = get_user(app, admin.id)
    assert stored.role is Role.ADMIN and not stored.is_blocked
    assert client.get("/verwaltung/").status_code == 200  # still logged in


def test_the_last_unlocked_admin_stays(app, create_user):
    admin = create_user(role=Role.ADMIN)
    other = create_user(role=Role.ADMIN)
    client = logged_in(app, admin)
    # Two admins: the other one can be locked …
    assert post(client, f"/verwaltung/konten/{other.id}/sperren").status_code == 302
    assert get_user(app, other.id).is_blocked
    # … and then the remaining one is the last: neither demoted nor locked, whoever asks.
    url = f"/verwaltung/konten/{admin.id}"
    response = post(client, f"{url}/rolle", {"role": "resident"}, url)
    assert response.status_code == 400
    assert "This is the last unlocked admin account." in response.get_data(as_text=True)
    with app.test_request_context():
        last = db.session.get(User, admin.id)
        with pytest.raises(admin_services.AdminError):
            admin_services.set_role_and_towns(last, Role.PLANNER, [], db.session.get(User, other.id))
        with pytest.raises(admin_services.AdminError):
            admin_services.lock(last, db.session.get(User, other.id))
        db.session.rollback()
    stored = get_user(app, admin.id)
    assert stored.role is Role.ADMIN and not stored.is_blocked
    # A locked admin can be demoted: the unlocked one remains.
    assert post(client, f"/verwaltung/konten/{other.id}/rolle", {"role": "resident"},
                f"/verwaltung/konten/{other.id}").status_code == 302
    assert get_user(app, other.id).role is Role.RESIDENT


def test_unknown_account_or_town_is_404(app, create_user):
    client = logged_in(app, create_user(role=Role.ADMIN))
    assert client.get("/verwaltung/konten/999999").status_code == 404
    assert client.get("/verwaltung/konten/99999999999").status_code in (404, 400)
    assert client.get("/verwaltung/kommunen/nirgendwo/bearbeiten").status_code == 404
    assert post(client, "/verwaltung/konten/999999/sperren").status_code == 404


def test_a_pending_invitation_cannot_be_taken_over_by_a_password_reset(app, client, create_user, mailbox):
    """The invitee's public name and consent come from the invitation link alone: "forgot password"
    for an invited address sends nothing (and says the same as for any address)."""
    user = create_user(role=Role.PLANNER, confirmed=False, email="eingeladen@example.org")
    with app.app_context():
        db.session.get(User, user.id).invited_at = admin_services.utcnow()
        db.session.commit()
    response = client.post("/konto/passwort-vergessen", data={
        "email": "eingeladen@example.org", "csrf_token": csrf_token(client, "/konto/passwort-vergessen")})
    assert response.status_code == 200
    assert mailbox() == []
    with app.app_context():
        db.session.get(User, user.id).invited_at = None  # accepted: the reset works as for everyone
        db.session.commit()
    client.post("/konto/passwort-vergessen", data={
        "email": "eingeladen@example.org", "csrf_token": csrf_token(client, "/konto/passwort-vergessen")})
    assert [mail["To"] for mail in mailbox()] == ["eingeladen@example.org"]
