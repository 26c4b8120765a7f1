"""Building a survey: its settings, pages and questions, opening and closing it, new versions.

Questions are fixed once a survey has any response (a draft too, since its answers point at them);
a planner who wants to change them makes a new version, which copies the questions into a draft.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import exists, select

from participation.comments.subjects import is_statute
from participation.extensions import db
from participation.maps.models import MapLayer
from participation.surveys.models import (
    Access, Question, ResponseState, Survey, SurveyPage, SurveyResponse, SurveyState,
)
from participation.surveys.questions import question_type


class QuestionsLocked(Exception):
    """The survey has responses; its questions cannot change any more."""


class CannotOpen(Exception):
    """The survey has no question yet, its subject is not published, or a newer version exists."""


class ConditionsBroken(Exception):
    """The change would make later questions' conditions ask for an answer that is gone or now means
    something else; `questions` are those questions."""

    def __init__(self, questions: list[Question]) -> None:
        super().__init__([q.id for q in questions])
        self.questions = questions


class NewerVersion(Exception):
    """A newer version of this survey exists: it is the one to change or open."""

    def __init__(self, newer: Survey) -> None:
        super().__init__(newer.id)
        self.newer = newer


@dataclass
class SurveyData:
    title: str
    intro: str = ""
    access: Access = Access.ACCOUNT
    results_public: bool = False


@dataclass
class QuestionData:
    text: str
    help: str = ""
    required: bool = False
    with_comment: bool = False
    demographic: bool = False
    settings: dict | None = None
    condition_question_id: int | None = None
    condition_value: str = ""


def has_responses(survey: Survey) -> bool:
    return bool(db.session.scalar(select(exists().where(SurveyResponse.survey_id == survey.id))))


def _unlocked(survey: Survey) -> None:
    if has_responses(survey):
        raise QuestionsLocked()


def create_survey(town, subject, data: SurveyData, user) -> Survey:
    """A draft survey on `subject` (a project or statute of `town`) with one empty page."""
    survey = Survey(municipality_id=town.id, title=data.title, intro=data.intro, access=data.access,
                    results_public=data.results_public, created_by_id=getattr(user, "id", None),
                    project_id=None if is_statute(subject) else subject.id,
                    statute_id=subject.id if is_statute(subject) else None)
    survey.pages.append(SurveyPage(position=0, title=""))
    db.session.add(survey)
    db.session.flush()
    current_app.logger.info("User %s created survey %s", getattr(user, "id", None), survey.id)
    return survey


def update_survey(survey: Survey, data: SurveyData, user) -> Survey:
    """Title, introduction, results' visibility; the access only while nobody has answered."""
    if data.access is not survey.access:
        _unlocked(survey)
    survey.title, survey.intro, survey.access, survey.results_public = (
        data.title, data.intro, data.access, data.results_public)
    current_app.logger.info("User %s changed survey %s", getattr(user, "id", None), survey.id)
    return survey


def newer_version(survey: Survey) -> Survey | None:
    """The version made from this one, if any."""
    return db.session.scalar(select(Survey).where(Survey.previous_id == survey.id).limit(1))


def latest_version(survey: Survey) -> Survey | None:
    """The newest version of the survey's series, if it is not this one."""
    newest = db.session.scalar(select(Survey).where(Survey.series_id == survey.series)
                               .order_by(Survey.version.desc()).limit(1))
    return newest if newest is not None and newest.version > survey.version else None


def set_state(survey: Survey, state: SurveyState, user) -> Survey:
    """Open a draft (it needs a question and a published subject; the version it replaces closes) or a
    closed survey again (only if no newer version exists); close an open one. Closing removes the drafts."""
    if state is SurveyState.OPEN:
        if not survey.questions:
            raise CannotOpen("no question")
        if not survey.subject.is_published:
            raise CannotOpen("subject not published")
        newer = newer_version(survey)
        if newer is not None:
            raise NewerVersion(newer)
        if survey.previous_id is not None:
            previous = db.session.get(Survey, survey.previous_id)
            if previous is not None and previous.state is SurveyState.OPEN:
                _close(previous)
        survey.state = state
    elif state is SurveyState.CLOSED:
        if survey.state is not SurveyState.OPEN:
            raise ValueError("only an open survey closes")
        _close(survey)
    current_app.logger.info("User %s set survey %s to %s", getattr(user, "id", None), survey.id, state)
    return survey


