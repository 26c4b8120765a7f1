"""A town with a project, a planner (its moderator) and comments; helpers to act as the moderator."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from participation.accounts.models import Role
from participation.comments.models import Comment, ModerationEvent, Report
from participation.extensions import db
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}


@dataclass
class Site:
    town: object
    project: object
    planner: object
    author: object

    @property
    def queue(self) -> str:
        return f"/{self.town.slug}/moderation"

    def comment_url(self, comment_id: int, action: str = "") -> str:
        return f"/{self.town.slug}/moderation/kommentare/{comment_id}" + (f"/{action}" if action else "")

    @property
    def project_url(self) -> str:
        return f"/{self.town.slug}/projekte/{self.project.id}"


@pytest.fixture
def site(town, create_project, create_user) -> Site:
    return Site(town, create_project(town=town), create_user(Role.PLANNER, towns=[town]), create_user())


@pytest.fixture
def as_moderator(site, login):
    login(site.planner)
    return site


def act(client, site: Site, comment_id: int, action: str, **data):
    """POST a moderation action with the CSRF token of the comment's moderation page."""
    token = csrf_token(client, site.queue)
    return client.post(site.comment_url(comment_id, action), data={"csrf_token": token, **data}, headers=EN)


def fetch(app, comment_id: int) -> Comment:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        db.session.expunge(comment)
        return comment


def log_lines(app, comment_id: int) -> list[tuple[str, str, str]]:
    """(action, actor name, reason) of the comment's moderation log, oldest first."""
    with app.app_context():
        return [(line.action.value, line.actor_name, line.reason) for line in db.session.scalars(
            select(ModerationEvent).where(ModerationEvent.comment_id == comment_id).order_by(ModerationEvent.id))]


def reports(app, comment_id: int) -> list[tuple[bool, str, bool]]:
    """(resolved, outcome, handled_at set) of the comment's reports, by id."""
    with app.app_context():
        return [(r.is_resolved, r.outcome, r.handled_at is not None) for r in db.session.scalars(
            select(Report).where(Report.comment_id == comment_id).order_by(Report.id))]


def add_report(app, comment_id: int, user, reason: str = "") -> None:
    with app.app_context():
        db.session.add(Report(comment_id=comment_id, user_id=user.id, reason=reason))
        db.session.commit()
