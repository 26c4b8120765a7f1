"""Creating, changing and deleting comments and replies; supports and reports (the moderators' actions are
in participation.moderation)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from geo.errors import GeoInputError
from geo.points import parse_point
from participation.cache import invalidate
from participation.comments.models import Comment, Report, Support, Visibility
from participation.comments.photos import discard_photos
from participation.comments.subjects import Subject, belongs_to, is_statute, subject_key
from participation.database.mixins import utcnow
from participation.database.spatial import area_covers
from participation.extensions import db
from participation.loaders import get_by_id
from participation.maps.queries import feature_on_map
from participation.statutes.models import StatuteParagraph
from participation.web.text import strip_bidi_controls


def comments_scope(subject: Subject) -> str:
    """The map-cache scope of a project's or statute's comments (see participation.cache)."""
    return f"{subject_key(subject)}:comments"


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
    #: On a statute: the paragraph and the plan object (layer id, feature id) commented on.
    paragraph: StatuteParagraph | None = None
    plan_object: tuple[int, str] | None = None


def parse_comment(subject: Subject, text: object, category_id: object = None, lon: object = None,
                  lat: object = None, parent_id: object = None, paragraph: object = None,
                  plan_object: tuple[object, object] | None = None) -> CommentDraft:
    """Check comment input against its project or statute: the one place with the rules for a comment.

    The HTML forms and the JSON API both call it with the values as sent, ids as ints, so that both
    refuse the same input with the same message. Every field is checked, so that a form can name
    all mistakes at once. A reply (`parent_id` given) has neither category nor place. A comment on a
    statute may point at a paragraph (its anchor) and a plan object (layer id, feature id).

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
    parent = category = location = target = plan = None
    if parent_id not in (None, ""):
        parent = check("parent_id", _parent, subject, parent_id)
    else:
        category = check("category_id", _category, subject, category_id)
        location = check("location", _location, subject, lon, lat)
        if paragraph not in (None, ""):
            target = check("paragraph", _paragraph, subject, paragraph)
        if plan_object is not None and any(part not in (None, "") for part in plan_object):
            plan = check("plan_object", _plan_object, subject, *plan_object)
    if problems:
        raise CommentInputError(problems)
    return CommentDraft(text, category, location, parent, target, plan)


def _text(text: object) -> str:
    if not isinstance(text, str) or not (text := strip_bidi_controls(text)).strip():
        raise _Refused(_("Please write a comment."))
    text = text.strip()
    limit = current_app.config["COMMENT_MAX_LENGTH"]
    if len(text) > limit:
        raise _Refused(_("The comment is too long: at most {limit} characters.").format(limit=limit))
    return text


def _parent(subject: Subject, parent_id: object) -> Comment:
    valid_id = isinstance(parent_id, int) and not isinstance(parent_id, bool)
    parent = get_by_id(Comment, parent_id) if valid_id else None
    if parent is None or not belongs_to(parent, subject) or not parent.is_published or parent.deleted_at is not None:
        raise _Refused(_("The comment you reply to does not exist."))
    if parent.parent_id is not None:
        raise _Refused(_("Replies can only be made to top-level comments."))
    return parent


def _category(subject: Subject, category_id: object) -> int | None:
    if category_id in (None, ""):
        if subject.categories:
            raise _Refused(_("Please choose one of the project's categories."))
        return None
    valid = {c.id for c in subject.categories}
    if not isinstance(category_id, int) or isinstance(category_id, bool) or category_id not in valid:
        raise _Refused(_("Please choose one of the project's categories."))
    return category_id


def _location(subject: Subject, lon: object, lat: object) -> Point | None:
    if lon in (None, "") and lat in (None, ""):
        return None
    try:
        location = parse_point(lon, lat)
    except GeoInputError as error:
        raise _Refused(_(error.message).format(**error.params)) from None
    if not area_covers(db.session, type(subject), type(subject).spatial, subject.id, location):
        if is_statute(subject):
            raise _Refused(_("The pin lies outside the statute's area. Please place it inside the outlined area."))
        raise _Refused(_("The pin lies outside the project area. Please place it inside the outlined area."))
    return location


def _paragraph(subject: Subject, anchor: object) -> StatuteParagraph:
    paragraph = None
    if is_statute(subject) and isinstance(anchor, str) and len(anchor) <= 40:
        paragraph = db.session.scalar(select(StatuteParagraph).where(
            StatuteParagraph.statute_id == subject.id, StatuteParagraph.anchor == anchor))
    if paragraph is None:
        raise _Refused(_("The paragraph you comment on is not part of this text (any more)."))
    return paragraph


def _plan_object(subject: Subject, layer_id: object, feature_id: object) -> tuple[int, str]:
    """A feature of a vector layer on the statute's map, named by its gml:id (XPlanGML) or row id."""
    valid = (is_statute(subject) and isinstance(layer_id, int) and not isinstance(layer_id, bool)
             and isinstance(feature_id, str) and 0 < len(feature_id) <= 200)
    if not valid or not feature_on_map(subject.map, layer_id, feature_id):
        raise _Refused(_("The plan object you comment on is not on this statute's map (any more)."))
    return layer_id, feature_id


def create_comment(subject: Subject, author, draft: CommentDraft, notify_on_answer: bool = False) -> Comment:
    """Save a new comment or reply; under pre-moderation it waits for a moderator's approval."""
    comment = Comment(
        author_id=author.id,
        visibility=Visibility.PENDING if subject.pre_moderation else Visibility.PUBLISHED,
        notify_on_answer=notify_on_answer,
        text=draft.text,
        category_id=draft.category_id,
        parent=draft.parent,
        paragraph=draft.paragraph,
        paragraph_anchor=draft.paragraph.anchor if draft.paragraph else None,
    )
    if is_statute(subject):
        comment.statute = subject
    else:
        comment.project = subject
    if draft.plan_object:
        comment.plan_object_layer_id, comment.plan_object_id = draft.plan_object
    comment.set_location(draft.location)
    db.session.add(comment)
    db.session.flush()
    invalidate(comments_scope(subject))
    current_app.logger.info("User %s commented %s on %s", author.id, comment.id, subject_key(subject))
    return comment


def edit_comment(comment: Comment, author, draft: CommentDraft) -> Comment:
    """Change the text (and a top-level comment's category) as its author; the pin stays where it is."""
    comment.text = draft.text
    if comment.parent_id is None:
        comment.category_id = draft.category_id
    comment.edited_at = utcnow()
    invalidate(comments_scope(comment.subject))
    current_app.logger.info("User %s edited comment %s", author.id, comment.id)
    return comment


def delete_comment(comment: Comment, author) -> bool:
    """Delete a comment as its author; True if it is gone, False if it stays as a placeholder.

    A comment with replies (also those a moderator removed, which stay for the record) keeps its
    place in the conversation: the text, place, category and supports go, `deleted_at` marks it, and
    its open reports count as handled, since nothing is left to judge. Anything else is removed with
    its supports and reports. Its photos go in either case, their files once the deletion is committed.
    """
    subject = comment.subject
    discard_photos(comment)
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
    invalidate(comments_scope(subject))
    current_app.logger.info("User %s deleted comment %s%s", author.id, comment.id, "" if gone else " (placeholder kept)")
    return gone


def support(comment: Comment, user) -> bool:
    """Record the support; False if the user had supported it already."""
    try:
        with db.session.begin_nested():
            db.session.add(Support(comment_id=comment.id, user_id=user.id))
    except IntegrityError:
        return False
    invalidate(comments_scope(comment.subject))
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
