"""Forms of the admin area and of the invitation the invitee accepts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from participation.accounts.forms import RegisterForm
from participation.accounts.models import Role
from participation.web.text import strip_bidi_controls

#: How each role is called on the pages and in the invitation mail.
ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.PLANNER: _l("Planner"),
    Role.GIS: _l("GIS team"),
    Role.ADMIN: _l("Admin"),
}
#: The roles an admin invites people to; residents register themselves.
INVITED_ROLES = (Role.PLANNER, Role.GIS, Role.ADMIN)
#: Roles that work for chosen towns (admins work for every town).
TOWN_ROLES = (Role.PLANNER, Role.GIS)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class TownCreateForm(FlaskForm):
    name = StringField(_l("Name of the town"), filters=[_strip, strip_bidi_controls],
                       validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Address in the pool"),
        description=_l("The town's part of the web address, e.g. musterstadt for /musterstadt/. Lower-case "
                       "letters, digits and hyphens; it cannot be changed later."),
        filters=[_strip], validators=[DataRequired(), Length(max=60)],
    )


class TownEditForm(FlaskForm):
    name = StringField(_l("Name of the town"), filters=[_strip, strip_bidi_controls],
                       validators=[DataRequired(), Length(max=120)])


class _RoleAndTowns(FlaskForm):
    """A role and the towns it works for; set `towns.choices` before validating."""

    role = SelectField(_l("Role"), validators=[DataRequired()])
    towns = SelectMultipleField(
        _l("Towns"), coerce=int,
        description=_l("Planners and the GIS team work for the towns chosen here; admins for every town."),
    )

    def validate_towns(self, field) -> None:
        if self.role.data in TOWN_ROLES and not field.data:
            raise ValidationError(_l("Choose at least one town for this role."))


class InviteForm(_RoleAndTowns):
    email = EmailField(_l("E-mail address"), filters=[_strip],
                       validators=[DataRequired(), Email(), Length(max=254)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, ROLE_LABELS[role]) for role in INVITED_ROLES]


class AccountRoleForm(_RoleAndTowns):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, ROLE_LABELS[role]) for role in Role]


class AccountFilterForm(FlaskForm):
    """The account list's search and filters, read from the query string."""

    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField(_l("E-mail address or public name"), filters=[_strip], validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[Optional()])
    town = SelectField(_l("Town"), validators=[Optional()])

    def __init__(self, *args, towns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _l("All roles"))] + [(role.value, ROLE_LABELS[role]) for role in Role]
        self.town.choices = [("", _l("All towns"))] + [(str(town.id), town.name) for town in towns]


class AcceptInvitationForm(FlaskForm):
    """The invitee's public name and password, with the very fields (and rules) of registration."""

    pseudonym = RegisterForm.pseudonym
    password = RegisterForm.password
    password_repeat = RegisterForm.password_repeat
    accept_privacy = RegisterForm.accept_privacy
