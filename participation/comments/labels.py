"""The words for a comment's state, weighing decision and channel, in the reader's language."""
from __future__ import annotations

from flask_babel import format_date, gettext as _, lazy_gettext as _l

from participation.comments.models import Channel, Comment, CommentState, Decision

STATE_LABELS = {
    CommentState.RECEIVED: _l("Received"),
    CommentState.IN_REVIEW: _l("In review"),
    CommentState.ANSWERED: _l("Answered"),
}

DECISION_LABELS = {
    Decision.ACCEPTED: _l("Accepted"),
    Decision.PARTLY_ACCEPTED: _l("Partly accepted"),
    Decision.NOT_ACCEPTED: _l("Not accepted"),
    Decision.NOTED: _l("Noted"),
}

CHANNEL_LABELS = {
    Channel.ONLINE: _l("Online"),
    Channel.LETTER: _l("Letter"),
    Channel.EMAIL: _l("E-mail"),
    Channel.WORKSHOP: _l("Workshop"),
}


def comment_state_label(state: CommentState) -> str:
    return str(STATE_LABELS[state])


def decision_label(decision: Decision) -> str:
    return str(DECISION_LABELS[decision])


def channel_label(channel: Channel) -> str:
    return str(CHANNEL_LABELS[channel])


def channel_received(comment: Comment) -> str:
    """"Received by letter on 3 December 2026" for input entered on someone's behalf."""
    day = format_date(comment.received_on, "long") if comment.received_on else None
    received = {
        Channel.LETTER: (_("Received by letter on %(day)s"), _("Received by letter")),
        Channel.EMAIL: (_("Received by e-mail on %(day)s"), _("Received by e-mail")),
        Channel.WORKSHOP: (_("Said at a workshop on %(day)s"), _("Said at a workshop")),
    }.get(comment.channel)
    if received is None:
        return ""
    return received[0] % {"day": day} if day else received[1]