def _close(survey: Survey) -> None:
    """Closed, and its unsent drafts removed, so that none keeps a link to an account or code."""
    survey.state = SurveyState.CLOSED
    for draft in db.session.scalars(select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.state == ResponseState.DRAFT)):
        db.session.delete(draft)


def add_page(survey: Survey, title: str = "") -> SurveyPage:
    _unlocked(survey)
    page = SurveyPage(position=len(survey.pages), title=title)
    survey.pages.append(page)
    db.session.flush()
    return page


def rename_page(page: SurveyPage, title: str) -> SurveyPage:
    page.title = title  # a page's title may change with responses: the questions stay the same
    return page


def delete_page(page: SurveyPage) -> None:
    """Remove a page and its questions; the last page stays."""
    survey = page.survey
    _unlocked(survey)
    if len(survey.pages) <= 1:
        raise ValueError("a survey keeps at least one page")
    for question in list(page.questions):
        _drop_conditions_on(question)
        survey.questions.remove(question)
    survey.pages.remove(page)
    _renumber(survey)


def move_page(page: SurveyPage, step: int) -> list[Question]:
    """One place up (-1) or down (+1); returns the questions whose condition the move dropped."""
    survey = page.survey
    _unlocked(survey)
    pages = sorted(survey.pages, key=lambda p: p.position)
    index = pages.index(page)
    target = index + step
    if not 0 <= target < len(pages):
        return []
    pages[index], pages[target] = pages[target], pages[index]
    for position, item in enumerate(pages):
        item.position = position
    return _renumber(survey)


def add_question(page: SurveyPage, kind: str, data: QuestionData) -> Question:
    survey = page.survey
    _unlocked(survey)
    question_type(kind)  # KeyError for an unknown kind
    question = Question(survey=survey, page=page, kind=kind, position=len(page.questions),
                        page_position=page.position)
    _fill(question, data)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: Question, data: QuestionData) -> Question:
    """Change a question. Refused (ConditionsBroken) when a later question's condition asks for an answer
    whose words the change removes or moves (answers are keyed by position), so nothing changes unseen."""
    _unlocked(question.survey)
    before = dict(question_type(question.kind).choices(question))
    dependents = [q for q in question.survey.questions if q.condition_question_id == question.id]
    _fill(question, data)
    after = dict(question_type(question.kind).choices(question))
    broken = [q for q in dependents if before.get(q.condition_value) != after.get(q.condition_value)]
    if broken:
        db.session.expire(question)  # back to what is stored
        raise ConditionsBroken(broken)
    return question


def _fill(question: Question, data: QuestionData) -> None:
    question.text, question.help = data.text, data.help
    question.demographic = data.demographic
    # Demographic questions are always optional: nobody has to say their age to take part.
    question.required = data.required and not data.demographic
    question.with_comment = data.with_comment
    question.settings = dict(data.settings or {})
    question.condition_question_id = data.condition_question_id
    question.condition_value = data.condition_value if data.condition_question_id else ""


def delete_question(question: Question) -> None:
    survey = question.survey
    _unlocked(survey)
    _drop_conditions_on(question)
    survey.questions.remove(question)
    question.page.questions.remove(question)
    _renumber(survey)


def _drop_conditions_on(question: Question) -> None:
    for other in question.survey.questions:
        if other.condition_question_id == question.id:
            other.condition_question_id, other.condition_value = None, ""


