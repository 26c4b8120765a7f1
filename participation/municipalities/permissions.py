"""Who may see and manage a municipality's content."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from participation.accounts.permissions import is_planner_for
from participation.extensions import db
from participation.municipalities.models import TownBlock


def can_manage_projects(user, municipality) -> bool:
    return is_planner_for(user, municipality)


def can_moderate(user, municipality) -> bool:
    return is_planner_for(user, municipality)


def can_manage_town(user, municipality) -> bool:
    """Name and logo: the town's planners and admins."""
    return is_planner_for(user, municipality)


def is_blocked_in(user, municipality) -> bool:
    """A moderator blocked the account from writing in this town (asked once per request: a page of
    the person's own comments asks for each of them)."""
    if not getattr(user, "is_authenticated", False):
        return False
    known = g.setdefault(_BLOCKS, {})
    key = (user.id, municipality.id)
    if key not in known:
        known[key] = db.session.scalar(select(TownBlock.id).where(
            TownBlock.municipality_id == municipality.id, TownBlock.user_id == user.id)) is not None
    return known[key]


def forget_blocks() -> None:
    """After blocking or unblocking someone: the next question reads the database again."""
    g.pop(_BLOCKS, None)


_BLOCKS = "town_blocks"
