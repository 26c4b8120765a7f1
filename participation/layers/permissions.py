"""Who may manage GIS layers and put them on maps."""
from __future__ import annotations

from participation.accounts.permissions import works_for


def can_manage_layers(user, municipality) -> bool:
    """Upload, style, publish and delete: the town's GIS team and planners (and admins)."""
    return works_for(user, municipality)


def can_arrange_project_map(user, project) -> bool:
    """Choose the layers on a project's map: the same people as for the layers themselves."""
    return works_for(user, project.municipality)
