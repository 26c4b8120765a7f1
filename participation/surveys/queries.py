"""Finding surveys: those of a project or statute as a page lists them."""
from __future__ import annotations

from sqlalchemy import select

from participation.comments.subjects import is_statute
from participation.extensions import db
from participation.surveys.models import Survey, SurveyState
from participation.surveys.permissions import can_manage_surveys


def subject_surveys(user, subject) -> list[Survey]:
    """The surveys on `subject` that `user` may see: open and closed ones, and drafts for its planners;
    newest version first."""
    column = Survey.statute_id if is_statute(subject) else Survey.project_id
    query = select(Survey).where(column == subject.id)
    if not can_manage_surveys(user, subject.municipality):
        query = query.where(Survey.state != SurveyState.DRAFT)
    return list(db.session.scalars(query.order_by(Survey.state == SurveyState.CLOSED, Survey.id.desc())))
