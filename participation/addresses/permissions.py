"""Who may import a town's address list."""
from __future__ import annotations

from participation.accounts.permissions import works_for


def can_manage_addresses(user, municipality) -> bool:
    """The town's GIS team and planners (and admins), who manage its layers too."""
    return works_for(user, municipality)
