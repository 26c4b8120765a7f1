from __future__ import annotations

from participation.accounts.permissions import is_admin


def can_view_job(user, job) -> bool:
    """The user who started a job sees it, and admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_admin(user) or (job.user_id is not None and job.user_id == user.id)
