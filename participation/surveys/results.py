"""The results of a survey: every question's sent answers counted, optionally for one demographic group.

The sent responses are read in pages of `PAGE` by id, each page's answers with them, so that memory
holds one page and the tallies, never every answer. A filter {question id: option key} on demographic
questions keeps only the responses whose answer to each of those questions matches (the type's
`matches`). Drafts never count.
"""
from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator, Mapping

from shapely.geometry.base import BaseGeometry
from sqlalchemy import select

from participation.extensions import db
from participation.surveys.models import Answer, Question, ResponseState, Survey, SurveyResponse
from participation.surveys.questions import QuestionType, Tally, question_type
from participation.surveys.responding import Known

#: Responses read per query.
PAGE = 500
#: Comments and map answers the results page lists per question, the latest (all are in the exports).
LISTED = 200
#: Map answers the GeoJSON of one question holds at most (a flag says when there were more).
MOST_FEATURES = 20_000
#: A filtered group this small is not shown to the public: a group of a few people would show each
#: one's answers to everyone who knows who they are.
SMALL_GROUP = 5

Filters = dict[int, str]


@dataclass
class QuestionResult:
    question: Question
    kind: QuestionType
    #: The type's `summary` for templates.
    summary: dict
    answered: int
    #: The responses that were shown the question: all but those a condition hid from.
    asked: int
    #: The latest comments beside the answer, newest first, and how many more there are.
    comments: list[str] = field(default_factory=list)
    more_comments: int = 0
    #: Map questions: the latest answers as (number, measure, comment), newest first; the number is the
    #: answer's place in the GeoJSON (from 1, in the order the responses were sent).
    places: list[tuple[int, float | None, str]] = field(default_factory=list)
    more_places: int = 0


@dataclass
class SurveyResults:
    #: The sent responses counted (those of the filtered group).
    total: int
    questions: list[QuestionResult]
    #: How many were sent on each day, oldest first.
    days: list[tuple[date, int]]


def filter_questions(survey: Survey) -> list[tuple[Question, list[tuple[str, str]]]]:
    """The demographic questions results can be filtered by, with their (key, label) options: those of a
    type with fixed options."""
    found = []
    for question in survey.questions:
        if question.demographic:
            choices = question_type(question.kind).choices(question)
            if choices:
                found.append((question, choices))
    return found


def read_filters(survey: Survey, args: Mapping[str, str]) -> Filters:
    """The filters of a query string: ``d<question id>=<option key>``; unknown questions or keys are left out."""
    filters = {}
    for question, choices in filter_questions(survey):
        wanted = args.get(f"d{question.id}", "")
        if wanted in dict(choices):
            filters[question.id] = wanted
    return filters


@dataclass
class _Sent:
    """One sent response as the results read it: its day and answers {question id: row}."""

    sent_on: date | None
    answers: dict[int, object]


def _sent_responses(survey: Survey, filters: Filters, question_ids: set[int] | None = None,
                    with_geometry: bool = False) -> Iterator[_Sent]:
    """The sent responses of `survey` that pass `filters`, in the order they were sent (by id), read a
    page at a time; with `question_ids` only those questions' answers (and the filters') are read."""
    by_id = {question.id: question for question in survey.questions}
    columns = [Answer.response_id, Answer.question_id, Answer.value, Answer.comment,
               Answer.geometry.is_not(None).label("has_place")]
    if with_geometry:
        columns.append(Answer.geometry)
    wanted = None if question_ids is None else set(question_ids) | set(filters)
    last = 0
    while True:
        page = db.session.execute(
            select(SurveyResponse.id, SurveyResponse.sent_on)
            .where(SurveyResponse.survey_id == survey.id, SurveyResponse.state == ResponseState.SENT,
                   SurveyResponse.id > last)
            .order_by(SurveyResponse.id).limit(PAGE)).all()
        if not page:
            return
        first, last = page[0].id, page[-1].id
        query = (select(*columns).join(SurveyResponse, SurveyResponse.id == Answer.response_id)
                 .where(SurveyResponse.survey_id == survey.id, SurveyResponse.state == ResponseState.SENT,
                        Answer.response_id >= first, Answer.response_id <= last))
        if wanted is not None:
            query = query.where(Answer.question_id.in_(sorted(wanted)))
        answers: dict[int, dict[int, object]] = {}
        for row in db.session.connection().execute(query.order_by(Answer.response_id, Answer.question_id)):
            answers.setdefault(row.response_id, {})[row.question_id] = row
        for response in page:
            given = answers.get(response.id, {})
            if _passes(given, filters, by_id):
                yield _Sent(response.sent_on, given)
        if len(page) < PAGE:
            return


