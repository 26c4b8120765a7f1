"""Who may follow a job. Jobs lie below the accounts feature, so the user is asked, not imported."""
from __future__ import annotations


def can_view_job(user, job) -> bool:
    """The user who started a job sees it, and admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or (job.user_id is not None and job.user_id == user.id)
