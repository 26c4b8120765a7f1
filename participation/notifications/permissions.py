"""Who may follow what, and who gets which notices."""
from __future__ import annotations

from participation.accounts.models import Role, User
from participation.projects.models import Project
from participation.projects.permissions import can_view_project
from participation.statutes.permissions import can_view_statute


def can_follow(user, subject: Project | object) -> bool:
    """A logged-in account may follow a project or statute it may see (a draft only its town's planners)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if isinstance(subject, Project):
        return can_view_project(user, subject)
    return can_view_statute(user, subject)


def may_be_notified(user: User) -> bool:
    """Notices go only to confirmed addresses of accounts that are not blocked."""
    return user.is_confirmed and not user.is_blocked


def gets_digest(user: User) -> bool:
    """Planners (and admins who are members of a town) get the town's daily digest."""
    return user.role in (Role.PLANNER, Role.ADMIN) and may_be_notified(user)
