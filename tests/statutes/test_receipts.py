"""Receipts for statements: reference numbers counted in the database, and the receipt mail."""
from __future__ import annotations

import threading
from datetime import timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from shapely.geometry import Point
from sqlalchemy import select

from participation.comments.models import Comment
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.statutes import receipts
from participation.statutes.models import PeriodKind, Statute, StatuteKind, StatutePeriod
from tests.conftest import extra_app, town_today
from tests.test_mail_smtp import smtp_server  # noqa: F401  (a fixture)


def _with_period(app, statute, kind=PeriodKind.DISPLAY, starts=-3, ends=30) -> None:
    today = town_today()
    with app.app_context():
        db.session.add(StatutePeriod(statute_id=statute.id, kind=kind, starts_on=today + timedelta(days=starts),
                                     ends_on=today + timedelta(days=ends)))
        db.session.commit()


def _comment(statute_id: int, author, text: str = "Die Bäume am Teich sollen bleiben.", **fields) -> Comment:
    comment = Comment(statute_id=statute_id, author_id=author.id, text=text, **fields)
    db.session.add(comment)
    db.session.flush()
    return comment


def test_statements_are_numbered_per_statute(app, create_statute, create_user):
    statute = create_statute(number="12")
    _with_period(app, statute)
    resident = create_user()
    year = utcnow().year
    with app.app_context():
        first = _comment(statute.id, resident)
        second = _comment(statute.id, resident, "Noch etwas.")
        assert receipts.issue_receipt(first) == f"BP12-{year}-0001"
        assert receipts.issue_receipt(second) == f"BP12-{year}-0002"
        db.session.commit()
        assert db.session.get(Statute, statute.id).receipt_counter == 2
        assert db.session.get(Comment, first.id).is_formal


def test_the_reference_is_unique_across_towns_and_numbers(app, create_statute, create_user):
    resident = create_user()
    year = utcnow().year
    plain = create_statute(number="12, 1. Änderung", kind=StatuteKind.FNP_AENDERUNG)
    here = create_statute(number="12")
    elsewhere = create_statute(number="12")  # another town, the same number
    for statute in (plain, here, elsewhere):
        _with_period(app, statute)
    with app.app_context():
        assert receipts.issue_receipt(_comment(plain.id, resident)) == f"FNP12.1.AENDERUNG-{year}-0001"
        assert receipts.issue_receipt(_comment(here.id, resident)) == f"BP12-{year}-0001"
        assert receipts.issue_receipt(_comment(elsewhere.id, resident)) == f"S{elsewhere.id}-{year}-0001"
        # The statute that came first keeps its prefix.
        assert receipts.issue_receipt(_comment(here.id, resident)) == f"BP12-{year}-0002"
        db.session.get(Statute, here.id).number = "12a"  # renumbered later: its receipts stay in one series
        assert receipts.issue_receipt(_comment(here.id, resident)) == f"BP12-{year}-0003"
        db.session.commit()


def test_a_statute_without_number_uses_its_id(app, create_statute, create_user):
    statute = create_statute()
    with app.app_context():
        db.session.get(Statute, statute.id).number = ""
        db.session.commit()
    _with_period(app, statute)
    with app.app_context():
        reference = receipts.issue_receipt(_comment(statute.id, create_user()))
        assert reference == f"S{statute.id}-{utcnow().year}-0001"


@pytest.mark.parametrize("kind, starts, ends", [
    (PeriodKind.EARLY, -3, 30),      # early participation: informal comments
    (PeriodKind.DISPLAY, 1, 40),     # the display has not begun
    (PeriodKind.DISPLAY, -40, -1),   # it is over
])
def test_no_receipt_outside_a_running_display(app, create_statute, create_user, mailbox, kind, starts, ends):
    statute = create_statute(number="3")
    _with_period(app, statute, kind, starts, ends)
    with app.app_context():
        comment = _comment(statute.id, create_user())
        assert receipts.issue_receipt(comment) is None
        db.session.commit()
        assert comment.reference is None
        assert db.session.get(Statute, statute.id).receipt_counter == 0
    assert mailbox() == []


def test_a_draft_gives_no_receipt(app, create_statute, create_user):
    statute = create_statute(number="4", published=False)
    _with_period(app, statute)
    with app.app_context():
        assert receipts.issue_receipt(_comment(statute.id, create_user())) is None


