"""Ranking: the options in the order the person prefers them (each option gets a rank)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from geo.errors import N_
from participation.surveys.questions import OPTIONS, Answered, AnswerError, QuestionType, option_lines, register


@register
class Ranking(QuestionType):
    kind = "ranking"
    label = _l("Ranking")
    description = _l("The options put in order, most important first.")
    settings = (OPTIONS,)

    def check_settings(self, settings: dict) -> dict[str, str]:
        if not 2 <= len(settings.get("options") or []) <= 15:
            return {"options": N_("Give from two to fifteen options to rank.")}
        return {}

    def choices(self, question) -> list[tuple[str, str]]:
        return option_lines(question)

    def read(self, question, reading) -> Answered:
        """One select per option ("<name>-<key>") with its rank 1…n, or empty. Ranks given must differ and
        run from 1 without a gap; options left without a rank come after the ranked ones."""
        options = self.choices(question)
        ranks = {}
        for key, _label in options:
            text = reading.get(key)
            if not text:
                continue
            if not text.isdigit() or not 1 <= int(text) <= len(options):
                raise AnswerError(N_("Give each option a rank from 1 to {number}."), number=len(options))
            ranks[key] = int(text)
        if not ranks:
            return Answered()
        if len(set(ranks.values())) != len(ranks):
            raise AnswerError(N_("Give each rank only once."))
        if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            raise AnswerError(N_("Give the ranks in a row from 1, without a gap."))
        return Answered(sorted(ranks, key=ranks.get))

    def form_value(self, question, value, geometry) -> object:
        return {key: rank for rank, key in enumerate(value or [], start=1)}

    def columns(self, question) -> list[tuple[str, str]]:
        return [(key, f"{question.text}: {label}") for key, label in self.choices(question)]

    def cells(self, question, value, geometry) -> list[object]:
        ranks = self.form_value(question, value, geometry)
        return [ranks.get(key) for key, _label in self.choices(question)]

    def describe(self, question, value, geometry) -> str:
        labels = dict(self.choices(question))
        return "; ".join(f"{rank}. {labels.get(key, key)}" for rank, key in enumerate(value or [], start=1))

    def add(self, question, tally, value, geometry) -> None:
        for rank, key in enumerate(value, start=1):
            tally.count(key)
            sums = tally.extra.setdefault("rank_sums", {})
            sums[key] = sums.get(key, 0) + rank
            if rank == 1:
                firsts = tally.extra.setdefault("firsts", {})
                firsts[key] = firsts.get(key, 0) + 1

    def summary(self, question, tally, total: int) -> dict:
        sums, firsts = tally.extra.get("rank_sums", {}), tally.extra.get("firsts", {})
        rows = []
        for key, label in self.choices(question):
            ranked = tally.counts.get(key, 0)
            rows.append({"label": label, "ranked": ranked, "mean": sums.get(key, 0) / ranked if ranked else None,
                         "first": firsts.get(key, 0)})
        rows.sort(key=lambda row: (row["mean"] is None, row["mean"] or 0))
        return {"ranking": rows, "answered": tally.answered}
