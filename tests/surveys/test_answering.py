"""Answering rules: once per account (also when two sends race), once per code, open surveys, drafts that
survive a reload, conditions, validation next to the field, addresses for map questions, nothing that
links a sent response to a person."""
from __future__ import annotations

import json
import threading

import pytest
from shapely.geometry import Point
from sqlalchemy import func, select

from participation.addresses.services import import_addresses
from participation.extensions import db
from participation.surveys import builder, responding
from participation.surveys.models import (
    Access, AccessCode, Answer, Participation, Question, ResponseState, Survey, SurveyResponse,
)
from tests.addresses.conftest import ROWS, write_csv
from tests.conftest import _CSRF, PASSWORD, csrf_token
from tests.surveys.conftest import send_last_page


def _q(app, survey_id: int) -> dict[str, int]:
    with app.app_context():
        return {q.kind: q.id for q in db.session.get(Survey, survey_id).questions if not q.demographic}


def _begin(client, town, survey_id: int, **data):
    token = csrf_token(client, f"/{town.slug}/umfragen/{survey_id}")
    response = client.post(f"/{town.slug}/umfragen/{survey_id}/beginnen", data={"csrf_token": token, **data})
    return response, token


def test_account_survey_needs_login_and_takes_one_response(app, client, town, create_project, create_survey,
                                                         create_user, login):
    survey_id = create_survey(project=create_project(town=town), kinds=["single"], demographic=False)
    response, _token = _begin(client, town, survey_id)
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    user = create_user()
    login(user)
    response, token = _begin(client, town, survey_id)
    assert response.headers["Location"].endswith("/seite/1")
    q = _q(app, survey_id)
    sent = send_last_page(client, f"/{town.slug}/umfragen/{survey_id}/seite/1", {"csrf_token": token, f"q{q['single']}": "1"})
    assert sent.headers["Location"].endswith("/danke")
    again, _token = _begin(client, town, survey_id)
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/umfragen/{survey_id}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
        response = db.session.scalar(select(SurveyResponse))
        # Nothing of the account stays with the response: no user, no secret, only the day.
        assert response.user_id is None and response.token_hash == "" and response.access_code_id is None
        assert db.session.get(Participation, (survey_id, user.id)) is not None


def test_two_drafts_of_one_account_send_only_once(app, town, create_project, create_survey, create_user):
    survey_id = create_survey(project=create_project(town=town), kinds=["single"], demographic=False)
    user = create_user()
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        from participation.accounts.models import User

        person = db.session.get(User, user.id)
        first, _ = responding.start(survey, person)
        second = SurveyResponse(survey_id=survey.id, channel=Access.ACCOUNT, user_id=person.id,
                                started_at=first.started_at)  # a second device that began before the first sent
        db.session.add(second)
        db.session.commit()
        responding.send(first, person)
        db.session.commit()
        with pytest.raises(responding.AlreadyAnswered):
            responding.send(second, person)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
            SurveyResponse.state == ResponseState.SENT)) == 1


def test_concurrent_sends_of_one_account_count_once(app, live_server, town, create_project, create_survey,
                                                   create_user):
    """Two browsers of one account press "send" at the same moment: one response counts, the other is told."""
    import requests

    survey_id = create_survey(project=create_project(town=town), kinds=["single"], demographic=False)
    user = create_user()
    q = _q(app, survey_id)
    sessions = []
    for _ in range(2):
        http = requests.Session()
        token = _CSRF.search(http.get(f"{live_server}/konto/anmelden").text).group(1)
        http.post(f"{live_server}/konto/anmelden", data={"email": user.email, "password": PASSWORD,
                                                       "csrf_token": token}, allow_redirects=False)
        token = _CSRF.search(http.get(f"{live_server}/{town.slug}/umfragen/{survey_id}").text).group(1)
        started = http.post(f"{live_server}/{town.slug}/umfragen/{survey_id}/beginnen", data={"csrf_token": token},
                            allow_redirects=False)
        assert started.status_code == 302
        sessions.append((http, token))
    results = []
    barrier = threading.Barrier(2)

    def send(http, token):
        page = http.post(f"{live_server}/{town.slug}/umfragen/{survey_id}/seite/1", allow_redirects=False,
                         data={"csrf_token": token, "aktion": "weiter", f"q{q['single']}": "2"})
        assert page.headers["Location"].endswith("/pruefen")
        barrier.wait()
        results.append(http.post(f"{live_server}/{town.slug}/umfragen/{survey_id}/pruefen", allow_redirects=False,
                                 data={"csrf_token": token}))

    threads = [threading.Thread(target=send, args=pair) for pair in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.status_code for r in results) == [302, 302]
    assert sum(r.headers["Location"].endswith("/danke") for r in results) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
            SurveyResponse.state == ResponseState.SENT)) == 1
        assert db.session.get(Survey, survey_id).responses_count == 1


