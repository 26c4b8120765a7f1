"""Creating, changing and deleting comments and replies; supports and reports; moderation."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from shapely.geometry import Point
from sqlalchemy.exc import IntegrityError

from geo.errors import GeoInputError
from geo.points import parse_point
from participation.cache import invalidate
from participation.comments.models import Comment, Report, Support
from participation.database.mixins import utcnow
from participation.database.spatial import area_covers
from participation.extensions import db
from participation.loaders import get_by_id
from participation.projects.models import Project
from participation.web.text import strip_bidi_controls


def comments_scope(project_id: int) -> str:
    """The map-cache scope of a project's comments (see participation.cache)."""
    return f"project:{project_id}:comments"


class CommentInputError(ValueError):
    """Bad comment input: `problems` maps each offending field to its translated message, in the
    order the fields are checked; `field` and `message` are the first of them."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        self.field, self.message = next(iter(self.problems.items()))
        super().__init__(self.message)


class _Refused(Exception):
    """A rule is broken; parse_comment files the message under the field being checked."""


@dataclass(frozen=True)
class CommentDraft:
    text: str
    category_id: int | None
    location: Point | None
    parent: Comment | None


def parse_comment(project: Project, text: object, category_id: object = None, lon: object = None,
                  lat: object = None, parent_id: object = None) -> CommentDraft:
    """Check comment input against the project: the one place with the rules for a comment.

    The HTML forms and the JSON API both call it with the values as sent, ids as ints, so that both
    refuse the same input with the same message. Every field is checked, so that a form can name
    all mistakes at once. A reply (`parent_id` given) has neither category nor place.

    Raises
    ------
    CommentInputError
        If any field is wrong.
    """
    problems: dict[str, str] = {}

    def check(field: str, rule: Callable[..., object], *args: object):
        try:
            return rule(*args)
        except _Refused as refusal:
            problems[field] = str(refusal)
            return None

    text = check("text", _text, text)
    parent = category = location = None
    if parent_id not in (None, ""):
        parent = check("parent_id", _parent, project, parent_id)
    else:
        category = check("category_id", _category, project, category_id)
        location = check("location", _location, project, lon, lat)
    if problems:
        raise CommentInputError(problems)
    return CommentDraft(text, category, location, parent)


def _text(text: object) -> str:
    if not isinstance(text, str) or not (text := strip_bidi_controls(text)).strip():
        raise _Refused(_("Please write a comment."))
    text = text.strip()
    limit = current_app.config["COMMENT_MAX_LENGTH"]
    if len(text) > limit:
        raise _Refused(_("The comment is too long: at most {limit} characters.").format(limit=limit))
    return text


def _parent(project: Project, parent_id: object) -> Comment:
    valid_id = isinstance(parent_id, int) and not isinstance(parent_id, bool)
    parent = get_by_id(Comment, parent_id) if valid_id else None
    if parent is None or parent.project_id != project.id or parent.is_removed or parent.deleted_at is not None:
        raise _Refused(_("The comment you reply to does not exist."))
    if parent.parent_id is not None:
        raise _Refused(_("Replies can only be made to top-level comments."))
    return parent


def _category(project: Project, category_id: object) -> int | None:
    if category_id in (None, ""):
        if project.categories:
            raise _Refused(_("Please choose one of the project's categories."))
        return None
    valid = {c.id for c in project.categories}
    if not isinstance(category_id, int) or isinstance(category_id, bool) or category_id not in valid:
        raise _Refused(_("Please choose one of the project's categories."))
    return category_id


def _location(project: Project, lon: object, lat: object) -> Point | None:
    if lon in (None, "") and lat in (None, ""):
        return None
    try:
        location = parse_point(lon, lat)
    except GeoInputError as error:
        raise _Refused(_(error.message).format(**error.params)) from None
    if not area_covers(db.session, Project, Project.spatial, project.id, location):
        raise _Refused(_("The pin lies outside the project area. Please place it inside the outlined area."))
    return location


def create_comment(project: Project, author, draft: CommentDraft) -> Comment:
    comment = Comment(
        project=project,
        author_id=author.id,
        text=draft.text,
        category_id=draft.category_id,
        parent=draft.parent,
    )
    comment.set_location(draft.location)
    db.session.add(comment)
    db.session.flush()
    invalidate(comments_scope(project.id))
    current_app.logger.info("User %s commented %s on project %s", author.id, comment.id, project.id)
    return comment


def edit_comment(comment: Comment, author, draft: CommentDraft) -> Comment:
    """Change the text (and a top-level comment's category) as its author; the pin stays where it is."""
    comment.text = draft.text
    if comment.parent_id is None:
        comment.category_id = draft.category_id
    comment.edited_at = utcnow()
    invalidate(comments_scope(comment.project_id))
    current_app.logger.info("User %s edited comment %s", author.id, comment.id)
    return comment


def delete_comment(comment: Comment, author) -> bool:
    """Delete a comment as its author; True if it is gone, False if it stays as a placeholder.

    A comment with replies (also those a moderator removed, which stay for the record) keeps its
    place in the conversation: the text, place, category and supports go, `deleted_at` marks it, and
    its open reports count as handled, since nothing is left to judge. Anything else is removed with
    its supports and reports.
    """
    project_id = comment.project_id
    if comment.replies:
        comment.text = ""
        comment.category_id = None
        comment.set_location(None)
        comment.deleted_at = utcnow()
        comment.supports.clear()
        for item in db.session.query(Report).filter_by(comment_id=comment.id, is_resolved=False):
            item.is_resolved = True
        gone = False
    else:
        db.session.delete(comment)
        gone = True
    db.session.flush()
    invalidate(comments_scope(project_id))
    current_app.logger.info("User %s deleted comment %s%s", author.id, comment.id, "" if gone else " (placeholder kept)")
    return gone


def support(comment: Comment, user) -> bool:
    """Record the support; False if the user had supported it already."""
    try:
        with db.session.begin_nested():
            db.session.add(Support(comment_id=comment.id, user_id=user.id))
    except IntegrityError:
        return False
    invalidate(comments_scope(comment.project_id))
    return True


def report(comment: Comment, user, reason: str) -> bool:
    """Report to the moderators; False if this user had reported it already."""
    try:
        with db.session.begin_nested():
            db.session.add(Report(comment_id=comment.id, user_id=user.id, reason=reason.strip()))
    except IntegrityError:
        return False
    current_app.logger.info("User %s reported comment %s", user.id, comment.id)
    return True


def remove(comment: Comment, moderator) -> None:
    """Hide a comment for good; its reports count as handled."""
    comment.is_removed = True
    invalidate(comments_scope(comment.project_id))
    for item in db.session.query(Report).filter_by(comment_id=comment.id, is_resolved=False):
        item.is_resolved = True
    current_app.logger.info("Moderator %s removed comment %s", moderator.id, comment.id)


def dismiss_reports(comment: Comment, moderator) -> None:
    """Keep the comment; mark its open reports as handled."""
    for item in db.session.query(Report).filter_by(comment_id=comment.id, is_resolved=False):
        item.is_resolved = True
    current_app.logger.info("Moderator %s kept comment %s", moderator.id, comment.id)
