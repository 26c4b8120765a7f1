"""Exports of survey responses: the columns and cells of every question type, only sent responses, safe
cells, the map answers as GeoJSON and GeoPackage, empty files, and the planner's way through the web."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import openpyxl
import pyogrio
import pytest
import shapely
from flask import render_template_string
from flask_babel import force_locale
from pyproj import Transformer
from sqlalchemy import select

from participation.accounts.models import Role
from participation.database.mixins import utcnow
from participation.exports import services
from participation.exports.models import Export, ExportFormat
from participation.extensions import db
from participation.surveys import exports as survey_exports
from participation.surveys.models import (
    Access, Answer, Question, ResponseState, Survey, SurveyResponse,
)
from tests.conftest import csrf_token, wait_for_jobs
from tests.surveys.conftest import PLACES

#: One answer to every question of `create_survey`'s survey, by kind (value, geometry, comment).
ANSWERS = {
    "single": "2",
    "multiple": ["1", "3"],
    "text": ("=SUM(A1:A9)", None, "@everyone look"),
    "number": 12,
    "scale": 4,
    "yesno": "yes",
    "ranking": ["3", "1", "2"],
    "matrix": {"1": "3", "2": "1"},
    "map_point": (1.0, PLACES["map_point"], "my corner"),
    "map_line": (480.5, PLACES["map_line"]),
    "map_area": (31_000.0, PLACES["map_area"]),
}
#: The header and cells of that answer in English, in the order of the table.
EXPECTED = [
    ("How do you get to the market?", "By bike"),
    ("What is missing?: Trees", "1"),
    ("What is missing?: Benches", "0"),
    ("What is missing?: Shade", "1"),
    ("What is missing?: Water", "0"),
    ("What else?", "'=SUM(A1:A9)"),
    ("What else?: comment", "'@everyone look"),
    ("How many minutes do you walk?", "12"),
    ("How do you like the square?", "4"),
    ("Do you come by bike?", "Yes"),
    ("What matters most?: Safety", "2"),
    ("What matters most?: Quiet", "3"),
    ("What matters most?: Green", "1"),
    ("How do you rate …: the paving", "good"),
    ("How do you rate …: the lighting", "poor"),
    ("Where do you cross the street?: WKT (EPSG:4326)", "MULTIPOINT ((13.252 53.551))"),
    ("Where do you cross the street?: places", "1.0"),
    ("Where do you cross the street?: comment", "my corner"),
    ("Which way do you walk?: WKT (EPSG:4326)", "LINESTRING (13.251 53.551, 13.258 53.553)"),
    ("Which way do you walk?: length in metres", "480.5"),
    ("Where is it too loud?: WKT (EPSG:4326)", PLACES["map_area"].wkt),
    ("Where is it too loud?: area in square metres", "31000.0"),
    ("Your age", "65 or older"),
]


def _with_comments(app, survey_id: int, *kinds: str) -> None:
    with app.app_context():
        for question in db.session.get(Survey, survey_id).questions:
            question.with_comment = question.kind in kinds
        db.session.commit()


def _question_id(app, survey_id: int, text: str) -> int:
    with app.app_context():
        return next(q.id for q in db.session.get(Survey, survey_id).questions if q.text == text)


@pytest.fixture
def answered(app, create_survey, send_responses):
    """A survey of every type (comment fields on the free text and the places) with one full response by
    account, one by code with only the age; returns (survey id, {"full": id, "age": id})."""
    survey_id = create_survey()
    _with_comments(app, survey_id, "text", "map_point")
    age = _question_id(app, survey_id, "Your age")
    full = send_responses(survey_id, {**ANSWERS, age: "3"}, sent_on=date(2026, 11, 30))
    only_age = send_responses(survey_id, {age: "1"}, sent_on=date(2026, 12, 1), channel=Access.CODE)
    return survey_id, {"full": full[0], "age": only_age[0]}


@pytest.fixture
def write(app, tmp_path):
    """write(survey_id, fmt, crs=4326, locale="en") -> (path, rows, reports): the file as the job writes it."""
    def make(survey_id: int, fmt: ExportFormat, crs: int = 4326, locale: str = "en"):
        with app.app_context(), force_locale(locale):
            survey = db.session.get(Survey, survey_id)
            export = Export(municipality=survey.municipality, survey=survey, format=fmt, crs=crs, locale=locale)
            path = tmp_path / f"{fmt.value}-{len(list(tmp_path.iterdir()))}.{services.EXTENSIONS[fmt]}"
            reports = []
            rows = services.write_file(export, path, lambda done, total: reports.append((done, total)))
            db.session.rollback()
        return path, rows, reports
    return make


def _number_or_text(cell: str) -> object:
    """A cell as a number where it is one: SQLite's JSON column (numeric affinity) keeps 1.0 as 1."""
    try:
        return float(cell)
    except ValueError:
        return cell


