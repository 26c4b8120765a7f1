"""Who may comment, reply, support, report and moderate."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from participation.accounts.permissions import is_planner_for
from participation.comments.models import Comment
from participation.projects.permissions import can_view_project, is_participation_open, local_today


def comment_refusal(user, project) -> str | None:
    """Why `user` may not comment on `project` now, or None if they may."""
    if not can_view_project(user, project):
        return _("This project is not public.")
    if not is_participation_open(project, local_today(current_app.config["TIME_ZONE"])):
        return _("Comments are accepted only during the participation period.")
    if not getattr(user, "is_authenticated", False):
        return _("Please log in to comment.")
    if not user.is_confirmed:
        return _("Please confirm your e-mail address first.")
    return None


def can_comment(user, project) -> bool:
    return comment_refusal(user, project) is None


def can_support(user, comment: Comment) -> bool:
    return (
        can_comment(user, comment.project)
        and not comment.is_removed
        and comment.author_id != user.id
    )


def can_report(user, comment: Comment) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and can_view_project(user, comment.project)
        and not comment.is_removed
        and comment.author_id != user.id
    )


def can_moderate(user, project) -> bool:
    return is_planner_for(user, project.municipality)
