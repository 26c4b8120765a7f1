"""The builder's rules and permissions: who may build, conditions look back, moves, refusals with a reason."""
from __future__ import annotations

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.surveys import builder
from participation.surveys.models import Question, Survey, SurveyState
from tests.conftest import csrf_token


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("resident", 403), ("other planner", 403),
                                         ("planner", 200)])
def test_who_may_build(app, client, town, create_project, create_survey, create_user, create_town, login, who,
                       status):
    survey_id = create_survey(project=create_project(town=town), state=SurveyState.DRAFT)
    if who == "resident":
        login(create_user())
    elif who == "other planner":
        login(create_user(Role.PLANNER, towns=[create_town()]))
    elif who == "planner":
        login(create_user(Role.PLANNER, towns=[town]))
    for path in (f"/{town.slug}/umfragen/{survey_id}/bearbeiten", f"/{town.slug}/umfragen/{survey_id}/karte"):
        assert client.get(path).status_code == status, path
    # A draft is nobody's business but the planners'; a preview neither.
    public = 200 if who == "planner" else 404
    assert client.get(f"/{town.slug}/umfragen/{survey_id}").status_code == public
    assert client.get(f"/{town.slug}/umfragen/{survey_id}/vorschau/1").status_code == public


def test_a_survey_of_another_town_is_not_found(app, client, town, create_town, create_project, create_survey,
                                               create_user, login):
    other = create_town()
    survey_id = create_survey(project=create_project(town=other))
    login(create_user(Role.PLANNER, towns=[town]))
    assert client.get(f"/{town.slug}/umfragen/{survey_id}/bearbeiten").status_code == 404
    assert client.get(f"/{town.slug}/umfragen/{survey_id}").status_code == 404


def test_survey_on_a_statute(app, client, town, create_statute, create_user, login):
    statute = create_statute(town=town)
    login(create_user(Role.PLANNER, towns=[town]))
    url = f"/{town.slug}/satzungen/{statute.id}/umfragen/neu"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "Plan survey",
                                      "access": "open"})
    assert response.status_code == 302
    with app.app_context():
        survey = db.session.scalar(db.select(Survey))
        assert survey.statute_id == statute.id and survey.project_id is None
    page = client.get(f"/{town.slug}/satzungen/{statute.id}")
    assert "Plan survey" in page.get_data(as_text=True)


def test_bad_settings_are_refused_with_a_reason(app, client, town, create_project, create_survey, create_user,
                                                login):
    survey_id = create_survey(project=create_project(town=town), kinds=["single"], demographic=False,
                              state=SurveyState.DRAFT)
    login(create_user(Role.PLANNER, towns=[town]))
    with app.app_context():
        page_id = db.session.get(Survey, survey_id).pages[0].id
    base = f"/{town.slug}/umfragen/{survey_id}/seiten/{page_id}/fragen/neu"
    token = csrf_token(client, f"{base}?art=multiple")
    for kind, data, field in (
        ("multiple", {"s_options": "Only one"}, "s_options"),
        ("multiple", {"s_options": "a\nb\nc", "s_min": "3", "s_max": "2"}, "s_min"),
        ("number", {"s_min": "10", "s_max": "1"}, "s_min"),
        ("scale", {"s_points": "40"}, "s_points"),
        ("matrix", {"s_rows": "one", "s_columns": "only"}, "s_columns"),
        ("ranking", {"s_options": "\n".join(str(n) for n in range(20))}, "s_options"),
    ):
        response = client.post(f"{base}?art={kind}", data={"csrf_token": token, "text": "Q", **data})
        assert response.status_code == 400, (kind, data)
        assert f'id="{field}-error"' in response.get_data(as_text=True), (kind, data)
    assert client.get(f"{base}?art=no-such-type").status_code == 404
    with app.app_context():
        assert len(db.session.get(Survey, survey_id).questions) == 1


def test_conditions_look_back_and_moves_drop_those_that_would_not(app, town, create_project, create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["single", "yesno", "text"],
                              demographic=False, state=SurveyState.DRAFT)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        single, text, yesno = survey.questions  # in EVERY_TYPE's order
        builder.move_question(text, +1)  # now single, yesno, text
        sources = builder.condition_sources(survey, text)
        assert [q.id for q in sources] == [single.id, yesno.id]  # not the free text itself
        assert builder.condition_sources(survey, single) == []
        builder.update_question(text, builder.QuestionData(text="Why?", condition_question_id=yesno.id,
                                                           condition_value="yes"))
        # Moving the condition's source below the question drops the condition (it must look back).
        builder.move_question(db.session.get(Question, yesno.id), +1)
        db.session.commit()
        text = db.session.get(Question, text.id)
        assert text.condition_question_id is None and text.condition_value == ""


def test_opening_needs_a_question_and_closing_discards_drafts(app, client, town, create_project, create_user,
                                                              login):
    project = create_project(town=town)
    login(create_user(Role.PLANNER, towns=[town]))
    url = f"/{town.slug}/projekte/{project.id}/umfragen/neu"
    token = csrf_token(client, url)
    client.post(url, data={"csrf_token": token, "title": "Empty", "access": "open"})
    with app.app_context():
        survey_id = db.session.scalar(db.select(Survey.id))
    refused = client.post(f"/{town.slug}/umfragen/{survey_id}/status", data={"csrf_token": token, "state": "open"},
                          follow_redirects=True)
    assert "Fügen Sie mindestens eine Frage hinzu" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Survey, survey_id).state is SurveyState.DRAFT
    assert client.post(f"/{town.slug}/umfragen/{survey_id}/status",
                       data={"csrf_token": token, "state": "nonsense"}).status_code == 400


def test_options_a_condition_depends_on_cannot_move_unseen(app, client, town, create_project, create_survey,
                                                          create_user, login):
    survey_id = create_survey(project=create_project(town=town), kinds=["single", "text"], demographic=False,
                              state=SurveyState.DRAFT)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        single, text = survey.questions
        builder.update_question(text, builder.QuestionData(text="Why by car?", condition_question_id=single.id,
                                                           condition_value="3"))
        db.session.commit()
        single_id = single.id
        with pytest.raises(builder.ConditionsBroken):  # "By car" would become the second option
            builder.update_question(single, builder.QuestionData(text=single.text, settings={
                "options": ["By bike", "By car", "On foot"]}))
        db.session.rollback()
        # Renaming other options, or adding one at the end, is fine.
        builder.update_question(db.session.get(Question, single_id), builder.QuestionData(
            text="How?", settings={"options": ["Walking", "Cycling", "By car", "Other"]}))
        db.session.commit()
    login(create_user(Role.PLANNER, towns=[town]))
    url = f"/{town.slug}/umfragen/{survey_id}/fragen/{single_id}"
    refused = client.post(url, data={"csrf_token": csrf_token(client, url), "text": "How?",
                                     "s_options": "By car\nWalking\nCycling\nOther"})
    assert refused.status_code == 400 and 'id="s_options-error"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Question, single_id).settings["options"][2] == "By car"
