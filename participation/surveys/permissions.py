"""Who may build, see, answer a survey and see its results."""
from __future__ import annotations

from participation.accounts.permissions import is_planner_for
from participation.comments.subjects import can_view_subject
from participation.surveys.models import Access, Survey, SurveyState


def can_manage_surveys(user, town) -> bool:
    """Build, open, close, version surveys, make access codes, see results and export: the town's planners."""
    return is_planner_for(user, town)


def can_view_survey(user, survey: Survey) -> bool:
    """Open and closed surveys of a visible project or statute for everyone; drafts for the planners."""
    if can_manage_surveys(user, survey.municipality):
        return True
    return survey.is_published and can_view_subject(user, survey.subject)


def can_answer(user, survey: Survey) -> bool:
    """The survey takes responses (the way in — account, code — is checked when a response begins)."""
    return survey.state is SurveyState.OPEN and can_view_survey(user, survey)


def needs_login(user, survey: Survey) -> bool:
    return survey.access is Access.ACCOUNT and not getattr(user, "is_authenticated", False)


def can_see_results(user, survey: Survey) -> bool:
    """Planners always; everyone once the survey is closed, if the planners chose to publish them."""
    if can_manage_surveys(user, survey.municipality):
        return True
    return survey.state is SurveyState.CLOSED and survey.results_public and can_view_survey(user, survey)
