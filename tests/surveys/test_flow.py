"""A planner builds a survey with every question type through the builder; a resident answers it page by page."""
from __future__ import annotations

import json

from sqlalchemy import select

from participation.accounts.models import Role
from participation.extensions import db
from participation.surveys.models import Answer, Participation, Question, ResponseState, Survey, SurveyResponse
from participation.surveys.questions import all_types
from tests.conftest import csrf_token
from tests.surveys.conftest import EVERY_TYPE, send_last_page

SETTINGS_FIELDS = {
    "single": {"s_options": "On foot\nBy bike\nBy car"},
    "multiple": {"s_options": "Trees\nBenches\nShade\nWater", "s_min": "1", "s_max": "3"},
    "text": {"s_max_length": "500", "s_multiline": "y"},
    "number": {"s_min": "0", "s_max": "120", "s_unit": "min", "s_whole": "y"},
    "scale": {"s_points": "5", "s_low_label": "not at all", "s_high_label": "very"},
    "yesno": {},
    "ranking": {"s_options": "Safety\nQuiet\nGreen"},
    "matrix": {"s_rows": "the paving\nthe lighting", "s_columns": "poor\nfair\ngood"},
    "map_point": {"s_max_points": "2"},
    "map_line": {},
    "map_area": {},
}


def _survey(app, survey_id: int) -> Survey:
    return db.session.get(Survey, survey_id)


def test_planner_builds_and_resident_answers_every_type(app, client, town, create_project, create_user, login):
    project = create_project(town=town)
    planner = create_user(Role.PLANNER, towns=[town])
    login(planner)
    token = csrf_token(client, f"/{town.slug}/projekte/{project.id}/umfragen/neu")
    response = client.post(f"/{town.slug}/projekte/{project.id}/umfragen/neu", data={
        "csrf_token": token, "title": "Ways to the square", "intro": "Tell us.", "access": "account"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        survey_id, page_id = survey.id, survey.pages[0].id
    builder_url = f"/{town.slug}/umfragen/{survey_id}/bearbeiten"
    assert client.get(builder_url).status_code == 200
    for kind, text, _settings in EVERY_TYPE:
        url = f"/{town.slug}/umfragen/{survey_id}/seiten/{page_id}/fragen/neu?art={kind}"
        page = client.get(url)
        assert page.status_code == 200, kind
        data = {"csrf_token": token, "text": text, "required": "y" if kind == "single" else "", **SETTINGS_FIELDS[kind]}
        response = client.post(url, data=data)
        assert response.status_code == 302, (kind, __import__("re").findall(r"kern-error.*?</p>", response.get_data(as_text=True), __import__("re").S))
    with app.app_context():
        assert [q.kind for q in _survey(app, survey_id).questions] == [t.kind for t in all_types()]
    assert client.get(builder_url).status_code == 200
    assert client.get(f"/{town.slug}/umfragen/{survey_id}/vorschau/1").status_code == 200
    response = client.post(f"/{town.slug}/umfragen/{survey_id}/status", data={"csrf_token": token, "state": "open"})
    assert response.status_code == 302
    client.post("/konto/abmelden", data={"csrf_token": token})

    resident = create_user()
    login(resident)
    assert client.get(f"/{town.slug}/projekte/{project.id}").status_code == 200
    show = client.get(f"/{town.slug}/umfragen/{survey_id}")
    assert show.status_code == 200 and "Ways to the square" in show.get_data(as_text=True)
    token = csrf_token(client, f"/{town.slug}/umfragen/{survey_id}")
    response = client.post(f"/{town.slug}/umfragen/{survey_id}/beginnen", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/seite/1")
    page = client.get(f"/{town.slug}/umfragen/{survey_id}/seite/1")
    assert page.status_code == 200
    with app.app_context():
        q = {question.kind: question.id for question in _survey(app, survey_id).questions}
    # The required single choice missing: the page comes back with the error next to the question.
    refused = client.post(f"/{town.slug}/umfragen/{survey_id}/seite/1", data={"csrf_token": token, "aktion": "weiter"})
    assert refused.status_code == 400
    assert f'id="q{q["single"]}-error"' in refused.get_data(as_text=True)
    answers = {
        f"q{q['single']}": "2", f"q{q['multiple']}": ["1", "3"], f"q{q['text']}": "More shade, please.",
        f"q{q['number']}": "15", f"q{q['scale']}": "4", f"q{q['yesno']}": "yes",
        f"q{q['ranking']}-1": "2", f"q{q['ranking']}-2": "1", f"q{q['ranking']}-3": "3",
        f"q{q['matrix']}-1": "3", f"q{q['matrix']}-2": "1",
        f"q{q['map_point']}": json.dumps([[13.252, 53.551], [13.253, 53.552]]),
        f"q{q['map_line']}": json.dumps([[13.251, 53.551], [13.258, 53.553]]),
        f"q{q['map_area']}": json.dumps([[13.252, 53.551], [13.256, 53.551], [13.256, 53.553]]),
    }
    response = send_last_page(client, f"/{town.slug}/umfragen/{survey_id}/seite/1", {"csrf_token": token, **answers})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith("/danke")
    with app.app_context():
        sent = db.session.scalar(select(SurveyResponse))
        assert sent.state is ResponseState.SENT and sent.user_id is None and sent.token_hash == ""
        values = {db.session.get(Question, a.question_id).kind: a for a in db.session.scalars(select(Answer))}
        assert values["single"].value == "2" and values["multiple"].value == ["1", "3"]
        assert values["number"].value == 15 and values["scale"].value == 4 and values["ranking"].value == ["2", "1", "3"]
        assert values["matrix"].value == {"1": "3", "2": "1"}
        assert values["map_point"].geometry.geom_type == "MultiPoint" and values["map_point"].value == 2
        assert values["map_line"].value > 400 and values["map_area"].geometry.geom_type == "Polygon"
        assert db.session.get(Participation, (survey_id, resident.id)) is not None
        assert _survey(app, survey_id).responses_count == 1
    again = client.get(f"/{town.slug}/umfragen/{survey_id}")
    assert "Sie haben an dieser Umfrage teilgenommen" in again.get_data(as_text=True)
