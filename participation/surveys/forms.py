"""The planners' forms: a survey's settings, a page, a question (its fields depend on the type)."""
from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, FloatField, IntegerField, RadioField, SelectChoice, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from participation.surveys.models import Access
from participation.surveys.questions import QuestionType, Setting


class SurveyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(_l("Introduction"), validators=[Optional(), Length(max=5000)],
                          description=_l("What the survey is for, how long it takes, what happens with the answers."))
    access = RadioField(_l("Who may answer"), default=Access.ACCOUNT.value, choices=[
        SelectChoice(Access.ACCOUNT.value, _l("People with an account, once each")),
        SelectChoice(Access.CODE.value, _l("People with an access code from a letter, once per code")),
        SelectChoice(Access.OPEN.value, _l("Anyone, without an account (nothing stops a second response)")),
    ])
    results_public = BooleanField(_l("Publish the results when the survey is closed"))


class PageForm(FlaskForm):
    title = StringField(_l("Page title"), validators=[Optional(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(_l("Access code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The code from your letter, e.g. “ACDEF-GHJKM”."))


class QuestionBase(FlaskForm):
    text = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    help = TextAreaField(_l("Hint under the question"), validators=[Optional(), Length(max=1000)])
    required = BooleanField(_l("An answer is required"))
    with_comment = BooleanField(_l("Offer a comment field beside the answer"))
    demographic = BooleanField(_l("Demographic question (always optional; used to filter the results)"))
    condition = SelectField(_l("Show only when an earlier answer is …"), choices=[], default="",
                            description=_l("Leave empty to show the question always."))


def _finite(form, field) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Please enter a number."))


def _setting_field(setting: Setting):
    required = [DataRequired()] if setting.required and setting.kind != "int" else [Optional()]
    if setting.kind == "lines":
        return TextAreaField(setting.label, validators=required + [Length(max=10_000)], description=setting.help)
    if setting.kind == "int":
        low = int(setting.low) if setting.low is not None else None
        high = int(setting.high) if setting.high is not None else None
        return IntegerField(setting.label, default=setting.default, description=setting.help,
                            validators=([DataRequired()] if setting.required else [Optional()])
                            + [NumberRange(min=low, max=high)])
    if setting.kind == "float":
        return FloatField(setting.label, default=setting.default, validators=[Optional(), _finite],
                          description=setting.help)
    if setting.kind == "bool":
        return BooleanField(setting.label, default=setting.default)
    return StringField(setting.label, validators=[Optional(), Length(max=int(setting.high or 200))],
                       description=setting.help)


def question_form(kind: QuestionType, conditions: list[tuple[str, str]], **kwargs) -> QuestionBase:
    """A form for a question of `kind`: the common fields and one field "s_<key>" per setting of the type.
    `conditions` are the (value, label) choices of the condition select, "" (none) first."""
    form_class = type(f"{kind.kind.title()}QuestionForm", (QuestionBase,),
                      {f"s_{setting.key}": _setting_field(setting) for setting in kind.settings})
    form = form_class(**kwargs)
    form.condition.choices = [SelectChoice("", "—")] + [SelectChoice(value, label) for value, label in conditions]
    return form


def settings_from(form: QuestionBase, kind: QuestionType) -> dict:
    """The type's settings from a validated form: "lines" as a list without empty lines."""
    settings = {}
    for setting in kind.settings:
        data = form[f"s_{setting.key}"].data
        if setting.kind == "lines":
            lines = [line.strip()[:200] for line in (data or "").splitlines() if line.strip()]
            settings[setting.key] = lines
        elif setting.kind == "text":
            settings[setting.key] = (data or "").strip()
        else:
            settings[setting.key] = data
    return settings


def check_lines(form: QuestionBase, kind: QuestionType, settings: dict) -> bool:
    """The "lines" limits and the type's own checks, as errors on the fields; True if none."""
    ok = True
    for setting in kind.settings:
        if setting.kind == "lines" and setting.high is not None and len(settings[setting.key]) > setting.high:
            form[f"s_{setting.key}"].errors = list(form[f"s_{setting.key}"].errors) + [
                _l("At most %(number)d lines.", number=int(setting.high))]
            ok = False
    return ok


def fill_settings(form: QuestionBase, kind: QuestionType, settings: dict) -> None:
    """Show stored settings in the form ("lines" one per line)."""
    for setting in kind.settings:
        value = settings.get(setting.key, setting.default)
        form[f"s_{setting.key}"].data = "\n".join(value) if setting.kind == "lines" and value else value
