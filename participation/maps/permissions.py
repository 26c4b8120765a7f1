"""Who may choose the layers on a town's maps."""
from __future__ import annotations

from participation.accounts.permissions import works_for


def can_arrange_maps(user, municipality) -> bool:
    """The same people who manage the town's layers: its GIS team and planners (and admins)."""
    return works_for(user, municipality)
