"""The question types of surveys: a registry, one module per type.

A type says which settings the builder asks for, how an answer is read from the posted form and checked,
which values a later question's condition may test, how an answer becomes export cells and how answers
are counted for the results. Every module of this package is imported by `all_types()`, and each one
registers its type with `@register`: adding a type means adding a module here and its template
``templates/surveys/questions/<kind>.html`` — nothing else.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Iterable

from flask_babel import lazy_gettext as _l
from shapely.geometry.base import BaseGeometry

_TYPES: dict[str, "QuestionType"] = {}
_LOADED = False


@dataclass(frozen=True)
class Setting:
    """One setting the builder asks for: its key in `Question.settings`, label and kind.

    Kinds: "lines" (a list, one entry per line, e.g. options), "int", "float", "text", "bool".
    """

    key: str
    label: object
    kind: str = "text"
    required: bool = False
    default: object = None
    help: object = ""
    #: For "int"/"float": the smallest and largest value allowed; for "lines": the most entries; for "text": length.
    low: float | None = None
    high: float | None = None


class AnswerError(Exception):
    """An answer that cannot be taken; `message` is an English msgid with `params`."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


@dataclass
class Reading:
    """What a type's `read` gets: the posted fields of this question and helpers."""

    #: The form's values by name (a MultiDict-like object with `get` and `getlist`).
    form: object
    #: The question's field name prefix, e.g. "q12"; sub-fields are "q12-<part>".
    name: str
    #: Finds an address of the town by the words typed: a shapely Point (EPSG:4326) or None.
    find_address: Callable[[str], BaseGeometry | None] = lambda text: None
    #: Whether a place may be answered: inside the survey's area (for map questions).
    allows_place: Callable[[BaseGeometry], bool] = lambda geometry: True

    def get(self, part: str = "") -> str:
        return (self.form.get(self.name + (f"-{part}" if part else "")) or "").strip()

    def getlist(self, part: str = "") -> list[str]:
        return [v.strip() for v in self.form.getlist(self.name + (f"-{part}" if part else ""))]


@dataclass
class Answered:
    """A read answer: the value stored as JSON and, for map questions, the geometry."""

    value: object = None
    geometry: BaseGeometry | None = None

    @property
    def empty(self) -> bool:
        return self.value in (None, "", [], {}) and self.geometry is None


@dataclass
class Tally:
    """Counts of one question's answers, filled one answer at a time (so that results stream).

    `counts` by option key (or value), `answered` how many gave any answer; types add what they need
    (`numbers` for a mean, `texts` for the latest free texts, …) in `extra`.
    """

    answered: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def count(self, key: str, by: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + by


class QuestionType:
    """The base of every question type; subclasses set the class attributes and override what differs."""

    kind: ClassVar[str]
    label: ClassVar[object]
    #: One sentence for the builder's type menu.
    description: ClassVar[object] = ""
    settings: ClassVar[tuple[Setting, ...]] = ()
    #: Answers are places on the map (answered with the map, the keyboard or addresses).
    is_map: ClassVar[bool] = False
    #: Answers have fixed values that a later question's condition may test.
    conditional: ClassVar[bool] = False

    @property
    def template(self) -> str:
        return f"surveys/questions/{self.kind}.html"

    # -- the builder ------------------------------------------------------------
    def check_settings(self, settings: dict) -> dict[str, str]:
        """Errors by setting key (English msgids) beyond each setting's own checks."""
        return {}

    def choices(self, question) -> list[tuple[str, str]]:
        """(key, label) of the values a condition may test; the options where the type has them."""
        return []

    # -- answering --------------------------------------------------------------
    def read(self, question, reading: Reading) -> Answered:
        """The answer from the posted form; raises AnswerError for one that cannot be taken.
        An unanswered question gives an empty `Answered` (the caller checks `required`)."""
        raise NotImplementedError

    def form_value(self, question, value, geometry) -> object:
        """A stored answer as the template shows it again (default: the value)."""
        return value

    def matches(self, question, value, wanted: str) -> bool:
        """Whether `value` (stored) satisfies a condition that asks for `wanted`."""
        if isinstance(value, list):
            return wanted in value
        return value is not None and str(value) == wanted

    # -- export and results -----------------------------------------------------
    def columns(self, question) -> list[tuple[str, str]]:
        """(key, header) of this question's columns in a table export, one per question by default."""
        return [("", question.text)]

    def cells(self, question, value, geometry) -> list[object]:
        """This answer's cells, in the order of `columns`."""
        return [_text(value)]

    def describe(self, question, value, geometry) -> str:
        """The answer in words, as the review before sending shows it (default: the labels of `choices`,
        else the cells)."""
        labels = dict(self.choices(question))
        if labels and not isinstance(value, (list, dict)):
            return labels.get(str(value), str(value))
        return "; ".join(str(cell) for cell in self.cells(question, value, geometry) if cell not in (None, ""))

    def add(self, question, tally: Tally, value, geometry) -> None:
        """Count one (non-empty) answer."""
        tally.count(str(value))

    def summary(self, question, tally: Tally, total: int) -> dict:
        """The results of one question for templates: rows of (label, count, share) and what else it shows."""
        labels = dict(self.choices(question))
        rows = [(labels.get(key, key), count, count / tally.answered if tally.answered else 0.0)
                for key, count in tally.counts.items()]
        return {"rows": rows, "answered": tally.answered}


def _text(value) -> object:
    if value is None:
        return None
    return value if isinstance(value, (int, float, str)) else str(value)


def option_lines(question, key: str = "options") -> list[tuple[str, str]]:
    """A "lines" setting as (key, label): the keys are positions from 1, which cannot change once a
    survey has responses (its questions are then fixed)."""
    return [(str(number), label) for number, label in enumerate(question.settings.get(key) or [], start=1)]


def condition_answer(question) -> str:
    """The words of the answer that `question`'s condition asks for ("" without a condition)."""
    source = question.condition_question
    if source is None:
        return ""
    labels = dict(question_type(source.kind).choices(source))
    return labels.get(question.condition_value, question.condition_value)


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make `cls` a question type under `cls.kind`."""
    if cls.kind in _TYPES and type(_TYPES[cls.kind]) is not cls:
        raise ValueError(f"question type {cls.kind!r} is registered twice")
    _TYPES[cls.kind] = cls()
    return cls


def _load() -> None:
    global _LOADED
    if not _LOADED:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _LOADED = True


def all_types() -> list[QuestionType]:
    """Every registered type, in the order the builder offers them (ORDER, then the others by kind)."""
    _load()
    rank = {kind: number for number, kind in enumerate(ORDER)}
    return sorted(_TYPES.values(), key=lambda t: (rank.get(t.kind, len(ORDER)), t.kind))


def question_type(kind: str) -> QuestionType:
    """The type registered under `kind`; KeyError for an unknown one."""
    _load()
    return _TYPES[kind]


def kinds() -> Iterable[str]:
    return [t.kind for t in all_types()]


#: The builder's menu order; types not named here come after these.
ORDER = ("single", "multiple", "text", "number", "scale", "yesno", "ranking", "matrix",
         "map_point", "map_line", "map_area")

#: The setting every type with options has.
OPTIONS = Setting("options", _l("Options (one per line)"), "lines", required=True, high=50)
