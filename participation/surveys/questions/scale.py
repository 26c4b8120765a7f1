"""A rating scale: 1 to n points, with words for both ends."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from geo.errors import N_
from participation.surveys.questions import Answered, AnswerError, QuestionType, Setting, register


@register
class RatingScale(QuestionType):
    kind = "scale"
    label = _l("Rating scale")
    description = _l("A rating from 1 to n, e.g. from “very poor” to “very good”.")
    settings = (Setting("points", _l("Points on the scale"), "int", required=True, default=5, low=2, high=11),
                Setting("low_label", _l("Words for the lowest point"), "text", high=60),
                Setting("high_label", _l("Words for the highest point"), "text", high=60))
    conditional = True

    def choices(self, question) -> list[tuple[str, str]]:
        points = int(question.settings.get("points") or 5)
        low, high = question.settings.get("low_label") or "", question.settings.get("high_label") or ""
        labels = []
        for point in range(1, points + 1):
            words = low if point == 1 else high if point == points else ""
            labels.append((str(point), f"{point} – {words}" if words else str(point)))
        return labels

    def read(self, question, reading) -> Answered:
        chosen = reading.get()
        if not chosen:
            return Answered()
        if chosen not in dict(self.choices(question)):
            raise AnswerError(N_("Choose one of the points of the scale."))
        return Answered(int(chosen))

    def add(self, question, tally, value, geometry) -> None:
        tally.count(str(value))
        tally.extra["sum"] = tally.extra.get("sum", 0) + value

    def summary(self, question, tally, total: int) -> dict:
        rows = [(label, tally.counts.get(key, 0), tally.counts.get(key, 0) / tally.answered if tally.answered else 0.0)
                for key, label in self.choices(question)]
        mean = tally.extra.get("sum", 0) / tally.answered if tally.answered else None
        return {"rows": rows, "answered": tally.answered, "mean": mean, "chart": "columns"}
