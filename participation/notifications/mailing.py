"""Notice mails with a one-click unsubscribe (RFC 8058), sent through the job queue.

Every notice is of a `kind`; an address that unsubscribed from a kind gets no more of it
(`MailOptOut`). A notice with a `key` goes out once (`SentNotice`), however often it is asked for.
"""
from __future__ import annotations

import hmac

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from participation.extensions import db
from participation.jobs.builtin import queue_mail
from participation.notifications.models import MailOptOut, SentNotice
from participation.web.mail import external_url

#: The kinds of notice one can unsubscribe from, each on its own.
KINDS = ("answer", "digest", "result", "opening")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def address_key(email: str) -> str:
    """What stands for an address in opt-outs and unsubscribe links: an HMAC of it under the app's secret,
    so that neither a link (which lands in logs) nor the table gives the address away."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), email.strip().lower().encode(), "sha256").hexdigest()


def unsubscribe_token(email: str, kind: str) -> str:
    return _serializer().dumps([address_key(email), kind])


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    """(address key, kind) from a token this app signed, else None."""
    try:
        key, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(key, str) or len(key) != 64 or kind not in KINDS:
        return None
    return key, kind


def unsubscribe_url(email: str, kind: str) -> str:
    return external_url("notifications.unsubscribe", token=unsubscribe_token(email, kind))


def has_opted_out(email: str, kind: str) -> bool:
    return _opted_out(address_key(email), kind)


def _opted_out(key: str, kind: str) -> bool:
    return db.session.scalar(select(MailOptOut.id).where(
        MailOptOut.address_key == key, MailOptOut.kind == kind)) is not None


def opt_out(email: str, kind: str) -> None:
    """Record that `email` wants no more notices of `kind` (again is harmless)."""
    opt_out_key(address_key(email), kind)


def opt_out_key(key: str, kind: str) -> None:
    """`opt_out` for the address behind `key` (from an unsubscribe link)."""
    if _opted_out(key, kind):
        return
    try:
        with db.session.begin_nested():
            db.session.add(MailOptOut(address_key=key, kind=kind))
    except IntegrityError:  # a second click at the same moment
        pass


def claim(key: str) -> bool:
    """True the first time `key` is claimed: the notice it names is to be sent now."""
    try:
        with db.session.begin_nested():
            db.session.add(SentNotice(key=key))
    except IntegrityError:
        return False
    return True


def queue_notice(email: str, kind: str, subject: str, body: str, key: str | None = None) -> bool:
    """Queue a notice to `email` after the commit, unless it unsubscribed from `kind` or `key` went out already.

    The mail carries `List-Unsubscribe` with an HTTPS link and `List-Unsubscribe-Post:
    List-Unsubscribe=One-Click`, so that mail programs offer the one click; the body ends with the link.
    Returns whether it was queued.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    if not email or has_opted_out(email, kind):
        return False
    if key is not None and not claim(key):
        return False
    link = unsubscribe_url(email, kind)
    headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    queue_mail(email, subject, f"{body.rstrip()}\n\n-- \n{_footer()}\n{link}\n", headers=headers)
    return True


def _footer() -> str:
    return _("You receive this because of your participation. No more mails of this kind:")
