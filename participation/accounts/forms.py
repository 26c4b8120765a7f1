from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from participation.accounts.names import name_skeleton
from participation.web.text import strip_bidi_controls

PSEUDONYM = Regexp(r"^[\w .\-]+$", message=_l("Use letters, digits, spaces, dots and hyphens only."))


def _fits_skeleton(form, field) -> None:
    # A few characters expand many times under NFKC (ﷺ); the stored skeleton has 200 places.
    if field.data and len(name_skeleton(field.data)) > 200:
        raise ValidationError(_l("Use letters, digits, spaces, dots and hyphens only."))


class RegisterForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    pseudonym = StringField(
        _l("Public name"),
        description=_l("Shown beside your comments instead of your real name."),
        filters=[strip_bidi_controls],
        validators=[DataRequired(), Length(min=3, max=40), PSEUDONYM, _fits_skeleton],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 10 characters."),
        validators=[DataRequired(), Length(min=10, max=200)],
    )
    password_repeat = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    accept_privacy = BooleanField(
        _l("I have read the privacy notice."),
        validators=[DataRequired(message=_l("Please confirm that you have read the privacy notice."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay logged in on this device"))


class EmailForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters."),
        validators=[DataRequired(), Length(min=10, max=200)],
    )
    password_repeat = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
