"""The moderation log: one line per action, written once and never changed or deleted through the app."""
from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from participation.comments.models import Comment, ModerationAction, ModerationEvent
from participation.extensions import db


class LogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a line of the moderation log."""


def record(municipality_id: int, actor, action: ModerationAction, reason: str = "", *,
           comment: Comment | None = None, user_id: int | None = None) -> ModerationEvent:
    """Add a line: `actor` did `action` to `comment` (or to the account `user_id`) because of `reason`."""
    line = ModerationEvent(
        municipality_id=municipality_id,
        comment_id=comment.id if comment is not None else None,
        user_id=user_id,
        actor_id=actor.id,
        actor_name=actor.pseudonym,
        action=action,
        reason=reason,
    )
    db.session.add(line)
    return line


def log_of(comment_id: int) -> list[ModerationEvent]:
    """The lines about one comment, oldest first."""
    return list(db.session.scalars(
        select(ModerationEvent).where(ModerationEvent.comment_id == comment_id).order_by(ModerationEvent.id)))


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context, instances) -> None:
    for item in session.dirty:
        if isinstance(item, ModerationEvent) and session.is_modified(item):
            raise LogIsAppendOnly(f"moderation log line {item.id} cannot be changed")
    for item in session.deleted:
        if isinstance(item, ModerationEvent):
            raise LogIsAppendOnly(f"moderation log line {item.id} cannot be deleted")