def test_access_code_opens_once(app, client, town, create_project, create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["yesno"], demographic=False,
                              access=Access.CODE)
    with app.app_context():
        responding.make_codes(db.session.get(Survey, survey_id), 2)
        db.session.commit()
        code = db.session.scalar(select(AccessCode.code).limit(1))
    refused, _token = _begin(client, town, survey_id, code="AAAAA-AAAAA")
    assert refused.status_code == 400 and "unknown" in refused.get_data(as_text=True).lower() or \
        refused.status_code == 400
    typed = f" {code[:5].lower()}-{code[5:]} "  # as people type it from a letter
    response, token = _begin(client, town, survey_id, code=typed)
    assert response.headers["Location"].endswith("/seite/1")
    q = _q(app, survey_id)
    sent = send_last_page(client, f"/{town.slug}/umfragen/{survey_id}/seite/1", {"csrf_token": token, f"q{q['yesno']}": "no"})
    assert sent.headers["Location"].endswith("/danke")
    used, _token = _begin(client, town, survey_id, code=code)
    assert used.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(AccessCode).where(AccessCode.code == code)).used
        assert db.session.scalar(select(SurveyResponse)).access_code_id is None


def test_open_survey_without_account_and_draft_kept_across_reload(app, client, town, create_project,
                                                                 create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["single", "text", "number", "yesno", "scale"],
                              demographic=False, access=Access.OPEN)
    response, token = _begin(client, town, survey_id)
    assert response.headers["Location"].endswith("/seite/1")
    q = _q(app, survey_id)
    page_one = {"csrf_token": token, "aktion": "weiter", f"q{q['single']}": "3", f"q{q['text']}": "Trees!",
                f"q{q['number']}": "12", f"q{q['yesno']}": "yes"}
    assert client.post(f"/{town.slug}/umfragen/{survey_id}/seite/1", data=page_one).headers["Location"].endswith(
        "/seite/2")
    # A reload of the first page shows what was given; a new start carries on where the person was.
    again = client.get(f"/{town.slug}/umfragen/{survey_id}/seite/1").get_data(as_text=True)
    assert ">Trees!</textarea>" in again and 'value="12"' in again
    resumed, _token = _begin(client, town, survey_id)
    assert resumed.headers["Location"].endswith("/seite/2")


def test_invalid_answers_are_refused_next_to_the_field_and_kept(app, client, town, create_project, create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["number", "multiple", "text", "ranking"],
                              demographic=False, access=Access.OPEN)
    _response, token = _begin(client, town, survey_id)
    q = _q(app, survey_id)
    refused = client.post(f"/{town.slug}/umfragen/{survey_id}/seite/1", data={
        "csrf_token": token, "aktion": "weiter", f"q{q['number']}": "12,5 Minuten",
        f"q{q['multiple']}": ["1", "2", "3", "4"], f"q{q['text']}": "x" * 501,
        f"q{q['ranking']}-1": "1", f"q{q['ranking']}-2": "1"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    for kind in ("number", "multiple", "text", "ranking"):
        assert f'id="q{q[kind]}-error"' in html, kind
        assert f'href="#q{q[kind]}"' in html  # the summary links to the question
    assert 'value="12,5 Minuten"' in html  # shown again as sent, nothing lost
    assert 'aria-describedby="q' in html and 'aria-invalid="true"' in html


def test_condition_hides_and_drops_answers(app, client, town, create_project, create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["single"], demographic=False,
                              access=Access.OPEN)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        single = survey.questions[0]
        page = builder.add_page(survey, "Car")
        follow = builder.add_question(page, "text", builder.QuestionData(
            text="Why by car?", required=True, condition_question_id=single.id, condition_value="3"))
        db.session.commit()
        single_id, follow_id = single.id, follow.id
    _response, token = _begin(client, town, survey_id)
    # "By bike": the car page is skipped and its required question does not hold the response back.
    response = send_last_page(client, f"/{town.slug}/umfragen/{survey_id}/seite/1",
                              {"csrf_token": token, f"q{single_id}": "2"})
    assert response.headers["Location"].endswith("/danke")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.question_id == follow_id)) == 0


