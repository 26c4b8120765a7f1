"""Receipts for formal comments (Stellungnahmen): a reference number and a confirmation by e-mail.

A comment on a statute made while its public display runs is a Stellungnahme under
§ 3 Abs. 2 BauGB. The sender gets a reference number such as ``BP12-2026-0007``
(the kind's abbreviation and the statute's number, the year of receipt, the statute's
running count) and an e-mail with the time of receipt and the full text, which they
can show later to prove what they sent and when.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy import select, update

from participation.comments.models import Comment
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.builtin import queue_mail
from participation.layers.models import Layer
from participation.statutes.labels import statute_title
from participation.statutes.models import PeriodKind, Statute, StatuteKind
from participation.statutes.periods import is_open
from participation.web.mail import external_url

#: The first letters of a reference by the statute's kind. None of them is "S" and a digit,
#: which is the form of a statute without a number (`S<id>`), so the two never meet.
KIND_ABBREVIATIONS = {
    StatuteKind.BEBAUUNGSPLAN: "BP",
    StatuteKind.VORHABENBEZOGEN: "VBP",
    StatuteKind.FNP_AENDERUNG: "FNP",
    StatuteKind.ERHALTUNGSSATZUNG: "ES",
    StatuteKind.GESTALTUNGSSATZUNG: "GS",
    StatuteKind.VERAENDERUNGSSPERRE: "VS",
    StatuteKind.OTHER: "SZ",
}
#: How much of the statute's number goes into a reference (the column holds 40 characters).
NUMBER_LENGTH = 20
_UMLAUTS = str.maketrans({"Ä": "AE", "Ö": "OE", "Ü": "UE"})


def issue_receipt(comment: Comment, locale: str | None = None) -> str | None:
    """Give `comment` its reference number and queue the receipt mail, if it is a formal Stellungnahme.

    It is one when it is on a statute whose public display (a DISPLAY period) runs at the
    time of receipt; otherwise nothing happens and None is returned. The number is taken
    from the statute's counter in one UPDATE, so two comments at the same moment never get
    the same one; the mail goes out after the caller commits (and not at all if it rolls
    back). `locale` is the sender's language (default: the language of the request).
    """
    if comment.statute_id is None:
        return None
    statute = comment.statute or db.session.get(Statute, comment.statute_id)
    received = comment.created_at or utcnow()
    period = is_open(statute, received)
    if period is None or period.kind is not PeriodKind.DISPLAY:
        return None
    comment.created_at = received  # the time on the receipt is the comment's own
    local = received.astimezone(ZoneInfo(current_app.config["TIME_ZONE"]))
    assign_reference(comment, statute, local.year)
    if comment.author is not None:
        if locale:
            with force_locale(locale):
                _queue_receipt_mail(comment, statute, local)
        else:
            _queue_receipt_mail(comment, statute, local)
    return comment.reference


def assign_reference(comment: Comment, statute: Statute, year: int) -> str:
    """Give `comment` the statute's next reference number, ``<prefix>-<year>-<counter>``, and flush."""
    prefix = reference_prefix(statute)
    counter = next_receipt_number(statute)
    try:
        with db.session.begin_nested():
            comment.reference = f"{prefix}-{year}-{counter:04d}"
            db.session.flush()
    except IntegrityError:
        # Another statute took the same prefix for its first receipt at this very moment: this one gets
        # the prefix of its own id, which no other statute can have.
        comment.reference = f"S{statute.id}-{year}-{counter:04d}"
        db.session.flush()
    current_app.logger.info("Reference %s issued for comment %s on statute %s", comment.reference, comment.id,
                            statute.id)
    return comment.reference


def next_receipt_number(statute: Statute) -> int:
    """The statute's next reference number, counted in the database in one statement.

    ``UPDATE … SET receipt_counter = receipt_counter + 1 … RETURNING`` holds the row (PostgreSQL)
    or the database (SQLite) until the caller's commit, so a second comment at the same
    moment waits and gets the number after this one.
    """
    counter = db.session.execute(
        update(Statute).where(Statute.id == statute.id)
        .values(receipt_counter=Statute.receipt_counter + 1)
        .returning(Statute.receipt_counter),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    db.session.expire(statute, ["receipt_counter"])
    return counter


def reference_prefix(statute: Statute) -> str:
    """The part of the reference before the year: ``BP12``, ``FNP7.1.AENDERUNG``, or ``S<id>``.

    The statute's earlier receipts keep their prefix (a number changed later does not
    split its receipts). A new one comes from the kind and the number, unless the number is
    empty or another statute (of any town) already issued receipts under it: references are
    unique across the platform, so that statute gets ``S<id>``.
    """
    earlier = db.session.scalar(select(Comment.reference).where(
        Comment.statute_id == statute.id, Comment.reference.is_not(None)).limit(1))
    if earlier:
        return earlier.rsplit("-", 2)[0]
    number = clean_number(statute.number)
    if number:
        prefix = KIND_ABBREVIATIONS[statute.kind] + number
        taken = db.session.scalar(select(Comment.id).where(
            Comment.reference.like(prefix + "-%"), Comment.statute_id != statute.id).limit(1))
        if taken is None:
            return prefix
    return f"S{statute.id}"


def clean_number(number: str) -> str:
    """A statute's number as it can stand in a reference: ASCII letters and digits, parts joined by dots.

    >>> clean_number("12, 1. Änderung")
    '12.1.AENDERUNG'
    >>> clean_number(" 7 ")
    '7'
    """
    ascii_text = unicodedata.normalize("NFKD", (number or "").upper().translate(_UMLAUTS))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return ".".join(re.findall(r"[A-Z0-9]+", ascii_text))[:NUMBER_LENGTH].strip(".")


def _queue_receipt_mail(comment: Comment, statute: Statute, received: datetime) -> None:
    subject = _("Receipt of your statement {reference}").format(reference=comment.reference)
    body = render_template(
        "mail/statement_receipt.txt",
        comment=comment,
        statute=statute,
        statute_name=statute_title(statute),
        received=_("{date}, {time} ({zone})").format(
            date=format_date(received.date(), "medium"), time=received.strftime("%H:%M"),
            zone=current_app.config["TIME_ZONE"]),
        refers_to=refers_to(comment),
        link=external_url("statutes.show", slug=statute.municipality.slug, statute_id=statute.id),
    )
    queue_mail(comment.author.email, subject, body)


def refers_to(comment: Comment) -> list[str]:
    """What the comment points at, one line each: the paragraph, the plan object, the place."""
    lines = []
    paragraph = comment.paragraph
    if paragraph is not None:
        section = paragraph.section
        name = " ".join(part for part in (section.number, paragraph.number, section.heading) if part)
        lines.append(_("Paragraph: {name}").format(name=name or paragraph.anchor))
    elif comment.paragraph_anchor:
        lines.append(_("Paragraph: {name}").format(name=comment.paragraph_anchor))
    if comment.plan_object_id:
        layer = db.session.get(Layer, comment.plan_object_layer_id) if comment.plan_object_layer_id else None
        lines.append(_("Plan object: {object} ({layer})").format(object=comment.plan_object_id, layer=layer.name)
                     if layer is not None else _("Plan object: {object}").format(object=comment.plan_object_id))
    if comment.location is not None:
        lines.append(_("Place: {lat}, {lon} (latitude, longitude)").format(
            lat=f"{comment.location.y:.5f}", lon=f"{comment.location.x:.5f}"))
    return lines
