"""Who may make exports and download them."""
from __future__ import annotations

from participation.accounts.permissions import is_planner_for
from participation.database.mixins import utcnow
from participation.exports.models import Export, ExportStatus


def can_export(user, town) -> bool:
    """The town's planners export its comments (pseudonymised, but all of them, pending and hidden too)."""
    return is_planner_for(user, town)


def can_view_export(user, export: Export) -> bool:
    """Only the account that asked for an export sees it, and only while it still plans for the town."""
    return (getattr(user, "is_authenticated", False) and export.user_id == user.id
            and can_export(user, export.municipality))


def can_download(user, export: Export) -> bool:
    """A finished export, before it expires, for the account that asked for it."""
    return (can_view_export(user, export) and export.status is ExportStatus.READY
            and export.expires_at > utcnow())