def test_map_question_by_typed_addresses(app, client, town, create_project, create_survey, tmp_path):
    survey_id = create_survey(project=create_project(town=town), kinds=["map_point", "map_line"], demographic=False,
                              access=Access.OPEN)
    with app.app_context():
        from participation.municipalities.models import Municipality

        import_addresses(db.session.get(Municipality, town.id), write_csv(tmp_path / "a.csv", ROWS))
        db.session.commit()
    _response, token = _begin(client, town, survey_id)
    q = _q(app, survey_id)
    refused = client.post(f"/{town.slug}/umfragen/{survey_id}/seite/1", data={
        "csrf_token": token, "aktion": "weiter", f"q{q['map_point']}-addresses": "Nowhere Lane 99"})
    assert refused.status_code == 400 and "Nowhere Lane 99" in refused.get_data(as_text=True)
    sent = send_last_page(client, f"/{town.slug}/umfragen/{survey_id}/seite/1", {"csrf_token": token, f"q{q['map_point']}-addresses": "Hauptstraße 1",
        f"q{q['map_line']}-addresses": "Hauptstraße 1\nSchulstraße 2"})
    assert sent.headers["Location"].endswith("/danke"), sent.get_data(as_text=True)[:2000]
    with app.app_context():
        answers = {a.question_id: a for a in db.session.scalars(select(Answer))}
        assert list(answers[q["map_point"]].geometry.geoms) == [Point(13.254, 53.552)]
        assert answers[q["map_line"]].geometry.geom_type == "LineString"


def test_places_outside_the_town_and_broken_coordinates_are_refused(app, client, town, create_project,
                                                                    create_survey):
    from shapely.geometry import MultiPolygon, Polygon

    with app.app_context():
        from participation.municipalities.models import Municipality

        db.session.get(Municipality, town.id).boundary = MultiPolygon(
            [Polygon([(13.2, 53.5), (13.3, 53.5), (13.3, 53.6), (13.2, 53.6)])])
        db.session.commit()
    survey_id = create_survey(project=create_project(town=town), kinds=["map_point", "map_area"], demographic=False,
                              access=Access.OPEN)
    _response, token = _begin(client, town, survey_id)
    q = _q(app, survey_id)
    for field, value in ((f"q{q['map_point']}", json.dumps([[10.0, 50.0]])),
                         (f"q{q['map_point']}", "not json"),
                         (f"q{q['map_area']}", json.dumps([[13.25, 53.55], [13.26, 53.56], [13.26, 53.55], [13.25, 53.56]])),
                         # Last, since it is taken and sends the response (one page): two places of at most three.
                         (f"q{q['map_point']}", json.dumps([[13.25, 53.55], [13.251, 53.55]]))):
        response = client.post(f"/{town.slug}/umfragen/{survey_id}/seite/1",
                               data={"csrf_token": token, "aktion": "weiter", field: value})
        if value.startswith("[[13.25, 53.55], [13.251"):
            assert response.status_code == 302
        else:
            assert response.status_code == 400, value
            assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_questions_lock_once_answered_and_a_new_version_copies_them(app, town, create_project, create_survey,
                                                                  send_responses):
    survey_id = create_survey(project=create_project(town=town))
    send_responses(survey_id, {"single": "1"})
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        question = survey.questions[0]
        with pytest.raises(builder.QuestionsLocked):
            builder.update_question(question, builder.QuestionData(text="Changed"))
        with pytest.raises(builder.QuestionsLocked):
            builder.add_page(survey)
        copy = builder.new_version(survey, None)
        db.session.commit()
        assert copy.version == 2 and copy.previous_id == survey.id
        assert [(q.kind, q.text, q.settings) for q in copy.questions] == [
            (q.kind, q.text, q.settings) for q in survey.questions]
        builder.update_question(copy.questions[0], builder.QuestionData(text="Changed", settings={
            "options": ["a", "b"]}))
        builder.set_state(copy, survey.state.__class__.OPEN, None)
        db.session.commit()
        assert survey.state.value == "closed" and copy.state.value == "open"
        assert db.session.scalar(select(func.count()).select_from(Question).where(
            Question.survey_id == survey.id, Question.text == "Changed")) == 0


def test_a_sent_response_is_a_new_row_without_time_and_the_draft_is_gone(app, town, create_project,
                                                                        create_survey, create_user):
    survey_id = create_survey(project=create_project(town=town), kinds=["yesno"], demographic=False)
    user = create_user()
    with app.app_context():
        from participation.accounts.models import User

        survey = db.session.get(Survey, survey_id)
        changed = survey.updated_at
        draft, _token = responding.start(survey, db.session.get(User, user.id))
        draft_id = draft.id
        db.session.add(Answer(response_id=draft_id, question_id=survey.questions[0].id, value="yes"))
        db.session.commit()
        sent = responding.send(draft, user)
        db.session.commit()
        assert sent.id != draft_id and db.session.get(SurveyResponse, draft_id) is None
        assert sent.started_at is None and sent.user_id is None and sent.access_code_id is None
        assert [a.value for a in sent.answers] == ["yes"]
        assert db.session.get(Survey, survey_id).updated_at == changed  # no time of the latest response


