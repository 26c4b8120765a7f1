"""A survey's results: counts and shares per question type, demographic filters, who may see them, the
GeoJSON of a map question and the page that shows it all."""
from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

import pytest
from shapely.geometry import MultiPoint

from participation.accounts.models import Role
from participation.charts import bar_chart, fluid_column_chart
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.surveys import results
from participation.surveys.models import (
    Access, Answer, ResponseState, Survey, SurveyResponse, SurveyState,
)
from tests.surveys.conftest import PLACES, question_by_kind

SVG = "{http://www.w3.org/2000/svg}"

#: Three alike and one other response to the survey with every type.
FIRST = {"single": "1", "multiple": ["1", "3"], "text": "More shade, please", "number": 10, "scale": 4,
         "yesno": "yes", "ranking": ["2", "1", "3"], "matrix": {"1": "3", "2": "1"},
         "map_point": (1.0, PLACES["map_point"], "I cross here"), "map_line": (530.0, PLACES["map_line"]),
         "map_area": (40_000.0, PLACES["map_area"], "Too loud")}
SECOND = {"single": "2", "multiple": ["3"], "number": 30, "scale": 2, "yesno": "no", "ranking": ["1", "2", "3"],
          "matrix": {"1": "1"}}


def _url(town_slug: str, survey_id: int, *, geojson: int | None = None, **args) -> str:
    url = f"/{town_slug}/umfragen/{survey_id}/ergebnisse"
    if geojson is not None:
        url += f"/orte/{geojson}.geojson"
    if args:
        url += "?" + "&".join(f"{key}={value}" for key, value in args.items())
    return url


def _age(app, survey_id: int) -> int:
    with app.app_context():
        return next(q.id for q in db.session.get(Survey, survey_id).questions if q.demographic)


