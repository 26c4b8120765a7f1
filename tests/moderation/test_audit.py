"""The moderation log is append-only: no route changes it, and the session refuses to."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.comments.models import Comment, ModerationAction, ModerationEvent
from participation.extensions import db
from participation.moderation.audit import LogIsAppendOnly, log_of, record


@pytest.fixture
def line_id(app, site):
    with app.app_context():
        line = record(site.town.id, db.session.get(type(site.planner), site.planner.id), ModerationAction.HIDDEN,
                      "Spam", user_id=None)
        db.session.commit()
        return line.id


def test_a_line_cannot_be_changed(app, line_id):
    with app.app_context():
        line = db.session.get(ModerationEvent, line_id)
        line.reason = "Nothing happened"
        with pytest.raises(LogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(ModerationEvent, line_id).reason == "Spam"


def test_a_line_cannot_be_deleted(app, line_id):
    with app.app_context():
        db.session.delete(db.session.get(ModerationEvent, line_id))
        with pytest.raises(LogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(ModerationEvent.id)) == line_id


def test_no_route_writes_to_the_log_except_by_adding(app):
    # The moderation blueprint's routes are the queue, the comment page and the actions, each of which only
    # adds a line; a new route here must be looked at with the log in mind.
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("moderation.")}
    assert routes == {"moderation.queue", "moderation.bulk", "moderation.comment", "moderation.approve",
                      "moderation.hide", "moderation.restore", "moderation.keep", "moderation.duplicate",
                      "moderation.block", "moderation.unblock"}


def test_the_log_of_a_comment_is_oldest_first(app, site, create_comment):
    comment = create_comment(site.project, site.author)
    with app.app_context():
        actor = db.session.get(type(site.planner), site.planner.id)
        item = db.session.get(Comment, comment.id)
        for action in (ModerationAction.HIDDEN, ModerationAction.RESTORED):
            record(site.town.id, actor, action, comment=item)
        db.session.commit()
        assert [line.action for line in log_of(comment.id)] == [ModerationAction.HIDDEN, ModerationAction.RESTORED]
