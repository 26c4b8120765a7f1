"""Signed, expiring tokens for e-mail confirmation, password reset and invitations."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from participation.accounts.models import User
from participation.extensions import db

CONFIRM = "confirm-email"
RESET = "reset-password"
#: An admin's invitation: the invitee chooses a public name and password (`accounts.services.accept_invitation`).
INVITE = "invite"

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _fingerprint(user: User, purpose: str) -> str:
    # A token dies once the password or the address changes, so a reset link works once.
    text = f"{user.email}|{user.password_hash}"
    if purpose == INVITE:
        # Inviting again sets a new time: only the newest link works. Accepting sets a password,
        # which ends the link too. In whole microseconds, so the database's time zone does not matter.
        sent = (user.invited_at - _EPOCH) // timedelta(microseconds=1) if user.invited_at else ""
        text += f"|{sent}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"id": user.id, "fp": _fingerprint(user, purpose)})


def load_token(token: str, purpose: str, max_age: int) -> User | None:
    """The user a valid, unexpired, unused token belongs to, else None."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    user = db.session.get(User, data["id"])
    if user is None or data.get("fp") != _fingerprint(user, purpose):
        return None
    return user
