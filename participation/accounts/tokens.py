"""Signed, expiring tokens for e-mail confirmation and password reset."""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from participation.accounts.models import User
from participation.extensions import db

CONFIRM = "confirm-email"
RESET = "reset-password"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _fingerprint(user: User) -> str:
    # A token dies once the password or the address changes, so a reset link works once.
    return hashlib.sha256(f"{user.email}|{user.password_hash}".encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"id": user.id, "fp": _fingerprint(user)})


def load_token(token: str, purpose: str, max_age: int) -> User | None:
    """The user a valid, unexpired, unused token belongs to, else None."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    user = db.session.get(User, data["id"])
    if user is None or data.get("fp") != _fingerprint(user):
        return None
    return user
