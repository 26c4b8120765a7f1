"""The whole of a planner's work on one statute, through the web app as people use it, with mail to a real
SMTP server on the loopback interface: statements come in under pre-moderation and by letter, the planner
works through the moderation queue, answers two statements together, weighs every one, publishes the
result after the display period, and every author — online or by letter — receives their outcome."""
from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from participation.accounts.models import Role
from participation.comments.models import Channel, Comment, Decision, Visibility
from participation.extensions import db
from participation.statutes.models import Statute, StatutePeriod
from tests.conftest import PASSWORD, csrf_token, town_today, wait_for_jobs
from tests.statutes.test_statute_comments import add_period
from tests.test_mail_smtp import smtp_app, smtp_server  # noqa: F401 - fixtures

EN = {"Accept-Language": "en"}


def _client(smtp_app, user):  # noqa: F811
    client = smtp_app.test_client()
    response = client.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD,
                                                    "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client


def _mails(inbox) -> list:
    return [message_from_bytes(envelope.original_content, policy=policy.default) for envelope in inbox.envelopes]


def _to(inbox, address: str) -> list:
    return [message for message in _mails(inbox) if message["To"] == address]


def test_statements_online_and_by_letter_are_moderated_answered_weighed_and_every_author_told(
        app, smtp_app, smtp_server, create_town, create_user, create_statute):  # noqa: F811
    _, inbox = smtp_server
    town = create_town()
    statute = create_statute(town=town)
    add_period(app, statute, start=-10, end=25)
    with app.app_context():
        stored = db.session.get(Statute, statute.id)
        stored.pre_moderation = True
        stored.published_at = stored.published_at - timedelta(days=20)  # published before its display began
        db.session.commit()
    page = f"/{town.slug}/satzungen/{statute.id}"
    anna, ben = create_user(email="anna@example.org"), create_user(email="ben@example.org")
    planner = create_user(Role.PLANNER, towns=[town])

    # Two residents make statements; under pre-moderation they wait, each with its receipt.
    for person, text, notify in ((anna, "Die Traufhöhe im WA 2 ist zu hoch für die Nachbarschaft.", "y"),
                                 (ben, "Die Traufhöhe im WA 2 ist viel zu hoch.", "")):
        client = _client(smtp_app, person)
        data = {"csrf_token": csrf_token(client, page), "text": text, "notify": notify}
        assert client.post(f"{page}/kommentare", data=data, headers=EN).status_code == 302
    wait_for_jobs(smtp_app)
    assert len(_to(inbox, "anna@example.org")) == 1 and len(_to(inbox, "ben@example.org")) == 1  # receipts
    with app.app_context():
        online = db.session.scalars(select(Comment).order_by(Comment.id)).all()
        assert [c.visibility for c in online] == [Visibility.PENDING] * 2 and all(c.reference for c in online)
        anna_id, ben_id = (c.id for c in online)
    assert "zu hoch" not in smtp_app.test_client().get(page).get_data(as_text=True)

    # The planner approves both from the queue.
    desk = _client(smtp_app, planner)
    queue = f"/{town.slug}/moderation"
    assert "zu hoch" in desk.get(f"{queue}?status=neu").get_data(as_text=True)
    response = desk.post(queue, data={"csrf_token": csrf_token(desk, queue), "action": "approve",
                                      "kommentar": [str(anna_id), str(ben_id)]}, headers=EN)
    assert response.status_code == 302
    assert "zu hoch" in smtp_app.test_client().get(page).get_data(as_text=True)

    # A letter that came in during the display is entered on its sender's behalf: a formal statement too.
    form = f"{page}/eingabe-erfassen"
    response = desk.post(form, content_type="multipart/form-data", headers=EN, data={
        "csrf_token": csrf_token(desk, form), "channel": "letter", "received_on": (town_today() - timedelta(days=2))
        .isoformat(), "sender_name": "Naturschutzverein", "sender_email": "verein@example.org",
        "text": "Der Grünzug am Teich muss als öffentliche Grünfläche gesichert werden.", "lon": "", "lat": ""})
    assert response.status_code == 302, re.findall(
        r'kern-error".*?<span class="kern-body">(.*?)</span>', response.get_data(as_text=True), re.S)
    with app.app_context():
        letter = db.session.scalar(select(Comment).where(Comment.channel == Channel.LETTER))
        assert letter.reference and letter.is_published
        letter_id = letter.id
    wait_for_jobs(smtp_app)
    assert len(_to(inbox, "verein@example.org")) == 1  # the sender's receipt

    # One answer for the two statements about the eaves, and the weighing of all three.
    for comment_id, decision, reasoning, others in (
            (anna_id, "partly_accepted", "Die Traufhöhe wird auf 7,5 m begrenzt.", [str(ben_id)]),
            (ben_id, "partly_accepted", "Die Traufhöhe wird auf 7,5 m begrenzt.", [str(anna_id)]),
            (letter_id, "accepted", "Der Grünzug wird festgesetzt.", [])):
        url = f"/{town.slug}/kommentare/{comment_id}/antwort"
        data = {"csrf_token": csrf_token(desk, url), "state": "answered", "decision": decision, "reasoning": reasoning,
                "text": "Danke. Die Traufhöhe wird begrenzt." if others else "Danke für Ihr Schreiben.",
                "others": others}
        assert desk.post(url, data=data, headers=EN).status_code == 302
    wait_for_jobs(smtp_app)
    # Anna asked to be told of the answer; Ben did not.
    assert any("beantwortet" in m["Subject"] for m in _to(inbox, "anna@example.org"))  # the town's language
    assert len(_to(inbox, "ben@example.org")) == 1
    public = smtp_app.test_client().get(page, headers=EN).get_data(as_text=True)
    assert "Die Traufhöhe wird begrenzt." in public and "7,5 m" not in public  # decisions stay internal

    # Publishing waits for the end of the display; then every author gets the outcome once.
    weighing = f"{page}/abwaegung"
    desk.post(f"{weighing}/veroeffentlichen", data={"csrf_token": csrf_token(desk, weighing)}, headers=EN)
    with app.app_context():
        assert db.session.get(Statute, statute.id).results_published_at is None
        period = db.session.scalar(select(StatutePeriod).where(StatutePeriod.statute_id == statute.id))
        period.ends_on = town_today() - timedelta(days=1)
        db.session.commit()
    desk.post(f"{weighing}/veroeffentlichen", data={"csrf_token": csrf_token(desk, weighing)}, headers=EN)
    wait_for_jobs(smtp_app)
    for address, words in (("anna@example.org", "Teilweise berücksichtigt"),
                           ("ben@example.org", "Teilweise berücksichtigt"), ("verein@example.org", "Berücksichtigt")):
        [notice] = [m for m in _to(inbox, address) if "Abwägungsergebnis" in m["Subject"]]
        assert words in notice.get_content() and notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with app.app_context():
        assert {c.decision for c in db.session.scalars(select(Comment))} == {Decision.PARTLY_ACCEPTED,
                                                                             Decision.ACCEPTED}
    results = smtp_app.test_client().get(f"{page}/ergebnisse", headers=EN).get_data(as_text=True)
    assert "7,5 m" in results and "Der Grünzug wird festgesetzt." in results
