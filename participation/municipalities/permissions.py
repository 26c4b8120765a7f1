"""Who may see and manage a municipality's content."""
from __future__ import annotations

from participation.accounts.permissions import is_planner_for


def can_manage_projects(user, municipality) -> bool:
    return is_planner_for(user, municipality)


def can_moderate(user, municipality) -> bool:
    return is_planner_for(user, municipality)


def can_manage_town(user, municipality) -> bool:
    """Name and logo: the town's planners and admins."""
    return is_planner_for(user, municipality)
