"""Factories for the weighing tests: comments on statutes, formal or not, online or entered on someone's behalf."""
from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest

from participation.comments.models import Channel, Comment, Visibility
from participation.database.mixins import utcnow
from tests.conftest import PASSWORD, csrf_token, persist

_numbers = count(1)


@pytest.fixture
def statute_comment(app):
    def make(statute, author=None, text: str = "A statement", formal: bool = True, anchor: str | None = None,
             channel: Channel = Channel.ONLINE, sender_email: str = "", notify: bool = False,
             visibility: Visibility = Visibility.PUBLISHED, days_ago: int = 0) -> Comment:
        comment = Comment(statute_id=statute.id, author_id=author.id if author else None, text=text,
                          reference=f"BP-T-{next(_numbers):04d}" if formal else None, paragraph_anchor=anchor,
                          channel=channel, sender_email=sender_email, notify_on_answer=notify,
                          visibility=visibility, created_at=utcnow() - timedelta(days=days_ago))
        return persist(app, comment)
    return make


@pytest.fixture
def client_for(app):
    """A client of its own, logged in as `user` (the `client` fixture is the planner's)."""
    def make(user):
        other = app.test_client()
        response = other.post("/konto/anmelden", data={
            "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(other)})
        assert response.status_code == 302
        return other
    return make