def _csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_every_question_type_has_its_columns_and_cells(app, answered, write):
    survey_id, ids = answered
    path, rows, reports = write(survey_id, ExportFormat.CSV)
    header, *table = _csv(path)
    assert rows == 2 and reports[-1] == (2, 2)
    assert header == ["Number", "Sent on", "Channel"] + [name for name, _cell in EXPECTED]
    full, age = (dict(zip(header, row)) for row in table)  # in the order of their ids
    assert (full["Number"], full["Sent on"], full["Channel"]) == (f"R-{ids['full']}", "2026-11-30", "account")
    assert [_number_or_text(full[name]) for name, _cell in EXPECTED] == [_number_or_text(c) for _n, c in EXPECTED]
    assert (age["Number"], age["Sent on"], age["Channel"]) == (f"R-{ids['age']}", "2026-12-01", "access code")
    assert age["Your age"] == "under 30"
    assert all(age[name] == "" for name, _cell in EXPECTED[:-1])  # unanswered: empty, not 0


def test_the_workbook_has_the_responses_and_the_questions(app, answered, write):
    survey_id, ids = answered
    with app.app_context():  # "What is missing?" only for those who come by bike
        survey = db.session.get(Survey, survey_id)
        missing = next(q for q in survey.questions if q.kind == "multiple")
        missing.condition_question_id = next(q.id for q in survey.questions if q.kind == "single")
        missing.condition_value = "2"
        next(q for q in survey.questions if q.kind == "scale").required = True
        db.session.commit()
    path, rows, _reports = write(survey_id, ExportFormat.XLSX)
    book = openpyxl.load_workbook(path)
    assert rows == 2 and book.sheetnames == ["Responses", "Questions"]
    header, full, age = book["Responses"].iter_rows(values_only=True)
    full = dict(zip(header, full))
    assert full["Number"] == f"R-{ids['full']}" and full["Sent on"].date() == date(2026, 11, 30)
    assert full["What else?"] == "=SUM(A1:A9)"  # as written, stored as text, not as a formula
    assert book["Responses"]["I2"].data_type == "s"
    assert full["What is missing?: Trees"] == 1 and full["What matters most?: Green"] == 1
    assert full["Where do you cross the street?: places"] == 1.0 and full["Your age"] == "65 or older"
    assert dict(zip(header, age))["Channel"] == "access code"
    questions = list(book["Questions"].iter_rows(values_only=True))
    assert questions[0] == ("Number", "Page", "Page title", "Type", "Question", "Required", "Demographic",
                            "Condition")
    assert len(questions) == 1 + 12
    assert questions[1][:7] == (1, 1, None, "Single choice", "How do you get to the market?", "No", "No")
    assert questions[2][4:] == ("What is missing?", "No", "No", "Only if question 1 is answered “By bike”")
    assert questions[5][5] == "Yes"  # the scale is required
    assert questions[9][1:4] == (3, "Page 3", "Places on the map")
    assert questions[12][1:7] == (4, "About you", "Single choice", "Your age", "No", "Yes")


