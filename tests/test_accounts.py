"""Registration, confirmation, login, password reset and login throttling — through the forms."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from participation.accounts import tokens
from participation.accounts.models import User
from participation.accounts.passwords import verify_password
from participation.extensions import db
from tests.conftest import PASSWORD, csrf_token
from tests.test_i18n import german

NEW_PASSWORD = "a brand new passphrase"
CONFIRM_LINK = re.compile(r"http://localhost(/konto/bestaetigen/\S+)")
RESET_LINK = re.compile(r"http://localhost(/konto/passwort-neu/\S+)")




@pytest.fixture
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def register(client, email="new@example.org", pseudonym="New Person", password=NEW_PASSWORD, **kwargs):
    return client.post("/konto/registrieren", data={
        "csrf_token": csrf_token(client, "/konto/registrieren"), "email": email, "pseudonym": pseudonym,
        "password": password, "password_repeat": password, "accept_privacy": "y",
    }, **kwargs)


def post_login(client, email, password, **kwargs):
    return client.post("/konto/anmelden", data={"email": email, "password": password,
                                                "csrf_token": csrf_token(client)}, **kwargs)


def link(message, pattern) -> str:
    match = pattern.search(message.get_body(("plain",)).get_content())
    assert match, message.get_content()
    return match.group(1)


def test_register_confirm_and_log_in(app, english, mailbox):
    response = register(english, email="New@Example.org")
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.pseudonym, user.is_confirmed) == ("new@example.org", "New Person", False)
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, NEW_PASSWORD)
    [mail] = mailbox()
    assert mail["To"] == "new@example.org"
    confirm = link(mail, CONFIRM_LINK)

    refused = post_login(english, "new@example.org", NEW_PASSWORD)
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith("/konto/bestaetigung-erneut")
    assert "Log out" not in english.get("/").get_data(as_text=True)

    response = english.get(confirm)
    assert response.status_code == 302 and response.headers["Location"].endswith("/konto/anmelden")
    with app.app_context():
        assert db.session.scalar(select(User)).is_confirmed
    assert post_login(english, "new@example.org", NEW_PASSWORD).status_code == 302
    page = english.get("/").get_data(as_text=True)
    assert "Logged in as New Person" in page

    english.post("/konto/abmelden", data={"csrf_token": csrf_token(english, "/")})
    assert "Logged in as" not in english.get("/").get_data(as_text=True)


def test_wrong_password_is_refused(create_user, english):
    user = create_user()
    response = post_login(english, user.email, "not the password")
    assert response.status_code == 401
    assert "E-mail address or password is wrong." in response.get_data(as_text=True)
    assert "Logged in as" not in english.get("/").get_data(as_text=True)


def test_unknown_address_gets_the_same_answer(english):
    response = post_login(english, "nobody@example.org", PASSWORD)
    assert response.status_code == 401
    assert "E-mail address or password is wrong." in response.get_data(as_text=True)


def test_registering_a_known_address_reveals_nothing(app, create_user, english, mailbox):
    user = create_user()
    fresh = register(english, email="someone@example.org", pseudonym="Someone")
    again = register(english, email=user.email.upper(), pseudonym="Another Name")
    assert again.status_code == fresh.status_code == 200
    assert "Check your e-mail" in again.get_data(as_text=True)
    mails = mailbox()
    assert [m["To"] for m in mails] == ["someone@example.org", user.email]
    assert "You already have an account" in mails[1]["Subject"]
    assert not CONFIRM_LINK.search(mails[1].get_content())
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 2
        assert db.session.scalar(select(func.count(User.id)).where(User.pseudonym == "Another Name")) == 0


def test_taken_public_name_is_refused(app, create_user, english, mailbox):
    user = create_user()
    response = register(english, pseudonym=user.pseudonym.upper())
    assert response.status_code == 400
    assert "This public name is already taken" in response.get_data(as_text=True)
    assert mailbox() == []
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_password_reset_works_once(app, create_user, english, mailbox):
    user = create_user()
    response = english.post("/konto/passwort-vergessen",
                            data={"email": user.email, "csrf_token": csrf_token(english, "/konto/passwort-vergessen")})
    assert response.status_code == 200
    [mail] = mailbox()
    reset = link(mail, RESET_LINK)
    assert english.get(reset).status_code == 200

    def set_password(password):
        return english.post(reset, data={"password": password, "password_repeat": password,
                                         "csrf_token": csrf_token(english, reset)})
    response = set_password(NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/konto/anmelden")
    assert post_login(english, user.email, PASSWORD).status_code == 401
    assert post_login(english, user.email, NEW_PASSWORD).status_code == 302
    english.post("/konto/abmelden", data={"csrf_token": csrf_token(english, "/")})

    again = english.post(reset, data={"password": "yet another passphrase", "password_repeat": "yet another passphrase",
                                      "csrf_token": csrf_token(english, "/konto/passwort-vergessen")})
    assert again.status_code == 302 and again.headers["Location"].endswith("/konto/passwort-vergessen")
    assert "invalid or has expired" in english.get("/konto/passwort-vergessen").get_data(as_text=True)
    assert post_login(english, user.email, "yet another passphrase").status_code == 401


def test_forgot_password_for_unknown_address_sends_nothing(english, mailbox):
    response = english.post("/konto/passwort-vergessen",
                            data={"email": "nobody@example.org", "csrf_token": csrf_token(english, "/konto/passwort-vergessen")})
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    assert mailbox() == []


def expired_token(app, user, purpose, age):
    class Past(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - age
    with app.app_context():
        user = db.session.get(User, user.id)
        return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=purpose, signer=Past).dumps(
            {"id": user.id, "fp": tokens._fingerprint(user, purpose)})


@pytest.mark.parametrize("make", [
    lambda app, user: expired_token(app, user, tokens.CONFIRM, app.config["CONFIRM_TOKEN_MAX_AGE"] + 60),
    lambda app, user: expired_token(app, user, tokens.RESET, 60)[:-4] + "AAAA",  # garbled signature
    lambda app, user: expired_token(app, user, tokens.RESET, 60),  # right signature, wrong purpose
])
def test_bad_confirmation_tokens_are_refused(app, create_user, english, make):
    user = create_user(confirmed=False)
    response = english.get(f"/konto/bestaetigen/{make(app, user)}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/konto/bestaetigung-erneut")
    assert "invalid or has expired" in english.get("/konto/bestaetigung-erneut").get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, user.id).is_confirmed


def test_expired_reset_token_is_refused(app, create_user, english):
    user = create_user()
    url = f"/konto/passwort-neu/{expired_token(app, user, tokens.RESET, app.config['RESET_TOKEN_MAX_AGE'] + 60)}"
    response = english.post(url, data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD,
                                       "csrf_token": csrf_token(english, url)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/konto/passwort-vergessen")
    assert post_login(english, user.email, NEW_PASSWORD).status_code == 401


def test_login_redirects_only_within_the_site(create_user, client):
    user = create_user()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        # A fresh client each time: a logged-in client is sent home before the form is read.
        response = post_login(client.application.test_client(), user.email, PASSWORD, query_string={"next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
    response = post_login(client, user.email, PASSWORD, query_string={"next": "/impressum"})
    assert response.headers["Location"] == "/impressum"


# Throttling: failed logins count per address and per account; successful ones do not.

def test_failed_logins_for_one_account_from_one_address_are_limited(app, create_user, client):
    user = create_user()
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    attacker = {"REMOTE_ADDR": "10.0.0.1"}
    for attempt in range(limit):
        assert post_login(client, user.email, "wrong", environ_base=attacker).status_code == 401, attempt
    blocked = post_login(client, user.email.upper(), PASSWORD, environ_base=attacker)
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert '<html lang="de">' in page
    assert german("Too many requests in a short time. Please wait a minute and try again.") in page
    assert "per 1 minute" not in page
    # Another account from the same address is not affected, nor the owner from elsewhere.
    assert post_login(app.test_client(), create_user().email, PASSWORD, environ_base=attacker).status_code == 302
    assert post_login(app.test_client(), user.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 302


def test_failed_logins_from_one_address_are_limited(app, create_user, english):
    limit = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    for attempt in range(limit):
        assert post_login(english, f"nobody{attempt}@example.org", "wrong").status_code == 401, attempt
    user = create_user()
    blocked = post_login(english, user.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many requests in a short time" in blocked.get_data(as_text=True)
    other = app.test_client()
    assert post_login(other, user.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302


def test_successful_logins_do_not_count(app, create_user, client):
    user = create_user()
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit - 1):
        assert post_login(client, user.email, "wrong").status_code == 401
    for _ in range(limit + 1):
        assert post_login(app.test_client(), user.email, PASSWORD).status_code == 302
    assert post_login(client, user.email, "wrong").status_code == 401
    assert post_login(client, user.email, "wrong").status_code == 429


@pytest.mark.parametrize("attempt", ["!", "", "anything at all"])
def test_an_account_without_password_cannot_log_in(app, attempt):
    from participation.accounts import services

    with app.test_request_context():
        user = services.create_user("nopass@example.org", "No Password", None, confirmed=True)
        db.session.commit()
        assert user.password_hash == services.UNUSABLE_PASSWORD
        assert services.authenticate("nopass@example.org", attempt) is None
