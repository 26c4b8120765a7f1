"""The demo's surveys: every question type, and generated responses that the types themselves would take."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from participation.accounts.models import User
from participation.demo.surveys import HOUSING_TITLE, TRAFFIC_TITLE, load_surveys
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.permissions import local_today
from participation.surveys.models import (
    Access, AccessCode, Answer, ResponseState, Survey, SurveyResponse, SurveyState,
)
from participation.surveys.permissions import can_see_results
from participation.surveys.questions import Reading, kinds, question_type


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def survey_titled(title: str) -> Survey:
    return db.session.scalar(select(Survey).where(Survey.title == title))


def responses_of(survey: Survey) -> dict[int, dict[int, Answer]]:
    """{response id: {question id: answer}} of every response to `survey`."""
    found = {response_id: {} for response_id in db.session.scalars(
        select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id))}
    for answer in db.session.scalars(select(Answer).join(SurveyResponse).where(SurveyResponse.survey_id == survey.id)):
        found[answer.response_id][answer.question_id] = answer
    return found


def posted(question, answer: Answer) -> MultiDict:
    """The form that would have given `answer`, in the fields the question's template posts."""
    name, value = f"q{question.id}", answer.value
    kind = question_type(question.kind)
    if kind.is_map:
        return MultiDict({name: kind.form_value(question, value, answer.geometry)})
    if question.kind == "multiple":
        return MultiDict([(name, key) for key in value])
    if question.kind == "ranking":
        return MultiDict({f"{name}-{key}": str(rank) for key, rank in kind.form_value(question, value, None).items()})
    if question.kind == "matrix":
        return MultiDict({f"{name}-{row}": step for row, step in value.items()})
    return MultiDict({name: str(value)})


def check_answers(survey: Survey, area, measured_every: int = 4) -> dict[int, dict[int, Answer]]:
    """Every answer read back by its question's type gives the same value (and place, inside `area`);
    conditions hold both ways: hidden questions have no answer, shown required ones have one.

    Reading back a way or an area measures it, which takes milliseconds: every `measured_every`-th of
    those is read back, the others are only checked to lie inside `area`."""
    questions = {question.id: question for question in survey.questions}
    responses = responses_of(survey)
    drawn = 0
    for answers in responses.values():
        for question_id, answer in answers.items():
            question = questions[question_id]
            kind = question_type(question.kind)
            if question.kind in ("map_line", "map_area"):
                drawn += 1
                assert area.contains(answer.geometry)
                if drawn % measured_every:
                    continue
            read = kind.read(question, Reading(form=posted(question, answer), name=f"q{question.id}",
                                               allows_place=area.contains))
            assert read.value == answer.value, (question.text, answer.value)
            assert (read.geometry is None) == (answer.geometry is None)
            if answer.geometry is not None:
                assert read.geometry.equals(answer.geometry)
            if answer.comment:
                assert question.with_comment
        for question in survey.questions:
            source = questions.get(question.condition_question_id)
            shown = source is None or (source.id in answers and question_type(source.kind).matches(
                source, answers[source.id].value, question.condition_value))
            if not shown:
                assert question.id not in answers, question.text
            elif question.required:
                assert question.id in answers, question.text
    return responses


def test_the_open_demo_survey_has_every_type_and_answers_the_types_would_take(app, demo):
    with app.app_context():
        survey = survey_titled(TRAFFIC_TITLE)
        project = survey.project
        assert (survey.state, survey.access, survey.results_public) == (SurveyState.OPEN, Access.OPEN, True)
        assert project.title == "Neugestaltung Marktplatz" and project.phase.value == "participation"
        assert set(kinds()) <= {question.kind for question in survey.questions}
        assert 3 <= len(survey.pages) <= 5 and survey.pages[-1].title == "Über Sie (freiwillig)"
        assert all(question.demographic for question in survey.pages[-1].questions)
        assert any(q.condition_question_id for q in survey.questions)
        assert any(q.required for q in survey.questions) and any(q.with_comment for q in survey.questions)
        assert [item.layer_id for item in survey.map.layers] == [item.layer_id for item in project.map.layers] != []

        sent = db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)).all()
        assert survey.responses_count == len(sent) == 320
        assert {(r.state, r.channel, r.token_hash, r.user_id) for r in sent} == {
            (ResponseState.SENT, Access.OPEN, "", None)}
        today = local_today(app.config["TIME_ZONE"])
        days = {response.sent_on for response in sent}
        assert len(days) >= 14 and min(days) >= today - timedelta(days=21) and max(days) <= today

        responses = check_answers(survey, project.area)
        by_text = {question.text: question for question in survey.questions}
        for question in survey.questions:
            assert db.session.scalar(select(func.count(Answer.id)).where(Answer.question_id == question.id)), question

        demographic = {question.id for question in survey.questions if question.demographic}
        told = sum(1 for answers in responses.values() if demographic & set(answers))
        assert 0.6 <= told / len(responses) <= 0.8

        # Not uniform: the young cycle more than the old.
        mode, age = by_text["Wie kommen Sie meistens in die Innenstadt?"], by_text["Wie alt sind Sie?"]
        by_age = {group: Counter(answers[mode.id].value for answers in responses.values()
                                 if age.id in answers and answers[age.id].value in group)
                  for group in (("1", "2"), ("5", "6"))}
        young, old = by_age[("1", "2")], by_age[("5", "6")]
        assert young["2"] / young.total() > 2 * old["2"] / old.total()
        texts = db.session.scalars(select(Answer.value).where(
            Answer.question_id == by_text["Was möchten Sie uns sonst noch mitgeben?"].id)).all()
        assert len(texts) >= 20 and len(set(texts)) >= 10


def test_the_closed_demo_survey_has_public_results_and_loading_again_adds_nothing(app, demo):
    with app.app_context():
        survey = survey_titled(HOUSING_TITLE)
        assert (survey.state, survey.access, survey.results_public) == (SurveyState.CLOSED, Access.CODE, True)
        assert can_see_results(AnonymousUserMixin(), survey)
        assert survey.responses_count == 60
        check_answers(survey, survey.project.area, measured_every=1)
        assert db.session.scalar(select(func.count(AccessCode.id)).where(
            AccessCode.survey_id == survey.id, AccessCode.used.is_(True))) == 60
        assert db.session.scalar(select(func.count(AccessCode.id)).where(AccessCode.survey_id == survey.id)) > 60
        assert {channel for channel in db.session.scalars(
            select(SurveyResponse.channel).where(SurveyResponse.survey_id == survey.id))} == {Access.CODE}

        counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (Survey, SurveyResponse, Answer)]
        town = db.session.scalar(select(Municipality).where(Municipality.slug == "musterstadt"))
        load_surveys(town, db.session.scalar(select(User).where(User.email == "planung@demo.invalid")))
        db.session.commit()
        assert [db.session.scalar(select(func.count()).select_from(model))
                for model in (Survey, SurveyResponse, Answer)] == counts