def test_german_headers_and_words(app, answered, write):
    survey_id, _ids = answered
    header, full, _age = _csv(write(survey_id, ExportFormat.CSV, locale="de")[0])
    assert header[:3] == ["Nummer", "Gesendet am", "Eingangsweg"] and full[2] == "Konto"
    assert "What else?: Kommentar" in header


def test_drafts_are_never_exported(app, answered, write):
    survey_id, ids = answered
    with app.app_context():
        draft = SurveyResponse(survey_id=survey_id, channel=Access.OPEN, state=ResponseState.DRAFT,
                               started_at=utcnow(), token_hash="x" * 64)
        question = db.session.scalar(select(Question).where(Question.survey_id == survey_id, Question.kind == "text"))
        draft.answers.append(Answer(question_id=question.id, value="not sent yet", comment="draft comment",
                                    geometry=None))
        db.session.add(draft)
        db.session.commit()
    for fmt in (ExportFormat.CSV, ExportFormat.XLSX, ExportFormat.GEOJSON, ExportFormat.GPKG):
        path, rows, _reports = write(survey_id, fmt)
        assert rows == 2
        content = path.read_bytes()
        assert b"not sent yet" not in content and b"draft comment" not in content
    numbers = [row[0] for row in _csv(write(survey_id, ExportFormat.CSV)[0])[1:]]
    assert numbers == [f"R-{ids['full']}", f"R-{ids['age']}"]


def test_responses_are_read_a_page_at_a_time_in_the_order_sent(app, create_survey, send_responses, write,
                                                               monkeypatch):
    survey_id = create_survey(kinds=("number",), demographic=False)
    made = []
    for number in range(7):
        made += send_responses(survey_id, {"number": number})
    monkeypatch.setattr(survey_exports, "PAGE", 3)
    path, rows, reports = write(survey_id, ExportFormat.CSV)
    assert rows == 7 and reports == [(3, 7), (6, 7), (7, 7)]
    assert [row[0] for row in _csv(path)[1:]] == [f"R-{i}" for i in made]
    assert [row[3] for row in _csv(path)[1:]] == [str(n) for n in range(7)]


def test_the_map_answers_as_geojson(app, answered, write):
    survey_id, ids = answered
    path, rows, _reports = write(survey_id, ExportFormat.GEOJSON, crs=25833)  # GeoJSON is WGS 84 whatever asked
    collection = json.loads(path.read_text())
    assert rows == 2 and collection["type"] == "FeatureCollection"
    features = {f["properties"]["kind"]: f for f in collection["features"]}
    assert set(features) == {"map_point", "map_line", "map_area"}  # the other response has no places
    point = features["map_point"]
    assert point["id"] == f"R-{ids['full']}-q9"
    assert point["geometry"] == {"type": "MultiPoint", "coordinates": [[13.252, 53.551]]}
    assert point["properties"] == {"response": f"R-{ids['full']}", "question_id": point["properties"]["question_id"],
                                   "question": "Where do you cross the street?", "kind": "map_point",
                                   "measure": 1.0, "comment": "my corner"}
    assert features["map_line"]["geometry"]["coordinates"] == [[13.251, 53.551], [13.258, 53.553]]
    assert features["map_line"]["properties"]["measure"] == 480.5
    area = shapely.geometry.shape(features["map_area"]["geometry"])
    assert area.equals(PLACES["map_area"]) and area.exterior.is_ccw  # RFC 7946: outer rings counter-clockwise


