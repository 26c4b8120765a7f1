"""The answer-and-weighing form and the publish button's form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional

from participation.comments.labels import DECISION_LABELS, STATE_LABELS
from participation.comments.models import Decision

#: Longer answers and reasonings are no answer a resident reads; the column holds any length.
TEXT_MAX = 10_000


class AnswerForm(FlaskForm):
    """The town's answer to a comment (and to similar ones), its state, and for a statute's comment its
    weighing. The view sets the choices of `others`; `validate` needs to know the comment's situation."""

    text = TextAreaField(_l("Answer of the town"), validators=[Optional(), Length(max=TEXT_MAX)],
                         description=_l("Shown publicly under the comment, as the town's answer."))
    state = RadioField(_l("State"), choices=[SelectChoice(state.value, label) for state, label in STATE_LABELS.items()])
    #: Ids of other top-level comments of the same subject that get the same answer.
    others = SelectMultipleField(_l("Also answer these similar comments"), validate_choice=False)
    decision = RadioField(_l("Decision of the weighing"), validate_choice=False, default="",
                          choices=[SelectChoice("", _l("Not decided yet"))]
                          + [SelectChoice(decision.value, label) for decision, label in DECISION_LABELS.items()])
    reasoning = TextAreaField(_l("Reasoning"), validators=[Optional(), Length(max=TEXT_MAX)],
                              description=_l("Internal until you publish the result of the weighing."))

    def __init__(self, *args, had_answer: bool = False, weighs: bool = False, published: bool = False,
                 old_decision: Decision | None = None, old_reasoning: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.had_answer = had_answer
        self.weighs = weighs
        self.published = published
        self.old_decision = old_decision
        self.old_reasoning = old_reasoning

    def chosen_others(self) -> list[int]:
        """The ids ticked in `others` (only valid after `validate`)."""
        return [int(value) for value in self.others.data or []]

    def chosen_decision(self) -> Decision | None:
        return Decision(self.decision.data) if self.weighs and self.decision.data else None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        text = (self.text.data or "").strip()
        offered = {choice.value for choice in self.others.choices}
        if any(value not in offered for value in self.others.data or []):
            self.others.errors.append(_l("Choose only comments from the list."))
            valid = False
        elif self.others.data and not text:
            self.others.errors.append(_l("Write an answer to answer other comments with it."))
            valid = False
        if self.had_answer and not text and not self.text.errors:
            self.text.errors.append(_l("The answer cannot be emptied; change its words instead."))
            valid = False
        if self.weighs:
            valid = self._validate_weighing() and valid
        return valid

    def _validate_weighing(self) -> bool:
        if self.decision.data not in {choice.value for choice in self.decision.choices}:
            self.decision.errors.append(_l("Choose one of the decisions."))
            return False
        decision = Decision(self.decision.data) if self.decision.data else None
        reasoning = (self.reasoning.data or "").strip()
        if self.published and (decision != self.old_decision or reasoning != self.old_reasoning.strip()):
            self.decision.errors.append(_l("The result has been published; the decision and its reasoning can no longer be changed."))
            return False
        if decision is None and reasoning:
            self.decision.errors.append(_l("Choose a decision for this reasoning."))
            return False
        if decision in (Decision.PARTLY_ACCEPTED, Decision.NOT_ACCEPTED) and not reasoning and not self.reasoning.errors:
            self.reasoning.errors.append(_l("Give the reasons for this decision."))
            return False
        return True


class PublishForm(FlaskForm):
    """The "Publish result" button: its CSRF token."""
