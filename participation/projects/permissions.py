"""Who may see, create and edit projects, and when residents may comment."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, or_, select

from participation.accounts.permissions import is_planner_for, planner_town_ids
from participation.projects.models import Phase, Project


def can_view_project(user, project: Project) -> bool:
    """Published projects for everyone; drafts for the town's planners."""
    return project.is_published or is_planner_for(user, project.municipality)


def visible_projects(user) -> Select:
    """`can_view_project` as a query: every project `user` may see, to be narrowed further.

    `None` (or an anonymous user) gives the published projects only.
    """
    towns = planner_town_ids(user)
    if towns is None:
        return select(Project)
    return select(Project).where(or_(Project.phase != Phase.DRAFT, Project.municipality_id.in_(towns)))


def can_create_project(user, municipality) -> bool:
    return is_planner_for(user, municipality)


def can_edit_project(user, project: Project) -> bool:
    return is_planner_for(user, project.municipality)


def local_today(time_zone: str) -> date:
    """Today's date where the municipality is (the law counts days locally)."""
    return datetime.now(ZoneInfo(time_zone)).date()


def is_participation_open(project: Project, today: date) -> bool:
    """Comments are accepted in the participation phase, on the days it runs."""
    if project.phase is not Phase.PARTICIPATION:
        return False
    if project.participation_start and today < project.participation_start:
        return False
    if project.participation_end and today > project.participation_end:
        return False
    return True