def move_question(question: Question, step: int) -> list[Question]:
    """One place up (-1) or down (+1) on its page, or onto the neighbouring page at its end or start;
    returns the questions whose condition the move dropped."""
    survey = question.survey
    _unlocked(survey)
    page = question.page
    items = sorted(page.questions, key=lambda q: q.position)
    index = items.index(question)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        for position, item in enumerate(items):
            item.position = position
    else:
        pages = sorted(survey.pages, key=lambda p: p.position)
        other = pages.index(page) + step
        if not 0 <= other < len(pages):
            return []
        new_page = pages[other]
        staying = sorted((q for q in new_page.questions if q is not question), key=lambda q: q.position)
        left = sorted((q for q in page.questions if q is not question), key=lambda q: q.position)
        question.page = new_page
        for position, item in enumerate(staying + [question] if step < 0 else [question] + staying):
            item.position = position
        for position, item in enumerate(left):
            item.position = position
    return _renumber(survey)


def _renumber(survey: Survey) -> list[Question]:
    """Pages 0…n and each question's copy of its page's position; conditions that now point at a later
    question (after a move) are dropped, since a condition must look back. Returns the questions that
    lost their condition."""
    for position, page in enumerate(sorted(survey.pages, key=lambda p: p.position)):
        page.position = position
        for question in page.questions:
            question.page_position = position
    order = {q.id: (q.page_position, q.position) for q in survey.questions}
    dropped = []
    for question in survey.questions:
        source = question.condition_question_id
        if source is not None and (source not in order or order[source] >= order[question.id]):
            question.condition_question_id, question.condition_value = None, ""
            dropped.append(question)
    db.session.flush()
    # The lists keep their old order until loaded again (they are ordered by position in SQL).
    for page in survey.pages:
        db.session.expire(page, ["questions"])
    db.session.expire(survey, ["questions", "pages"])
    return dropped


def condition_sources(survey: Survey, question: Question | None, page: SurveyPage | None = None) -> list[Question]:
    """The questions a condition of `question` (or of a new question at the end of `page`) may look at:
    earlier ones whose type has fixed answers."""
    if question is not None:
        limit = (question.page_position, question.position)
    else:
        limit = (page.position, len(page.questions))
    return [q for q in survey.questions
            if (q.page_position, q.position) < limit and question_type(q.kind).conditional]


def new_version(survey: Survey, user) -> Survey:
    """A draft copy of `survey` (version + 1) with the same pages, questions and map, to be changed and
    opened in its place; the responses stay with the old version, access codes and "once per account"
    hold for all versions (`series`). Only the newest version gets a newer one (NewerVersion)."""
    newer = newer_version(survey)
    if newer is not None:
        raise NewerVersion(newer)
    copy = Survey(series_id=survey.series,municipality_id=survey.municipality_id, project_id=survey.project_id,
                  statute_id=survey.statute_id, title=survey.title, intro=survey.intro, access=survey.access,
                  results_public=survey.results_public, version=survey.version + 1, previous_id=survey.id,
                  created_by_id=getattr(user, "id", None))
    db.session.add(copy)
    for item in survey.map.layers:
        copy.map.layers.append(MapLayer(layer_id=item.layer_id, position=item.position, visible=item.visible))
    pages = {}
    for page in survey.pages:
        pages[page.id] = SurveyPage(position=page.position, title=page.title)
        copy.pages.append(pages[page.id])
    db.session.flush()
    copies = {}
    for question in survey.questions:
        copies[question.id] = Question(
            survey=copy, page=pages[question.page_id], kind=question.kind, text=question.text, help=question.help,
            required=question.required, with_comment=question.with_comment, demographic=question.demographic,
            settings=dict(question.settings), position=question.position, page_position=question.page_position,
            condition_value=question.condition_value)
        db.session.add(copies[question.id])
    db.session.flush()
    for question in survey.questions:
        if question.condition_question_id in copies:
            copies[question.id].condition_question_id = copies[question.condition_question_id].id
    db.session.flush()
    current_app.logger.info("User %s made version %s of survey %s as survey %s", getattr(user, "id", None),
                            copy.version, survey.id, copy.id)
    return copy
