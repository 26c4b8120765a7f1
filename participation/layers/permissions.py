"""Who may manage GIS layers."""
from __future__ import annotations

from participation.accounts.permissions import works_for


def can_manage_layers(user, municipality) -> bool:
    """Upload, style, publish and delete: the town's GIS team and planners (and admins)."""
    return works_for(user, municipality)
