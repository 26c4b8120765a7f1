"""Multiple choice: any options of a list (check boxes), with an optional least and most number."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from geo.errors import N_
from participation.surveys.questions import (
    OPTIONS, Answered, AnswerError, QuestionType, Setting, option_lines, register,
)
from participation.surveys.questions.single import choice_summary


@register
class MultipleChoice(QuestionType):
    kind = "multiple"
    label = _l("Multiple choice")
    description = _l("Any number of answers from a list, optionally at least or at most so many.")
    settings = (OPTIONS,
                Setting("min", _l("At least this many"), "int", low=0, high=50),
                Setting("max", _l("At most this many"), "int", low=1, high=50))
    conditional = True

    def check_settings(self, settings: dict) -> dict[str, str]:
        options = settings.get("options") or []
        low, high = settings.get("min"), settings.get("max")
        if len(options) < 2:
            return {"options": N_("Give at least two options.")}
        if high is not None and high > len(options):
            return {"max": N_("There are fewer options than that.")}
        if low is not None and low > len(options):
            return {"min": N_("There are fewer options than that.")}
        if low is not None and high is not None and low > high:
            return {"min": N_("The least number is greater than the most.")}
        return {}

    def choices(self, question) -> list[tuple[str, str]]:
        return option_lines(question)

    def read(self, question, reading) -> Answered:
        keys = dict(self.choices(question))
        chosen = [key for key in reading.getlist() if key]
        if any(key not in keys for key in chosen):
            raise AnswerError(N_("Choose among the options."))
        chosen = [key for key in keys if key in chosen]  # in the options' order, each once
        if not chosen:
            return Answered()
        low, high = question.settings.get("min"), question.settings.get("max")
        if low and len(chosen) < low:
            raise AnswerError(N_("Choose at least {number}."), number=low)
        if high and len(chosen) > high:
            raise AnswerError(N_("Choose at most {number}."), number=high)
        return Answered(chosen)

    def columns(self, question) -> list[tuple[str, str]]:
        return [(key, f"{question.text}: {label}") for key, label in self.choices(question)]

    def cells(self, question, value, geometry) -> list[object]:
        chosen = set(value or [])
        return [(1 if key in chosen else 0) if value is not None else None for key, _label in self.choices(question)]

    def describe(self, question, value, geometry) -> str:
        labels = dict(self.choices(question))
        return "; ".join(labels.get(key, key) for key in value or [])

    def add(self, question, tally, value, geometry) -> None:
        for key in value:
            tally.count(key)

    def summary(self, question, tally, total: int) -> dict:
        return {**choice_summary(self.choices(question), tally), "several": True}
