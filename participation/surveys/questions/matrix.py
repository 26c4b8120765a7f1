"""Matrix: several rows (statements, places …) each answered on the same scale of columns."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from geo.errors import N_
from participation.surveys.questions import Answered, AnswerError, QuestionType, Setting, option_lines, register


@register
class Matrix(QuestionType):
    kind = "matrix"
    label = _l("Matrix")
    description = _l("Several rows, each rated on the same scale.")
    settings = (Setting("rows", _l("Rows (one per line)"), "lines", required=True, high=30),
                Setting("columns", _l("Scale (one step per line)"), "lines", required=True, high=11))

    def check_settings(self, settings: dict) -> dict[str, str]:
        if len(settings.get("columns") or []) < 2:
            return {"columns": N_("Give at least two steps of the scale.")}
        return {}

    def rows(self, question) -> list[tuple[str, str]]:
        return option_lines(question, "rows")

    def steps(self, question) -> list[tuple[str, str]]:
        return option_lines(question, "columns")

    def read(self, question, reading) -> Answered:
        """One radio group per row ("<name>-<row key>"); a required matrix needs every row."""
        steps = dict(self.steps(question))
        answer = {}
        for key, _label in self.rows(question):
            chosen = reading.get(key)
            if not chosen:
                continue
            if chosen not in steps:
                raise AnswerError(N_("Choose one step of the scale in each row."))
            answer[key] = chosen
        if answer and question.required and len(answer) < len(self.rows(question)):
            raise AnswerError(N_("Please answer every row."))
        return Answered(answer or None)

    def columns(self, question) -> list[tuple[str, str]]:
        return [(key, f"{question.text}: {label}") for key, label in self.rows(question)]

    def cells(self, question, value, geometry) -> list[object]:
        steps = dict(self.steps(question))
        return [steps.get((value or {}).get(key)) for key, _label in self.rows(question)]

    def describe(self, question, value, geometry) -> str:
        steps = dict(self.steps(question))
        return "; ".join(f"{label}: {steps.get((value or {}).get(key), '–')}" for key, label in self.rows(question)
                         if (value or {}).get(key))

    def add(self, question, tally, value, geometry) -> None:
        for row, step in value.items():
            tally.count(f"{row}:{step}")

    def summary(self, question, tally, total: int) -> dict:
        steps = self.steps(question)
        table = []
        for key, label in self.rows(question):
            counts = [tally.counts.get(f"{key}:{step}", 0) for step, _label in steps]
            answered = sum(counts)
            table.append({"label": label, "counts": counts, "answered": answered,
                          "shares": [count / answered if answered else 0.0 for count in counts]})
        return {"steps": [label for _key, label in steps], "table": table, "answered": tally.answered}
