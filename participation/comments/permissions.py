"""Who may comment, reply, support, report, change or delete their own, and moderate, and how much one may
write in a while."""
from __future__ import annotations

import math
import time
from datetime import datetime, timezone
from typing import Callable

from flask import Response, current_app, g
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_login import current_user

from participation.accounts.permissions import is_planner_for
from participation.comments.models import Comment
from participation.extensions import limiter
from participation.municipalities.permissions import is_blocked_in
from participation.statutes import periods
from participation.comments.subjects import Subject, can_view_subject, is_statute
from participation.projects.permissions import is_participation_open, local_today


def comment_refusal(user, subject: Subject) -> str | None:
    """Why `user` may not comment on the project or statute now, or None if they may."""
    if not can_view_subject(user, subject):
        return _("This statute is not public.") if is_statute(subject) else _("This project is not public.")
    closed = _closed(subject)
    if closed:
        return closed
    if not getattr(user, "is_authenticated", False):
        return _("Please log in to comment.")
    if not user.is_confirmed:
        return _("Please confirm your e-mail address first.")
    if is_blocked_in(user, subject.municipality):
        return _("The moderators have blocked your account from writing here.")
    return None


def _closed(subject: Subject) -> str | None:
    """Why comments are not accepted now: outside the project's participation phase, or outside a
    statute's participation periods (with the days they run)."""
    if is_statute(subject):
        return periods.refusal(subject, datetime.now(timezone.utc))
    if not is_participation_open(subject, local_today(current_app.config["TIME_ZONE"])):
        return _("Comments are accepted only during the participation period.")
    return None


def can_comment(user, subject: Subject) -> bool:
    return comment_refusal(user, subject) is None


def is_shown(comment: Comment) -> bool:
    """Published (neither waiting for approval nor hidden by a moderator) and not deleted by its author
    (a placeholder for its replies)."""
    return comment.is_published and comment.deleted_at is None


def can_support(user, comment: Comment) -> bool:
    return (
        can_comment(user, comment.subject)
        and is_shown(comment)
        and comment.author_id != user.id
    )


def can_report(user, comment: Comment) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and not is_blocked_in(user, comment.subject.municipality)
        and can_view_subject(user, comment.subject)
        and is_shown(comment)
        and comment.author_id != user.id
    )


def is_own(user, comment: Comment) -> bool:
    """`comment` is `user`'s and still there to change or delete: the author may delete it at any time.
    Only the author: moderators remove comments with their own action (`can_moderate`). A formal
    statement is on record as its receipt says: it is neither changed nor deleted (a further one may follow)."""
    return (
        getattr(user, "is_authenticated", False)
        and comment.author_id == user.id
        and not comment.is_formal
        and is_shown(comment)
        and can_view_subject(user, comment.subject)
    )


def visible_replies(comment: Comment) -> list[Comment]:
    return [reply for reply in comment.replies if reply.is_published]


def is_answered(comment: Comment, replies: list[Comment]) -> bool:
    """Someone has answered the comment, so its words must stay as they were answered.

    `replies` are its visible replies (`visible_replies`; the list page has them at hand); the town's
    official answer counts too.
    """
    return bool(replies) or comment.answer_id is not None


def edit_refusal(user, comment: Comment, replies: list[Comment]) -> str | None:
    """Why the author may not change their comment now, or None if they may (see `is_own` for who)."""
    refusal = comment_refusal(user, comment.subject)
    if refusal:
        return refusal
    if is_answered(comment, replies):
        return _("This comment has been answered, so it can no longer be changed. You can still delete it.")
    if comment.parent is not None and not is_shown(comment.parent):
        return _("The comment this reply answers was deleted, so the reply can no longer be changed.")
    return None


def can_edit(user, comment: Comment, replies: list[Comment]) -> bool:
    return is_own(user, comment) and edit_refusal(user, comment, replies) is None


def can_moderate(user, subject: Subject) -> bool:
    return is_planner_for(user, subject.municipality)


# Writing is throttled: one budget per account and one per address (config WRITE_LIMIT_PER_*),
# shared by comments, replies, supports and reports, the HTML form and the API. Only what was
# written counts (a view calls `count_write()`): a refused input costs nothing, and
# an anonymous request is not throttled here (it is refused anyway).

def count_write() -> None:
    """Count this request against the write limits; call it once something was written."""
    g.wrote = True


def _wrote(response: Response) -> bool:
    return bool(g.get("wrote"))


def _anonymous() -> bool:
    return not current_user.is_authenticated


def _account_key() -> str:
    return f"account:{current_user.id}"


def retry_after(request_limit: RequestLimit) -> int:
    """Whole seconds until the breached limit lets the next write through (at least 1)."""
    return max(1, math.ceil(request_limit.reset_at - time.time()))


def write_limit_message(seconds: int) -> str:
    return _("You have written a lot in a short time. Please wait {seconds} seconds and try again.").format(
        seconds=seconds)


def write_limited(on_breach: Callable[[RequestLimit], Response]):
    """Decorate a writing view with the write limits; `on_breach` gives the answer when one is spent
    (a flash and a redirect for a form, a 429 with Retry-After for the API)."""
    common = {"exempt_when": _anonymous, "deduct_when": _wrote, "on_breach": on_breach, "methods": ["POST"]}
    per_account = limiter.shared_limit(lambda: current_app.config["WRITE_LIMIT_PER_ACCOUNT"], scope="write:account",
                                       key_func=_account_key, **common)
    per_address = limiter.shared_limit(lambda: current_app.config["WRITE_LIMIT_PER_ADDRESS"], scope="write:address",
                                       **common)
    return lambda view: per_address(per_account(view))
