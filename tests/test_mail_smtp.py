"""With MAIL_SERVER set, mail goes out by SMTP — to a real SMTP server on the loopback interface."""
from __future__ import annotations

import re
import shutil
import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from participation.accounts.models import User
from participation.extensions import db
from tests.conftest import csrf_token, extra_app


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp_app(app, smtp_server):
    controller, _ = smtp_server
    return extra_app({
        "TESTING": True,
        "INSTANCE_PATH": app.instance_path,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
        "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": controller.port,
        "MAIL_SENDER": "pool@example.org",
    })


def test_registration_mail_is_sent_by_smtp(smtp_app, smtp_server):
    _, inbox = smtp_server
    folder = Path(smtp_app.instance_path) / "mail"
    shutil.rmtree(folder, ignore_errors=True)
    client = smtp_app.test_client()
    response = client.post("/konto/registrieren", headers={"Accept-Language": "en"}, data={
        "csrf_token": csrf_token(client, "/konto/registrieren"), "email": "smtp@example.org", "pseudonym": "Mail Person",
        "password": "long enough password", "password_repeat": "long enough password", "accept_privacy": "y",
    })
    assert response.status_code == 200

    [envelope] = inbox.envelopes
    assert envelope.mail_from == "pool@example.org"
    assert envelope.rcpt_tos == ["smtp@example.org"]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == "Please confirm your e-mail address"
    match = re.search(r"http://localhost(/konto/bestaetigen/\S+)", message.get_content())
    assert match
    assert not folder.exists() or not any(folder.iterdir())

    # The link from the SMTP mail confirms the account.
    assert client.get(match.group(1)).headers["Location"].endswith("/konto/anmelden")
    with smtp_app.app_context():
        assert db.session.scalar(select(User)).is_confirmed