def _passes(given: dict[int, object], filters: Filters, questions: dict[int, Question]) -> bool:
    for question_id, wanted in filters.items():
        row = given.get(question_id)
        question = questions.get(question_id)
        if row is None or question is None or row.value is None:
            return False
        if not question_type(question.kind).matches(question, row.value, wanted):
            return False
    return True


def _is_empty(row) -> bool:
    return row.value in (None, "", [], {}) and not row.has_place


class _Counting:
    """What `compute` gathers for one question while the responses stream past."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.kind = question_type(question.kind)
        self.tally = Tally()
        self.asked = 0
        self.comments: deque[str] = deque(maxlen=LISTED)
        self.commented = 0
        self.places: deque[tuple[int, float | None, str]] = deque(maxlen=LISTED)
        self.placed = 0

    def add(self, row) -> None:
        if row.comment:
            self.commented += 1
            self.comments.append(row.comment)
        if _is_empty(row):
            return
        self.tally.answered += 1
        self.kind.add(self.question, self.tally, row.value, None)
        if self.kind.is_map and row.has_place:
            self.placed += 1
            self.places.append((self.placed, row.value, row.comment))

    def result(self, total: int) -> QuestionResult:
        places = list(reversed(self.places))
        return QuestionResult(
            question=self.question, kind=self.kind, summary=self.kind.summary(self.question, self.tally, total),
            answered=self.tally.answered, asked=self.asked if self.question.condition_question_id else total,
            comments=list(reversed(self.comments)), more_comments=self.commented - len(self.comments),
            places=places, more_places=self.placed - len(places))


def compute(survey: Survey, filters: Filters | None = None) -> SurveyResults:
    """Every question's results over the sent responses that pass `filters`.

    A type's `add` gets no geometry here (the page does not draw it; a map answer's value is its measure):
    the places are read by `map_answers` for the map.
    """
    counting = {question.id: _Counting(question) for question in survey.questions}
    conditional = [c for c in counting.values() if c.question.condition_question_id is not None]
    days = Counter()
    total = 0
    for response in _sent_responses(survey, filters or {}):
        total += 1
        days[response.sent_on] += 1
        for question_id, row in response.answers.items():
            found = counting.get(question_id)
            if found is not None:
                found.add(row)
        if conditional:
            known = Known({question_id: row.value if row.value is not None else ("place" if row.has_place else "")
                           for question_id, row in response.answers.items()})
            for found in conditional:
                found.asked += known.shows(found.question)
    return SurveyResults(total=total, questions=[found.result(total) for found in counting.values()],
                         days=sorted((day, count) for day, count in days.items() if day is not None))


@dataclass
class MapAnswers:
    #: (number, measure, comment, geometry) in the order the responses were sent, numbered from 1.
    features: list[tuple[int, float | None, str, BaseGeometry]]
    #: Every map answer of the (filtered) responses, also those beyond the limit.
    matched: int
    #: The (filtered) responses, with or without a map answer.
    responses: int


def map_answers(survey: Survey, question: Question, filters: Filters | None = None,
                limit: int | None = None) -> MapAnswers:
    """The places, ways or areas given in answer to the map question `question`, at most `limit`
    (default `MOST_FEATURES`)."""
    filters = filters or {}
    limit = MOST_FEATURES if limit is None else limit
    features, matched, responses = [], 0, 0
    for response in _sent_responses(survey, filters, {question.id}, with_geometry=True):
        responses += 1
        row = response.answers.get(question.id)
        if row is None or row.geometry is None:
            continue
        matched += 1
        if matched <= limit:
            features.append((matched, row.value, row.comment, row.geometry))
    return MapAnswers(features, matched, responses)
