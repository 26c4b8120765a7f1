"""What a comment belongs to — a project or a statute — and the few things that differ between them.

Everything else about comments (rules, lists, replies, supports, reports,
moderation) is the same for both and takes the subject as it is.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import ColumnElement, func, or_, select

from participation.comments.models import Comment
from participation.projects.models import Project
from participation.projects.permissions import can_view_project
from participation.statutes.labels import statute_title
from participation.statutes.models import Statute
from participation.statutes.permissions import can_view_statute

Subject = Project | Statute


def of_subject(subject: Subject, *, by_index: bool = True) -> ColumnElement[bool]:
    """A WHERE clause: the comments of `subject`. With `by_index` False, written so that the database
    does not choose the subject's index: for a query that a map view narrows down far more (the
    spatial index then drives it, instead of a walk through all of the subject's comments)."""
    column = Comment.statute_id if isinstance(subject, Statute) else Comment.project_id
    return column == subject.id if by_index else func.coalesce(column, 0) == subject.id


def of_town(town_id: int) -> ColumnElement[bool]:
    """A WHERE clause: the comments on a town's projects and statutes."""
    return or_(
        Comment.project_id.in_(select(Project.id).where(Project.municipality_id == town_id)),
        Comment.statute_id.in_(select(Statute.id).where(Statute.municipality_id == town_id)),
    )


def subject_title(subject: Subject) -> str:
    """A project's title, or a statute's kind, number and title, as headings and mails name it."""
    return statute_title(subject) if is_statute(subject) else subject.title


def belongs_to(comment: Comment, subject: Subject) -> bool:
    if isinstance(subject, Statute):
        return comment.statute_id == subject.id
    return comment.project_id == subject.id


def subject_key(subject: Subject) -> str:
    """"project:3" or "statute:5": the subject in cache scopes and log lines."""
    return f"{'statute' if isinstance(subject, Statute) else 'project'}:{subject.id}"


def can_view_subject(user, subject: Subject) -> bool:
    if isinstance(subject, Statute):
        return can_view_statute(user, subject)
    return can_view_project(user, subject)


def subject_url(subject: Subject, **args) -> str:
    """The subject's page, where its comments are listed; `args` are the list view's and `_anchor`."""
    if isinstance(subject, Statute):
        return url_for("statutes.show", slug=subject.municipality.slug, statute_id=subject.id, **args)
    return url_for("projects.show", slug=subject.municipality.slug, project_id=subject.id, **args)


def is_statute(subject: Subject) -> bool:
    return isinstance(subject, Statute)