def test_hidden_answers_are_not_sent_even_with_a_comment(app, client, town, create_project, create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["yesno", "text"], demographic=False,
                              access=Access.OPEN)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        yesno, text = survey.questions
        builder.update_question(text, builder.QuestionData(text="Why?", with_comment=True, settings=text.settings,
                                                           condition_question_id=yesno.id, condition_value="yes"))
        db.session.commit()
        yesno_id, text_id = yesno.id, text.id
    _response, token = _begin(client, town, survey_id)
    url = f"/{town.slug}/umfragen/{survey_id}/seite/1"
    client.post(url, data={"csrf_token": token, "aktion": "zurueck", f"q{yesno_id}": "yes",
                           f"q{text_id}": "secret text", f"q{text_id}-comment": "and a comment"})
    sent = send_last_page(client, url, {"csrf_token": token, f"q{yesno_id}": "no",
                                  f"q{text_id}": "secret text", f"q{text_id}-comment": "and a comment"})
    assert sent.headers["Location"].endswith("/danke")
    with app.app_context():
        assert [a.question_id for a in db.session.scalars(select(Answer))] == [yesno_id]


def test_a_page_hidden_by_a_changed_answer_leads_back_not_round(app, client, town, create_project, create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["yesno"], demographic=False,
                              access=Access.OPEN)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        page = builder.add_page(survey, "Bike")
        builder.add_question(page, "text", builder.QuestionData(text="Where?", condition_question_id=survey.questions[0].id,
                                                                condition_value="yes"))
        db.session.commit()
        yesno_id = survey.questions[0].id
    _response, token = _begin(client, town, survey_id)
    client.post(f"/{town.slug}/umfragen/{survey_id}/seite/1",
                data={"csrf_token": token, "aktion": "weiter", f"q{yesno_id}": "yes"})
    client.post(f"/{town.slug}/umfragen/{survey_id}/seite/1",
                data={"csrf_token": token, "aktion": "zurueck", f"q{yesno_id}": "no"})
    hidden = client.get(f"/{town.slug}/umfragen/{survey_id}/seite/2")
    assert hidden.status_code == 302 and hidden.headers["Location"].endswith("/seite/1")


def test_a_too_long_comment_is_refused_not_cut(app, client, town, create_project, create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["yesno"], demographic=False,
                              access=Access.OPEN)
    with app.app_context():
        question = db.session.get(Survey, survey_id).questions[0]
        builder.update_question(question, builder.QuestionData(text="Bike?", with_comment=True))
        db.session.commit()
        question_id = question.id
    _response, token = _begin(client, town, survey_id)
    refused = send_last_page(client, f"/{town.slug}/umfragen/{survey_id}/seite/1", {"csrf_token": token, f"q{question_id}": "yes",
        f"q{question_id}-comment": "line\r\n" * 402})  # 2 009 characters once each line break is one
    assert refused.status_code == 400 and f'id="q{question_id}-error"' in refused.get_data(as_text=True)
    assert ">line\nline" in refused.get_data(as_text=True).replace("\r\n", "\n")  # kept as sent


def test_a_deeply_nested_map_answer_is_refused_not_a_crash(app, client, town, create_project, create_survey):
    survey_id = create_survey(project=create_project(town=town), kinds=["map_point"], demographic=False,
                              access=Access.OPEN)
    _response, token = _begin(client, town, survey_id)
    q = _q(app, survey_id)
    for sent in ("[" * 5000, "[[" + "1," * 20000 + "1]]"):
        response = client.post(f"/{town.slug}/umfragen/{survey_id}/seite/1",
                               data={"csrf_token": token, "aktion": "weiter", f"q{q['map_point']}": sent})
        assert response.status_code == 400


def test_versions_share_codes_and_once_per_account(app, client, town, create_project, create_survey, create_user,
                                                   send_responses, login):
    survey_id = create_survey(project=create_project(town=town), kinds=["yesno"], demographic=False)
    user = create_user()
    with app.app_context():
        from participation.accounts.models import User

        survey = db.session.get(Survey, survey_id)
        person = db.session.get(User, user.id)
        draft, _token = responding.start(survey, person)
        db.session.add(Answer(response_id=draft.id, question_id=survey.questions[0].id, value="yes"))
        db.session.commit()
        responding.send(draft, person)
        db.session.commit()
        survey = db.session.get(Survey, survey_id)
        second = builder.new_version(survey, None)
        with pytest.raises(builder.NewerVersion):
            builder.new_version(survey, None)  # only the newest version gets a newer one
        builder.set_state(second, survey.state.__class__.OPEN, None)
        db.session.commit()
        assert second.series == survey_id and responding.has_participated(second, person)
        with pytest.raises(responding.AlreadyAnswered):
            responding.start(second, person)
        with pytest.raises(builder.NewerVersion):
            builder.set_state(db.session.get(Survey, survey_id), survey.state.__class__.OPEN, None)
    login(user)
    old = client.get(f"/{town.slug}/umfragen/{survey_id}").get_data(as_text=True)
    assert f"/umfragen/{second.id}" in old  # the letter's address leads to the open version
