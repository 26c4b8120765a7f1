"""The question type registry: every type has its template, reads its answers strictly and writes its cells."""
from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from participation.surveys.models import Question
from participation.surveys.questions import AnswerError, Reading, all_types, question_type
from participation.surveys.questions.number import parse_number
from tests.surveys.conftest import EVERY_TYPE

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _question(kind: str, **settings) -> Question:
    defaults = next(s for k, _t, s in EVERY_TYPE if k == kind)
    return Question(id=7, kind=kind, text="Q", settings={**defaults, **settings}, required=False)


def _read(kind: str, fields: dict, **settings):
    question = _question(kind, **settings)
    form = MultiDict([(f"q7{('-' + key) if key else ''}", value) for key, values in fields.items()
                      for value in (values if isinstance(values, list) else [values])])
    return question_type(kind).read(question, Reading(form=form, name="q7"))


def test_every_type_is_registered_with_its_template():
    kinds = [t.kind for t in all_types()]
    assert kinds == [k for k, _t, _s in EVERY_TYPE]
    for kind in all_types():
        assert (TEMPLATES / kind.template).is_file(), kind.template
        assert str(kind.label) and str(kind.description)


@pytest.mark.parametrize("typed, number", [("12", 12), ("-3", -3), ("12,5", 12.5), ("12.5", 12.5), (" 7 ", 7),
                                           (",5", 0.5), ("1.234,5", None), ("12 Minuten", None), ("1e5", None),
                                           ("nan", None), ("", None), ("9" * 40, None)])
def test_numbers_as_people_type_them(typed, number):
    assert parse_number(typed.strip()) == number


@pytest.mark.parametrize("kind, fields, value", [
    ("single", {"": "2"}, "2"),
    ("multiple", {"": ["3", "1"]}, ["1", "3"]),
    ("text", {"": "Shade\r\nplease"}, "Shade\nplease"),
    ("number", {"": "45"}, 45),
    ("scale", {"": "5"}, 5),
    ("yesno", {"": "no"}, "no"),
    ("ranking", {"1": "2", "2": "1", "3": ""}, ["2", "1"]),
    ("matrix", {"1": "3"}, {"1": "3"}),
    ("single", {"": ""}, None),
])
def test_answers_read(kind, fields, value):
    assert _read(kind, fields).value == value


@pytest.mark.parametrize("kind, fields, settings", [
    ("single", {"": "9"}, {}),
    ("multiple", {"": ["1", "2", "3", "4"]}, {}),  # at most 3
    ("multiple", {"": ["1", "x"]}, {}),
    ("text", {"": "x" * 501}, {}),
    ("number", {"": "121"}, {}),
    ("number", {"": "2,5"}, {}),  # whole numbers only
    ("scale", {"": "6"}, {}),
    ("yesno", {"": "maybe"}, {}),
    ("ranking", {"1": "1", "2": "1"}, {}),
    ("ranking", {"1": "1", "2": "3"}, {}),
    ("ranking", {"1": "7"}, {}),
    ("matrix", {"1": "9"}, {}),
    ("map_point", {"": "[[13.25, 53.55], [13.26, 53.55], [13.25, 53.56], [13.26, 53.56]]"}, {}),  # at most 3
    ("map_point", {"": "[[200, 53.55]]"}, {}),
    ("map_point", {"": "[[true, 53.55]]"}, {}),
    ("map_line", {"": "[[13.25, 53.55], [13.25, 53.55]]"}, {}),
    ("map_area", {"": "[[13.25, 53.55], [13.26, 53.55]]"}, {}),
    ("map_point", {"addresses": "Somewhere 1"}, {}),  # no address list: not found
])
def test_bad_answers_are_refused_with_a_message(kind, fields, settings):
    with pytest.raises(AnswerError) as refused:
        _read(kind, fields, **settings)
    assert refused.value.message


def test_required_matrix_needs_every_row():
    question = _question("matrix")
    question.required = True
    with pytest.raises(AnswerError):
        question_type("matrix").read(question, Reading(form=MultiDict([("q7-1", "1")]), name="q7"))


def test_cells_follow_columns():
    for kind, _text, _settings in EVERY_TYPE:
        question = _question(kind)
        kind_type = question_type(kind)
        assert len(kind_type.cells(question, None, None)) == len(kind_type.columns(question)), kind
    multiple = _question("multiple")
    assert question_type("multiple").cells(multiple, ["1", "4"], None) == [1, 0, 0, 1]
    ranking = _question("ranking")
    assert question_type("ranking").cells(ranking, ["3", "1"], None) == [2, None, 1]
    matrix = _question("matrix")
    assert question_type("matrix").cells(matrix, {"2": "1"}, None) == [None, "poor"]