@pytest.mark.parametrize("crs", [4326, 25832, 25833])
def test_the_map_answers_as_a_geopackage_layer_per_question(app, answered, write, crs):
    survey_id, ids = answered
    path, rows, _reports = write(survey_id, ExportFormat.GPKG, crs=crs)
    assert rows == 2
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"q09_places": "MultiPoint", "q10_way": "LineString", "q11_area": "Polygon"}
    to_crs = Transformer.from_crs(4326, crs, always_xy=True)
    for layer, kind in (("q09_places", "map_point"), ("q10_way", "map_line"), ("q11_area", "map_area")):
        info = pyogrio.read_info(path, layer=layer)
        assert info["crs"] == f"EPSG:{crs}" and list(info["fields"]) == ["response", "measure", "comment"]
        frame = pyogrio.read_dataframe(path, layer=layer)
        assert list(frame.response) == [f"R-{ids['full']}"]
        expected = shapely.transform(PLACES[kind], lambda xy: list(zip(*to_crs.transform(xy[:, 0], xy[:, 1]))))
        assert frame.geometry.iloc[0].equals_exact(expected, tolerance=1e-6)
        assert frame.measure.iloc[0] == ANSWERS[kind][0]
    assert pyogrio.read_dataframe(path, layer="q09_places").comment.iloc[0] == "my corner"


@pytest.mark.parametrize("fmt", survey_exports.FORMATS)
def test_an_export_without_responses_is_a_valid_file(app, create_survey, write, fmt):
    survey_id = create_survey()
    path, rows, _reports = write(survey_id, fmt)
    assert rows == 0
    if fmt is ExportFormat.CSV:
        assert path.read_bytes().count(b"\r\n") == 1 and _csv(path)[0][:3] == ["Number", "Sent on", "Channel"]
    elif fmt is ExportFormat.XLSX:
        book = openpyxl.load_workbook(path)
        assert book["Responses"].max_row == 1 and book["Questions"].max_row == 13
    elif fmt is ExportFormat.GEOJSON:
        assert json.loads(path.read_text()) == {"type": "FeatureCollection", "name": "places", "features": []}
    else:
        assert [name for name, _kind in pyogrio.list_layers(path)] == ["q09_places", "q10_way", "q11_area"]
        assert pyogrio.read_info(path, layer="q10_way")["features"] == 0


def test_a_survey_without_map_questions_has_no_places_to_export(app, create_survey, send_responses, write,
                                                                town, planner):
    survey_id = create_survey(kinds=("yesno",))
    send_responses(survey_id, {"yesno": "no"})
    path, rows, _reports = write(survey_id, ExportFormat.GPKG)  # written anyway, e.g. by a script
    assert rows == 1 and [name for name, _kind in pyogrio.list_layers(path)] == ["responses"]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        for fmt in (ExportFormat.GEOJSON, ExportFormat.GPKG, ExportFormat.WEIGHING_PDF, ExportFormat.REPORT_PDF):
            with pytest.raises(ValueError):
                services.request_export(planner, survey.municipality, fmt, survey=survey)


# -- the web ---------------------------------------------------------------------------------------------

def _post(client, survey_id: int, slug: str, **fields):
    token = csrf_token(client, "/") if fields.pop("token", True) else "wrong"
    return client.post(f"/{slug}/umfragen/{survey_id}/export", data={"format": "csv", "crs": "4326", **fields,
                                                                     "csrf_token": token})


def _download(client, url: str):
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _survey_in(create_survey, create_project, town) -> int:
    return create_survey(project=create_project(town=town))


def test_a_planner_exports_the_responses_and_downloads_them(app, client, town, planner, create_project,
                                                           create_survey, send_responses):
    survey_id = _survey_in(create_survey, create_project, town)
    sent = send_responses(survey_id, {"text": "Mehr Bänke, bitte"}, times=2, channel=Access.OPEN)
    response = _post(client, survey_id, town.slug)
    with app.app_context():
        export = db.session.scalars(select(Export).order_by(Export.id.desc())).first()
        assert (export.survey_id, export.project_id, export.statute_id) == (survey_id, None, None)
        assert export.format is ExportFormat.CSV and export.user_id == planner.id
    assert response.status_code == 302 and response.headers["Location"] == f"/{town.slug}/exporte/{export.id}"
    wait_for_jobs(app)
    page = client.get(f"/{town.slug}/exporte/{export.id}").get_data(as_text=True)
    assert "Market square survey" in page and "2 Antworten geschrieben." in page
    assert "Umfrage: Market square survey" in client.get(f"/{town.slug}/exporte").get_data(as_text=True)
    download = _download(client, f"/{town.slug}/exporte/{export.id}/datei")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert re.fullmatch(r"attachment; filename=umfrage-market-square-survey-\d{4}-\d\d-\d\d\.csv",
                        download.headers["Content-Disposition"])
    table = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert [row[0] for row in table[1:]] == [f"R-{i}" for i in sent]
    assert table[1][2] == "offen" and "Mehr Bänke, bitte" in table[1]


