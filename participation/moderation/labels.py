"""The moderators' words: the queue's status filter, visibilities, log actions, report outcomes."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l, pgettext

from participation.comments.models import ModerationAction, Visibility

#: The queue's status filter (URL value → label); "" is every comment.
STATUS_LABELS = {
    "": _l("All comments"),
    "neu": _l("New (waiting for approval)"),
    "gemeldet": _l("Reported"),
    "verborgen": _l("Hidden"),
    "beantwortet": _l("Answered"),
}

ACTION_LABELS = {
    ModerationAction.APPROVED: _l("Approved"),
    ModerationAction.HIDDEN: _l("Hidden"),
    ModerationAction.RESTORED: _l("Restored"),
    ModerationAction.DUPLICATE: _l("Marked as duplicate"),
    ModerationAction.REPORTS_DISMISSED: _l("Reports dismissed"),
    ModerationAction.ACCOUNT_BLOCKED: _l("Account blocked"),
    ModerationAction.ACCOUNT_UNBLOCKED: _l("Account unblocked"),
}

#: Report.outcome → what the moderators did, as the reporter reads it.
OUTCOME_LABELS = {
    "hidden": _l("removed"),
    "kept": _l("kept"),
    "duplicate": _l("marked as a duplicate"),
}


def visibility_label(visibility: Visibility) -> str:
    return {
        Visibility.PENDING: pgettext("comment", "Waiting for approval"),
        Visibility.PUBLISHED: pgettext("comment", "Published"),
        Visibility.HIDDEN: pgettext("comment", "Hidden"),
        Visibility.REJECTED: pgettext("comment", "Rejected, never published"),
    }[visibility]

