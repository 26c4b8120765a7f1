"""An opening notice through a real SMTP server on loopback, and the one-click unsubscribe (RFC 8058)
from its List-Unsubscribe header: no session, no CSRF token."""
from __future__ import annotations

import base64

import re
from email import message_from_bytes, policy
from urllib.parse import urlsplit

from sqlalchemy import func, select

from participation.accounts.models import User
from participation.extensions import db
from participation.notifications import services
from participation.notifications.mailing import address_key, opt_out, unsubscribe_url
from participation.notifications.models import MailOptOut
from participation.projects.models import Phase, Project
from tests.conftest import wait_for_jobs
from tests.test_mail_smtp import smtp_app, smtp_server  # noqa: F401 - fixtures



def _follow_and_open(app, user, project):
    with app.app_context():
        services.follow(db.session.get(User, user.id), db.session.get(Project, project.id))
        db.session.commit()
        db.session.get(Project, project.id).phase = Phase.PARTICIPATION
        db.session.commit()


def _opt_outs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(MailOptOut.id)))


def test_notice_by_smtp_and_one_click_unsubscribe(app, smtp_app, smtp_server, create_project, create_user, run_due):
    _, inbox = smtp_server
    resident = create_user()
    first = create_project(phase=Phase.INFORMATION, title="Marktplatz")
    _follow_and_open(smtp_app, resident, first)
    assert run_due(on=smtp_app) == (1, 0)
    wait_for_jobs(smtp_app)
    assert run_due(on=smtp_app) == (0, 0)  # again: nothing new
    wait_for_jobs(smtp_app)

    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == [resident.email]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    assert "Marktplatz" in message["Subject"]
    header = message["List-Unsubscribe"]
    match = re.fullmatch(r"<(https?://[^>\s]+)>", header)
    assert match, header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = match.group(1)
    assert link in message.get_content()
    path = urlsplit(link).path

    # Opening the link shows a page and changes nothing (link scanners open links).
    browser = smtp_app.test_client()
    page = browser.get(path)
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    assert _opt_outs(smtp_app) == 0
    # A forged token is not found.
    assert browser.get(path[:-3] + "xyz").status_code == 404
    assert browser.post(path[:-3] + "xyz", data="List-Unsubscribe=One-Click",
                        content_type="application/x-www-form-urlencoded").status_code == 404
    assert _opt_outs(smtp_app) == 0

    # The mail program's one click: a POST without cookies or token.
    mail_program = smtp_app.test_client(use_cookies=False)
    response = mail_program.post(path, data="List-Unsubscribe=One-Click",
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert _opt_outs(smtp_app) == 1

    # The next opening is not sent to that address.
    second = create_project(town=first.municipality, phase=Phase.INFORMATION, title="Stadtpark")
    _follow_and_open(smtp_app, resident, second)
    assert run_due(on=smtp_app) == (0, 0)
    wait_for_jobs(smtp_app)
    assert len(inbox.envelopes) == 1


def test_the_unsubscribe_link_and_the_opt_outs_do_not_hold_the_address(app):
    with app.test_request_context():
        link = unsubscribe_url("Erika@Example.org", "opening")
        opt_out("erika@example.org", "opening")
        db.session.commit()
        stored = db.session.scalars(select(MailOptOut.address_key)).all()
        expected = address_key("ERIKA@example.org")
    token = link.rsplit("/", 1)[1]
    padded = token.split(".")[0] + "=" * (-len(token.split(".")[0]) % 4)
    assert b"erika" not in base64.urlsafe_b64decode(padded).lower() and "erika" not in link.lower()
    assert stored == [expected] and "@" not in stored[0]
