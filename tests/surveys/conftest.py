"""Surveys for tests: one with every question type, and sent responses written straight to the database."""
from __future__ import annotations

from datetime import date

import pytest
from shapely.geometry import LineString, MultiPoint, Polygon

from participation.extensions import db
from participation.surveys import builder
from participation.surveys.models import (
    Access, Answer, Question, ResponseState, Survey, SurveyResponse, SurveyState,
)
from tests.conftest import town_today

#: (kind, text, settings) of a survey with every type, in the builder's order; questions as the tests' other files use them.
EVERY_TYPE = (
    ("single", "How do you get to the market?", {"options": ["On foot", "By bike", "By car"]}),
    ("multiple", "What is missing?", {"options": ["Trees", "Benches", "Shade", "Water"], "min": 1, "max": 3}),
    ("text", "What else?", {"max_length": 500, "multiline": True}),
    ("number", "How many minutes do you walk?", {"min": 0, "max": 120, "unit": "min", "whole": True}),
    ("scale", "How do you like the square?", {"points": 5, "low_label": "not at all", "high_label": "very"}),
    ("yesno", "Do you come by bike?", {}),
    ("ranking", "What matters most?", {"options": ["Safety", "Quiet", "Green"]}),
    ("matrix", "How do you rate …", {"rows": ["the paving", "the lighting"], "columns": ["poor", "fair", "good"]}),
    ("map_point", "Where do you cross the street?", {"max_points": 3}),
    ("map_line", "Which way do you walk?", {}),
    ("map_area", "Where is it too loud?", {}),
)


@pytest.fixture
def create_survey(app, create_project):
    """make(project=None, kinds=None, state=OPEN, access=ACCOUNT, demographic=True) -> survey id.

    One page per four questions; with `demographic`, a last page "About you" with an age group question.
    """
    def make(project=None, kinds=None, state: SurveyState = SurveyState.OPEN, access: Access = Access.ACCOUNT,
             demographic: bool = True, results_public: bool = False) -> int:
        project = project or create_project()
        with app.app_context():
            from participation.projects.models import Project

            subject = db.session.get(Project, project.id)
            survey = builder.create_survey(subject.municipality, subject, builder.SurveyData(
                title="Market square survey", intro="Tell us.", access=access, results_public=results_public), None)
            page = survey.pages[0]
            for number, (kind, text, settings) in enumerate(t for t in EVERY_TYPE if kinds is None or t[0] in kinds):
                if number and number % 4 == 0:
                    page = builder.add_page(survey, f"Page {number // 4 + 1}")
                builder.add_question(page, kind, builder.QuestionData(text=text, settings=settings))
            if demographic:
                page = builder.add_page(survey, "About you")
                builder.add_question(page, "single", builder.QuestionData(
                    text="Your age", demographic=True, settings={"options": ["under 30", "30 to 64", "65 or older"]}))
            survey.state = state
            db.session.commit()
            return survey.id
    return make


def question_by_kind(survey: Survey, kind: str) -> Question:
    return next(q for q in survey.questions if q.kind == kind)


#: A place, a way and an area inside the tests' project AREA (tests/conftest.py).
PLACES = {
    "map_point": MultiPoint([(13.252, 53.551)]),
    "map_line": LineString([(13.251, 53.551), (13.258, 53.553)]),
    "map_area": Polygon([(13.252, 53.551), (13.256, 53.551), (13.256, 53.553)]),
}


@pytest.fixture
def send_responses(app):
    """send(survey_id, answers, times=1, sent_on=None, channel=ACCOUNT): sent responses with `answers`
    ({question kind or id: value or (value, geometry) or (value, geometry, comment)}), written directly."""
    def send(survey_id: int, answers: dict, times: int = 1, sent_on: date | None = None,
             channel: Access = Access.ACCOUNT) -> list[int]:
        with app.app_context():
            survey = db.session.get(Survey, survey_id)
            ids = []
            for _ in range(times):
                response = SurveyResponse(survey_id=survey.id, channel=channel, state=ResponseState.SENT,
                                          sent_on=sent_on or town_today())
                for key, given in answers.items():
                    question = question_by_kind(survey, key) if isinstance(key, str) else db.session.get(Question, key)
                    value, geometry, comment = (tuple(given) + (None, ""))[:3] if isinstance(given, tuple) else (
                        given, None, "")
                    response.answers.append(Answer(question_id=question.id, value=value, geometry=geometry,
                                                   comment=comment or ""))
                db.session.add(response)
                survey.responses_count += 1
                db.session.flush()
                ids.append(response.id)
            db.session.commit()
            return ids
    return send


def send_last_page(client, url: str, data: dict):
    """Post the last page of a survey (as "Next") and send the answers from the review it leads to; the
    answer to the page's post when it does not lead there (a refusal), else the review's."""
    page = client.post(url, data={**data, "aktion": "weiter"})
    if page.status_code != 302 or not page.headers["Location"].split("?")[0].endswith("/pruefen"):
        return page
    return client.post(page.headers["Location"], data={"csrf_token": data["csrf_token"]})
