"""Who may see, create and edit statutes."""
from __future__ import annotations

from sqlalchemy import Select, or_, select

from participation.accounts.permissions import is_planner_for, planner_town_ids, works_for
from participation.statutes.models import Statute


def can_view_statute(user, statute: Statute) -> bool:
    """Published statutes for everyone; drafts for the town's planners."""
    return statute.is_published or is_planner_for(user, statute.municipality)


def visible_statutes(user) -> Select:
    """`can_view_statute` as a query: every statute `user` may see, to be narrowed further.

    `None` (or an anonymous user) gives the published statutes only.
    """
    towns = planner_town_ids(user)
    if towns is None:
        return select(Statute)
    return select(Statute).where(or_(Statute.published_at.is_not(None), Statute.municipality_id.in_(towns)))


def can_create_statute(user, municipality) -> bool:
    return is_planner_for(user, municipality)


def can_edit_statute(user, statute: Statute) -> bool:
    return is_planner_for(user, statute.municipality)


def can_import_xplan(user, town) -> bool:
    """The town's planners and GIS team (and admins) import plans; a new statute stays a draft."""
    return works_for(user, town)