def _add_draft(app, survey_id: int, answers: dict) -> None:
    """A draft response (not sent): it must never count."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        draft = SurveyResponse(survey_id=survey_id, channel=Access.ACCOUNT, state=ResponseState.DRAFT,
                               started_at=utcnow())
        for kind, value in answers.items():
            draft.answers.append(Answer(question_id=question_by_kind(survey, kind).id, value=value))
        db.session.add(draft)
        db.session.commit()


@pytest.fixture
def every_type(app, create_project, town, create_survey, send_responses):
    """A closed survey with public results, every question type and four sent responses (and a draft)."""
    project = create_project(town=town)
    survey_id = create_survey(project=project, state=SurveyState.CLOSED, results_public=True)
    send_responses(survey_id, FIRST, times=3)
    send_responses(survey_id, SECOND)
    _add_draft(app, survey_id, {"single": "3", "number": 99, "yesno": "no"})
    return survey_id


def test_each_type_is_counted_with_its_shares_and_drafts_never(app, every_type):
    with app.app_context():
        found = results.compute(db.session.get(Survey, every_type))
    by_kind = {r.question.kind: r for r in found.questions if not r.question.demographic}
    assert found.total == 4 and [count for _day, count in found.days] == [4]
    assert by_kind["single"].summary["rows"] == [("On foot", 3, 0.75), ("By bike", 1, 0.25), ("By car", 0, 0.0)]
    multiple = {label: (count, share) for label, count, share in by_kind["multiple"].summary["rows"]}
    assert multiple == {"Trees": (3, 0.75), "Benches": (0, 0.0), "Shade": (4, 1.0), "Water": (0, 0.0)}
    assert [row[1:] for row in by_kind["yesno"].summary["rows"]] == [(3, 0.75), (1, 0.25)]
    scale = by_kind["scale"].summary
    assert scale["mean"] == 3.5 and [row[1] for row in scale["rows"]] == [0, 1, 0, 3, 0]
    assert by_kind["number"].summary["figures"] == {"min": 10, "median": 10, "mean": 15, "max": 30}
    assert sum(count for _low, _high, count in by_kind["number"].summary["histogram"]) == 4
    ranking = by_kind["ranking"].summary["ranking"]
    assert [(row["label"], row["mean"], row["first"], row["ranked"]) for row in ranking] == [
        ("Quiet", 1.25, 3, 4), ("Safety", 1.75, 1, 4), ("Green", 3.0, 0, 4)]
    paving, lighting = by_kind["matrix"].summary["table"]
    assert paving["counts"] == [1, 0, 3] and paving["shares"] == [0.25, 0.0, 0.75] and paving["answered"] == 4
    assert lighting["counts"] == [3, 0, 0] and lighting["answered"] == 3
    text = by_kind["text"]
    assert text.answered == 3 and text.summary["texts"] == ["More shade, please"] * 3 and text.summary["more"] == 0
    point = by_kind["map_point"]
    assert point.answered == 3 and point.summary["mean_measure"] == 1.0
    assert point.places == [(3, 1.0, "I cross here"), (2, 1.0, "I cross here"), (1, 1.0, "I cross here")]
    assert by_kind["map_area"].summary["mean_measure"] == 40_000.0 and by_kind["map_line"].places[0][2] == ""
    assert all(r.asked == 4 for r in found.questions)


def test_results_are_read_a_page_of_responses_at_a_time(app, monkeypatch, create_survey, send_responses):
    """Across page boundaries nothing is lost or counted twice (5 responses in pages of 2)."""
    monkeypatch.setattr(results, "PAGE", 2)
    survey_id = create_survey(kinds=("number",), state=SurveyState.CLOSED)
    for number in (1, 2, 3, 4, 5):
        send_responses(survey_id, {"number": number})
    with app.app_context():
        found = results.compute(db.session.get(Survey, survey_id))
    assert found.total == 5 and found.questions[0].summary["figures"]["mean"] == 3


def test_conditions_and_comments(app, create_survey, send_responses):
    survey_id = create_survey(kinds=("yesno", "number"), state=SurveyState.CLOSED)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        number, yesno = question_by_kind(survey, "number"), question_by_kind(survey, "yesno")
        number.condition_question_id, number.condition_value = yesno.id, "yes"
        yesno.with_comment = True
        db.session.commit()
    send_responses(survey_id, {"yesno": ("yes", None, "first"), "number": 5}, times=2)
    send_responses(survey_id, {"yesno": ("no", None, "second")})
    send_responses(survey_id, {})
    with app.app_context():
        found = {r.question.kind: r for r in results.compute(db.session.get(Survey, survey_id)).questions}
    assert found["number"].asked == 2 and found["number"].answered == 2 and found["yesno"].asked == 4
    assert found["yesno"].comments == ["second", "first", "first"] and found["yesno"].more_comments == 0


def test_a_demographic_filter_counts_only_that_group(app, every_type, send_responses):
    age = _age(app, every_type)
    send_responses(every_type, {"single": "3", age: "1"}, times=2)
    send_responses(every_type, {"single": "1", age: "2"})
    with app.app_context():
        survey = db.session.get(Survey, every_type)
        assert results.read_filters(survey, {f"d{age}": "1", "d999": "1"}) == {age: "1"}
        assert results.read_filters(survey, {f"d{age}": "7"}) == {}  # not an option
        young = results.compute(survey, {age: "1"})
        middle = results.compute(survey, {age: "2"})
        everyone = results.compute(survey)
    single = next(r for r in young.questions if r.question.kind == "single")
    assert young.total == 2 and single.summary["rows"][2] == ("By car", 2, 1.0)
    assert middle.total == 1 and everyone.total == 7


def test_the_public_sees_no_small_group_but_planners_do(app, client, login, create_user, town, every_type,
                                                        send_responses):
    age = _age(app, every_type)
    send_responses(every_type, {"single": "3", age: "1"}, times=2)
    page = client.get(_url(town.slug, every_type, **{f"d{age}": 1}))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "survey-result\"" not in html and "class=\"kern-alert kern-alert--info\"" in html
    assert "data-response-count" not in html  # not even how small the group is
    places = client.get(_url(town.slug, every_type, geojson=_map_question(app, every_type), **{f"d{age}": 1})).json
    assert places["withheld"] is True and places["features"] == []
    login(create_user(Role.PLANNER, towns=[town]))
    html = client.get(_url(town.slug, every_type, **{f"d{age}": 1})).get_data(as_text=True)
    assert "kern-alert--info" not in html and html.count('class="survey-result"') == 12


def _map_question(app, survey_id: int, kind: str = "map_point") -> int:
    with app.app_context():
        return question_by_kind(db.session.get(Survey, survey_id), kind).id


# -- who may see them -----------------------------------------------------------------------------------

#: (state, results public) -> status for (anonymous, resident, planner of the town, planner of another town)
CASES = [
    (SurveyState.DRAFT, True, (404, 404, 200, 404)),
    (SurveyState.OPEN, False, (403, 403, 200, 403)),
    (SurveyState.OPEN, True, (403, 403, 200, 403)),
    (SurveyState.CLOSED, False, (403, 403, 200, 403)),
    (SurveyState.CLOSED, True, (200, 200, 200, 200)),
]


@pytest.mark.parametrize("who", range(4), ids=["anonymous", "resident", "planner", "other-planner"])
@pytest.mark.parametrize(("state", "public", "expected"), CASES,
                         ids=[f"{state.value}-{'public' if public else 'private'}" for state, public, _e in CASES])
def test_who_sees_the_results(app, client, login, create_user, create_town, create_project, town, create_survey,
                              send_responses, state, public, expected, who):
    survey_id = create_survey(project=create_project(town=town), state=state, results_public=public,
                              kinds=("single", "map_point"))
    send_responses(survey_id, {"single": "1", "map_point": (1.0, PLACES["map_point"])})
    if who:
        login(create_user(Role.RESIDENT) if who == 1 else
              create_user(Role.PLANNER, towns=[town if who == 2 else create_town()]))
    page = client.get(_url(town.slug, survey_id))
    assert page.status_code == expected[who]
    places = client.get(_url(town.slug, survey_id, geojson=_map_question(app, survey_id)))
    assert places.status_code == expected[who]
    if expected[who] == 403:
        assert "results" in page.get_data(as_text=True).lower() or "ergebnisse" in page.get_data(as_text=True).lower()


def test_unknown_surveys_and_those_of_other_towns_are_not_found(client, create_town, town, create_project,
                                                                create_survey, planner):
    survey_id = create_survey(project=create_project(town=town), state=SurveyState.CLOSED, results_public=True)
    other = create_town()
    assert client.get(_url(other.slug, survey_id)).status_code == 404
    assert client.get(_url(town.slug, survey_id + 1000)).status_code == 404
    assert client.get(_url("no-such-town", survey_id)).status_code == 404


# -- the GeoJSON of a map question ------------------------------------------------------------------------

def test_the_geojson_holds_each_map_answer_numbered_with_its_comment(app, client, town, every_type):
    for kind, geometry_type in (("map_point", "MultiPoint"), ("map_line", "LineString"), ("map_area", "Polygon")):
        answer = client.get(_url(town.slug, every_type, geojson=_map_question(app, every_type, kind)))
        assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
        data = answer.json
        assert data["type"] == "FeatureCollection" and data["numberMatched"] == data["numberReturned"] == 3
        assert data["truncated"] is False and data["withheld"] is False
        assert [f["properties"]["number"] for f in data["features"]] == [1, 2, 3]
        assert {f["geometry"]["type"] for f in data["features"]} == {geometry_type}
    first = data["features"][0]
    assert first["properties"]["comment"] == "Too loud" and first["properties"]["label"] == "4 ha"
    assert first["geometry"]["coordinates"][0][0] == [13.252, 53.551]


def test_the_geojson_follows_the_filter_and_its_limit(app, client, monkeypatch, town, every_type, send_responses,
                                                      create_user, login):
    age = _age(app, every_type)
    somewhere = MultiPoint([(13.255, 53.552), (13.256, 53.552)])
    send_responses(every_type, {"map_point": (2.0, somewhere, "group"), age: "3"}, times=5)
    url = _url(town.slug, every_type, geojson=_map_question(app, every_type), **{f"d{age}": 3})
    # The public sees no places of a group: they could be told apart from the whole's.
    assert client.get(url).json["withheld"] is True and client.get(url).json["features"] == []
    login(create_user(Role.PLANNER, towns=[town]))
    data = client.get(url).json
    assert data["numberMatched"] == 5 and {f["properties"]["comment"] for f in data["features"]} == {"group"}
    assert re.fullmatch(r"2 \w+", data["features"][0]["properties"]["label"])  # "2 Orte"
    monkeypatch.setattr(results, "MOST_FEATURES", 2)
    data = client.get(url).json
    assert data["truncated"] is True and data["numberReturned"] == 2 and data["numberMatched"] == 5
    assert client.get(_url(town.slug, every_type, geojson=_map_question(app, every_type, "text"))).status_code == 404


# -- the page ---------------------------------------------------------------------------------------------

def test_the_page_shows_every_type_with_charts_tables_and_maps(app, client, town, every_type, send_responses):
    send_responses(every_type, {"text": "<script>alert(1)</script>"}, sent_on=date(2020, 1, 2))
    page = client.get(_url(town.slug, every_type))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with app.app_context():
        survey = db.session.get(Survey, every_type)
        texts = [q.text for q in survey.questions]
    for number, text in enumerate(texts, start=1):
        assert f"{number}. {text.replace('…', '&hellip;')}" in html or f"{number}. {text}" in html
    assert "Market square survey" in html and re.search(r"data-response-count>5 \w+", html)
    # bars for single, multiple, scale, yes/no (the age group has no answer); a histogram; responses per month
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" width="100%"[^>]*role="img" aria-label="[^"]+"', html)
    assert len(charts) == 6
    assert "75,0 %" in html and "3,5" in html  # a share, the scale's mean
    assert "Quiet" in html and "1,25" in html  # ranking by mean rank
    assert "3 (75,0 %)" in html  # matrix cell
    assert html.count("data-results-map") == 3 and html.count('value="heat"') == 3
    assert "I cross here" in html and "Too loud" in html and "530 m" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "More shade, please" in html
    assert '<time datetime="2020-01-01">' in html  # the table of responses per month
    assert 'name="d' in html  # the filter form


def test_scripts_and_the_heat_map_are_served_by_the_app(client, town, every_type):
    html = client.get(_url(town.slug, every_type)).get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    for path, holds in (("/static/vendor/leaflet.heat/leaflet-heat.js", b"L.heatLayer"),
                        ("/static/js/survey-results.js", b"L.heatLayer("), ("/static/vendor/leaflet/leaflet.js", b"Leaflet")):
        assert path in sources
        served = client.get(path)
        assert served.status_code == 200 and holds in served.data
        served.close()
    assert "https://" not in re.sub(r"<a [^>]*>", "", html.split("</head>")[0])


def test_a_survey_without_responses_says_so(client, town, create_project, create_survey, planner):
    survey_id = create_survey(project=create_project(town=town), state=SurveyState.OPEN)
    html = client.get(_url(town.slug, survey_id)).get_data(as_text=True)
    assert re.search(r"data-response-count>0 \w+", html) and "data-results-map" not in html and "leaflet-heat.js" not in html


# -- the charts -------------------------------------------------------------------------------------------

def test_a_bar_chart_fills_its_box_and_escapes_its_words():
    svg = bar_chart([("On <foot>", 0.75, "3 (75 %)"), ("By bike " * 12, 0.25, "1 (25 %)"), ("None", 0.0, "0")],
                    'Answers "to" <x>')
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own SVG
    assert root.get("role") == "img" and root.get("aria-label") == 'Answers "to" <x>' and root.get("width") == "100%"
    widths = [rect.get("width") for rect in root.findall(f"{SVG}rect")]
    assert widths == ["100%", "75.0%", "100%", "25.0%", "100%"]  # a track each, no bar for nothing
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "On <foot>" in texts and len([t for t in texts if t.startswith("By bike")]) == 3  # wrapped
    inside = root.findall(f"{SVG}text[@fill='#ffffff']")
    assert [t.text for t in inside] == ["3 (75 %)"]  # a long bar holds its figure


def test_a_fluid_column_chart_labels_as_many_columns_as_fit():
    svg = fluid_column_chart([(f"{day}.3.", day % 3) for day in range(1, 31)], "Per day")
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own SVG
    labels = [t.text for t in root.findall(f"{SVG}text") if t.get("text-anchor")]
    assert labels[0] == "1.3." and 3 <= len(labels) <= 10
    assert len(root.findall(f"{SVG}rect")) == 20  # a column per day with a count


def test_the_public_sees_one_group_at_a_time_without_singling_anyone_out(app, client, town, every_type,
                                                                         send_responses):
    """A group is refused when it, or the rest beside it, is small; two filters at once are refused; a
    group's words are not listed (they could be told apart from the whole's)."""
    age = _age(app, every_type)
    with app.app_context():
        survey = db.session.get(Survey, every_type)
        demographic = [q for q in survey.questions if q.demographic]
    send_responses(every_type, {"text": "Many of us", age: "1"}, times=8)
    send_responses(every_type, {"text": "Only me", age: "2"})
    start = client.get(_url(town.slug, every_type)).get_data(as_text=True)
    assert "Only me" in start
    total = int(re.search(r"data-response-count>\s*(\d+)", start).group(1))
    most = client.get(_url(town.slug, every_type, **{f"d{age}": 1})).get_data(as_text=True)
    if total - 8 < results.SMALL_GROUP:
        assert "data-response-count" not in most  # all but a few: withheld
    assert "Only me" not in most and "Many of us" not in most
    if len(demographic) > 1:
        both = client.get(_url(town.slug, every_type, **{f"d{q.id}": 1 for q in demographic}))
        assert "data-response-count" not in both.get_data(as_text=True)