def test_a_geopackage_in_the_chosen_crs_for_its_maker_alone(app, client, town, planner, create_project,
                                                            create_survey, send_responses, create_user, login):
    survey_id = _survey_in(create_survey, create_project, town)
    send_responses(survey_id, {"map_line": (480.5, PLACES["map_line"])})
    assert _post(client, survey_id, town.slug, format="gpkg", crs="25833").status_code == 302
    wait_for_jobs(app)
    with app.app_context():
        export = db.session.scalars(select(Export).order_by(Export.id.desc())).first()
        assert export.crs == 25833 and export.rows == 1 and export.filename.endswith(".gpkg")
        path = services.path_of(export)
    assert pyogrio.read_info(path, layer="q10_way")["crs"] == "EPSG:25833"
    url = f"/{town.slug}/exporte/{export.id}/datei"
    assert _download(client, url).status_code == 200
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(create_user(Role.PLANNER, towns=[town]))  # a colleague: the same town, not the same person
    assert _download(client, url).status_code == 404
    assert client.get(f"/{town.slug}/exporte/{export.id}").status_code == 404


def test_only_the_towns_planners_export_a_survey(app, client, town, create_town, create_user, login,
                                                create_project, create_survey):
    survey_id = _survey_in(create_survey, create_project, town)
    assert _post(client, survey_id, town.slug).status_code == 302  # to the login page
    login(create_user(Role.RESIDENT))
    assert _post(client, survey_id, town.slug).status_code == 403
    other = create_town()
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(create_user(Role.PLANNER, towns=[other]))
    assert _post(client, survey_id, town.slug).status_code == 403  # not a planner of this town
    assert _post(client, survey_id, other.slug).status_code == 404  # not a survey of their town
    assert _post(client, 999_999, other.slug).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Export.id)) is None


def test_a_bad_form_makes_no_export(app, client, town, planner, create_project, create_survey):
    survey_id = _survey_in(create_survey, create_project, town)
    assert _post(client, survey_id, town.slug, format="weighing-pdf").status_code == 400
    assert _post(client, survey_id, town.slug, format="gpkg", crs="3857").status_code == 400
    assert _post(client, survey_id, town.slug, token=False).status_code == 400
    tables_only = create_survey(project=create_project(town=town), kinds=("yesno",))
    assert _post(client, tables_only, town.slug, format="geojson").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Export.id)) is None


def test_the_export_form_for_the_results_page(app, client, town, planner, create_project, create_survey):
    survey_id = _survey_in(create_survey, create_project, town)
    tables_only = create_survey(project=create_project(town=town), kinds=("yesno",))
    with app.test_request_context(), force_locale("en"):
        page = render_template_string('{% include "surveys/_export_form.html" %}',
                                      survey=db.session.get(Survey, survey_id))
        short = render_template_string('{% include "surveys/_export_form.html" %}',
                                       survey=db.session.get(Survey, tables_only))
    assert f'action="/{town.slug}/umfragen/{survey_id}/export"' in page
    assert re.search(r'name="csrf_token" value="[^"]+"', page)
    assert 'value="gpkg"' in page and 'value="25833"' in page
    assert re.search(r'<input checked [^>]*value="xlsx"', page)
    assert 'value="csv"' in short and 'value="gpkg"' not in short and 'name="crs"' not in short
