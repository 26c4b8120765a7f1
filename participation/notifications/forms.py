"""The forms of the notification settings: an area to follow, and taking back an unsubscribe."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, StringField
from wtforms.validators import AnyOf, InputRequired, Length

from participation.addresses.queries import MAX_QUERY_LENGTH
from participation.notifications.mailing import KINDS
from participation.notifications.openings import RADII
from participation.web.text import strip_bidi_controls


class AreaFollowForm(FlaskForm):
    address = StringField(_l("Address"), filters=[strip_bidi_controls],
                          validators=[InputRequired(_l("Enter an address, e.g. “Hauptstraße 5”.")),
                                      Length(max=MAX_QUERY_LENGTH)])
    radius = RadioField(_l("Distance around the address"), coerce=int, default=RADII[1],
                        choices=[SelectChoice(r, _l("%(metres)s m", metres=r)) for r in RADII],
                        validators=[InputRequired(_l("Choose a distance."))])


class KindForm(FlaskForm):
    """Unsubscribe from, or subscribe again to, one kind of notice."""

    kind = HiddenField(validators=[InputRequired(), AnyOf(KINDS)])
