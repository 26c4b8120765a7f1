"""Input entered by a planner on someone's behalf: a letter, an e-mail, what was said at a workshop.

Such a comment is like a resident's in every list, figure and export (with its channel), but has no
author: `entered_by` is the planner, `sender_name` and `sender_email` who sent it (never public,
never exported). Its text, category, paragraph and place follow the residents' rules
(`comments.services.parse_comment`). On a statute, input received on a day of its public display
is a formal statement (Stellungnahme): it gets a reference number as `statutes.receipts` gives
them, and a receipt by e-mail when the sender's address is known.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from participation.cache import invalidate
from participation.comments.models import Channel, Comment, Visibility
from participation.comments.services import CommentDraft, CommentInputError, comments_scope, parse_comment
from participation.comments.subjects import Subject, is_statute, subject_key
from participation.extensions import db
from participation.intake import attachments
from participation.jobs.builtin import queue_mail
from participation.statutes import receipts
from participation.statutes.labels import statute_title
from participation.statutes.models import PeriodKind, Statute, StatutePeriod
from participation.web.mail import external_url

#: parse_comment's names → the intake form's fields.
_FIELDS = {"category_id": "category"}


class IntakeInputError(ValueError):
    """Bad input: `problems` maps each form field to its translated message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(self.problems.values()))


@dataclass(frozen=True)
class IntakeDraft:
    comment: CommentDraft
    channel: Channel
    received_on: date
    sender_name: str
    sender_email: str


def local_day(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(current_app.config["TIME_ZONE"])).date()


def earliest_day(subject: Subject) -> date:
    """The first day input on `subject` can have been received: a statute's publication (or its
    creation, for a draft), a project's creation, in the town's time zone."""
    if is_statute(subject) and subject.published_at is not None:
        return local_day(subject.published_at)
    return local_day(subject.created_at)


def parse_intake(subject: Subject, *, channel: object, received_on: date | None, sender_name: str,
                 sender_email: str, text: object, category_id: object = None, lon: object = None,
                 lat: object = None, paragraph: object = None, today: date) -> IntakeDraft:
    """Check an entry; every field is checked, so that the form can name all mistakes at once.

    `today` is the town's day. Raises IntakeInputError with the problems by form field.
    """
    problems: dict[str, str] = {}
    try:
        channel = Channel(channel)
    except ValueError:
        channel = None
    if channel is None or channel is Channel.ONLINE:
        problems["channel"] = _("Choose how the input reached the town.")
    if received_on is not None:
        earliest = earliest_day(subject)
        if received_on > today:
            problems["received_on"] = _("The day received cannot lie in the future.")
        elif received_on < earliest:
            problems["received_on"] = (
                _("The day received cannot lie before {day}, when the statute was published.") if is_statute(subject)
                else _("The day received cannot lie before {day}, when the project was created.")
            ).format(day=format_date(earliest, "medium"))
    if channel in (Channel.LETTER, Channel.EMAIL) and not sender_name:
        problems["sender_name"] = _("Enter the sender's name; it is needed for a letter or an e-mail.")
    try:
        comment = parse_comment(subject, text, category_id, lon, lat, paragraph=paragraph)
    except CommentInputError as error:
        problems.update({_FIELDS.get(name, name): message for name, message in error.problems.items()})
        comment = None
    if problems or received_on is None:
        raise IntakeInputError(problems)
    return IntakeDraft(comment, channel, received_on, sender_name, sender_email)


def enter_comment(subject: Subject, planner, draft: IntakeDraft,
                  scan: attachments.CheckedFile | None = None) -> Comment:
    """Save input received on someone's behalf, published at once (a planner entered it), with its scan.

    On a statute, input received on a day of its public display gets a reference number, and a
    receipt goes to the sender's e-mail address if one was given. The caller commits.
    """
    entry = draft.comment
    comment = Comment(
        author_id=None,
        entered_by_id=planner.id,
        channel=draft.channel,
        received_on=draft.received_on,
        sender_name=draft.sender_name,
        sender_email=draft.sender_email,
        visibility=Visibility.PUBLISHED,
        text=entry.text,
        category_id=entry.category_id,
        paragraph=entry.paragraph,
        paragraph_anchor=entry.paragraph.anchor if entry.paragraph else None,
    )
    if is_statute(subject):
        comment.statute = subject
    else:
        comment.project = subject
    comment.set_location(entry.location)
    db.session.add(comment)
    db.session.flush()
    if scan is not None:
        attachments.attach(comment, scan)
    if is_statute(subject) and display_period(subject, draft.received_on) is not None:
        receipts.assign_reference(comment, subject, draft.received_on.year)
        if comment.sender_email:
            _queue_receipt(comment, subject)
    invalidate(comments_scope(subject))
    current_app.logger.info("User %s entered comment %s (%s) on %s", planner.id, comment.id, draft.channel,
                            subject_key(subject))
    return comment


def display_period(statute: Statute, day: date) -> StatutePeriod | None:
    """The public display (§ 3 (2) BauGB) of the published `statute` that ran on `day`, or None."""
    if not statute.is_published:
        return None
    return next((p for p in statute.periods
                 if p.kind is PeriodKind.DISPLAY and p.starts_on <= day <= p.ends_on), None)


def receipt_sent(comment: Comment) -> bool:
    """Whether entering `comment` sent its sender a receipt (the rule of `enter_comment`)."""
    return comment.reference is not None and bool(comment.sender_email)


def _queue_receipt(comment: Comment, statute: Statute) -> None:
    # The sender never chose a language here: the receipt is in the town's.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Receipt of your statement {reference}").format(reference=comment.reference)
        body = render_template(
            "intake/receipt_mail.txt", comment=comment, statute=statute, statute_name=statute_title(statute),
            received=format_date(comment.received_on, "long"), refers_to=receipts.refers_to(comment),
            link=external_url("statutes.show", slug=statute.municipality.slug, statute_id=statute.id),
        )
    queue_mail(comment.sender_email, subject, body)
