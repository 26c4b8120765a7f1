"""Who may answer comments as the town, weigh them and publish the result, and who sees what."""
from __future__ import annotations

from participation.accounts.permissions import is_planner_for
from participation.comments.models import Comment
from participation.comments.subjects import Subject, can_view_subject, is_statute
from participation.projects.models import Phase


def can_weigh(user, subject: Subject) -> bool:
    """The town's planners answer, weigh and publish the result of a project's or statute's comments."""
    return is_planner_for(user, subject.municipality)


def can_answer(user, comment: Comment) -> bool:
    """A top-level comment that is still there, for the planners of its town."""
    return comment.parent_id is None and comment.deleted_at is None and can_weigh(user, comment.subject)


def can_view_results(user, subject: Subject) -> bool:
    """The results page is public once the subject is: a draft project or unpublished statute has none."""
    return subject.is_published and can_view_subject(user, subject)


def has_results(subject: Subject) -> bool:
    """Whether the subject's page links to its results: a project in evaluation or closed, or a
    published weighing result."""
    if subject.results_published_at is not None:
        return True
    return not is_statute(subject) and subject.phase in (Phase.EVALUATION, Phase.CLOSED)