def test_two_sessions_never_get_the_same_number(app, create_statute):
    """The second session's UPDATE waits for the first one's commit (row lock on PostgreSQL, the write lock on
    SQLite) and then counts on from it."""
    statute = create_statute(number="7")
    ready, result = threading.Event(), {}

    def other_request():
        with app.app_context():
            mine = db.session.get(Statute, statute.id)
            ready.set()
            result["number"] = receipts.next_receipt_number(mine)
            db.session.commit()

    with app.app_context():
        first = receipts.next_receipt_number(db.session.get(Statute, statute.id))
        thread = threading.Thread(target=other_request)
        thread.start()
        assert ready.wait(5)
        thread.join(0.5)
        assert thread.is_alive() and "number" not in result  # waiting for this transaction
        db.session.commit()
    thread.join(10)
    assert (first, result.get("number")) == (1, 2)
    with app.app_context():
        assert db.session.get(Statute, statute.id).receipt_counter == 2


def test_the_receipt_mail_has_the_reference_time_subject_and_full_text(app, create_statute, create_user, mailbox):
    statute = create_statute(number="12", title="Am Mühlenteich",
                             sections=[("§ 3", "Maß der baulichen Nutzung", [("(2)", "GRZ 0,4.", ["bp-1"])])])
    _with_period(app, statute)
    resident = create_user(email="anna@example.org")
    text = "Die Bäume am Teich sollen bleiben.\n\nZweiter Absatz; mit Komma, und <b>Zeichen</b>."
    with app.app_context():
        paragraph = db.session.get(Statute, statute.id).sections[0].paragraphs[0]
        comment = _comment(statute.id, resident, text, paragraph_id=paragraph.id, paragraph_anchor=paragraph.anchor,
                           plan_object_id="bp-1")
        comment.set_location(Point(13.255, 53.552))
        reference = receipts.issue_receipt(comment)
        received = comment.created_at
        assert mailbox() == []  # not before the commit
        db.session.commit()
    [mail] = mailbox()
    assert mail["To"] == "anna@example.org"
    assert mail["Subject"] == f"Eingangsbestätigung Ihrer Stellungnahme {reference}"
    body = mail.get_content()
    local = received.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"Aktenzeichen: {reference}" in body
    assert f"Eingegangen: {local:%d.%m.%Y}, {local:%H:%M} Uhr (Europe/Berlin)" in body
    assert "Satzung: Bebauungsplan Nr. 12 „Am Mühlenteich“" in body
    assert "Absatz: § 3 (2) Maß der baulichen Nutzung" in body
    assert "Planobjekt: bp-1" in body
    assert "Ort: 53.55200, 13.25500 (Breite, Länge)" in body
    assert text in body  # the full text, as written (a plain-text mail escapes nothing)
    assert f"http://localhost/{statute.municipality.slug}/satzungen/{statute.id}" in body


def test_a_rolled_back_comment_sends_no_receipt(app, create_statute, create_user, mailbox):
    statute = create_statute(number="12")
    _with_period(app, statute)
    with app.app_context():
        receipts.issue_receipt(_comment(statute.id, create_user()))
        db.session.rollback()
        assert db.session.scalar(select(Comment.id)) is None
    assert mailbox() == []


def test_the_receipt_goes_out_by_smtp_in_the_senders_language(app, smtp_server, create_statute,  # noqa: F811
                                                               create_user):
    controller, inbox = smtp_server
    smtp_app = extra_app({
        "TESTING": True, "INSTANCE_PATH": app.instance_path, "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": controller.hostname, "MAIL_PORT": controller.port, "MAIL_SENDER": "pool@example.org",
    })
    statute = create_statute(number="12", title="Am Mühlenteich")
    _with_period(app, statute)
    resident = create_user(email="sam@example.org")
    with smtp_app.test_request_context("/", headers={"Accept-Language": "en"}):
        reference = receipts.issue_receipt(_comment(statute.id, resident, "Keep the trees."))
        db.session.commit()
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["sam@example.org"]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == f"Receipt of your statement {reference}"
    body = message.get_content()
    assert f"Reference number: {reference}" in body
    assert "Statute: Development plan No. 12 “Am Mühlenteich”" in body
    assert "Keep the trees." in body
