"""The planners' forms for a statute's participation periods; the rules are in statutes.periods."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from participation.statutes.labels import PERIOD_KIND_LABELS
from participation.statutes.models import PeriodKind
from participation.web.text import strip_bidi_controls

#: The longest reason for a change (it is shown on the statute's page).
REASON_MAX_LENGTH = 2000


class PeriodForm(FlaskForm):
    kind = SelectField(_l("Kind of participation"), default=PeriodKind.DISPLAY.value, validators=[InputRequired()],
                       choices=[SelectChoice(kind.value, label) for kind, label in PERIOD_KIND_LABELS.items()],
                       description=_l("Comments made in a public display are formal statements: each sender "
                                      "gets a receipt with a reference number by e-mail."))
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))],
                          description=_l("From 00:00 on this day (German time)."))
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))],
                        description=_l("Until 24:00 on this day (German time)."))


class ChangePeriodForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))],
                          description=_l("From 00:00 on this day (German time)."))
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))],
                        description=_l("Until 24:00 on this day (German time)."))
    reason = TextAreaField(_l("Reason for the change"), filters=[strip_bidi_controls],
                           validators=[InputRequired(_l("Give the reason for the change; it is shown on the "
                                                        "statute's page.")), Length(max=REASON_MAX_LENGTH)],
                           description=_l("Shown on the statute's page with the change, e.g. “Extended because "
                                          "the plan documents were missing from the display for two days.”"))
