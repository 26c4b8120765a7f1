"""Who is who: named predicates on accounts."""
from __future__ import annotations

from participation.accounts.models import Role


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role is Role.ADMIN


def works_for(user, municipality) -> bool:
    """A planner or GIS-team account that serves this municipality, or an admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role in (Role.PLANNER, Role.GIS) and municipality in user.municipalities


def is_planner_for(user, municipality) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role is Role.ADMIN or (user.role is Role.PLANNER and municipality in user.municipalities)


def planner_town_ids(user) -> list[int] | None:
    """The towns `user` plans for, as ids; None for an admin (every town), [] for everyone else.
    The query form of `is_planner_for`."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.role is Role.ADMIN:
        return None
    return [town.id for town in user.municipalities] if user.role is Role.PLANNER else []
