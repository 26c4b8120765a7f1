"""Free text, one line or several, up to a length."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from geo.errors import N_
from participation.surveys.questions import Answered, AnswerError, QuestionType, Setting, register

LONGEST = 5000
#: How many of the latest texts the results page keeps per question (all are in the exports).
LISTED = 200


@register
class FreeText(QuestionType):
    kind = "text"
    label = _l("Free text")
    description = _l("An answer in the person's own words.")
    settings = (Setting("max_length", _l("Most characters"), "int", default=1000, low=10, high=LONGEST),
                Setting("multiline", _l("Several lines"), "bool", default=True))

    def read(self, question, reading) -> Answered:
        text = reading.get().replace("\r\n", "\n")
        if not text:
            return Answered()
        limit = question.settings.get("max_length") or 1000
        if len(text) > limit:
            raise AnswerError(N_("Please write at most {number} characters (now {count})."), number=limit,
                              count=len(text))
        return Answered(text)

    def add(self, question, tally, value, geometry) -> None:
        texts = tally.extra.setdefault("texts", [])
        texts.append(value)
        if len(texts) > LISTED:
            del texts[0]

    def summary(self, question, tally, total: int) -> dict:
        return {"texts": list(reversed(tally.extra.get("texts", []))), "answered": tally.answered,
                "more": max(0, tally.answered - LISTED)}
