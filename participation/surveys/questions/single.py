"""Single choice: one option of a list (radio buttons)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from geo.errors import N_
from participation.surveys.questions import OPTIONS, Answered, AnswerError, QuestionType, option_lines, register


@register
class SingleChoice(QuestionType):
    kind = "single"
    label = _l("Single choice")
    description = _l("One answer from a list.")
    settings = (OPTIONS,)
    conditional = True
    #: Said when the form sends a value that is not an option.
    refusal = N_("Choose one of the options.")

    def check_settings(self, settings: dict) -> dict[str, str]:
        if len(settings.get("options") or []) < 2:
            return {"options": N_("Give at least two options.")}
        return {}

    def choices(self, question) -> list[tuple[str, str]]:
        return option_lines(question)

    def read(self, question, reading) -> Answered:
        chosen = reading.get()
        if not chosen:
            return Answered()
        if chosen not in dict(self.choices(question)):
            raise AnswerError(self.refusal)
        return Answered(chosen)

    def cells(self, question, value, geometry) -> list[object]:
        return [dict(self.choices(question)).get(value) if value else None]

    def add(self, question, tally, value, geometry) -> None:
        tally.count(value)

    def summary(self, question, tally, total: int) -> dict:
        return choice_summary(self.choices(question), tally)


def choice_summary(choices: list[tuple[str, str]], tally) -> dict:
    """Every option in its order with count and share of those who answered (also options nobody chose)."""
    rows = [(label, tally.counts.get(key, 0), tally.counts.get(key, 0) / tally.answered if tally.answered else 0.0)
            for key, label in choices]
    return {"rows": rows, "answered": tally.answered, "chart": "bars"}
