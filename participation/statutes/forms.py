from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from participation.statutes.labels import KIND_LABELS, STATUS_LABELS
from participation.statutes.models import LegalStatus, StatuteKind
from participation.web.text import strip_bidi_controls


def kind_choices():
    return [(kind.value, label) for kind, label in KIND_LABELS.items()]


def status_choices():
    return [(status.value, label) for status, label in STATUS_LABELS.items()]


def _id_or_none(value):
    """The successor select's value: an id, or None for "not replaced" (and anything else)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: pre_validate refuses it with the select's own message


class StatuteForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=kind_choices, default=StatuteKind.BEBAUUNGSPLAN.value,
                       validators=[InputRequired()])
    number = StringField(_l("Number"), filters=[strip_bidi_controls],
                         description=_l("The town's number for it, e.g. “12” or “12, 1st amendment”."),
                         validators=[Optional(), Length(max=60)])
    title = StringField(_l("Title"), filters=[strip_bidi_controls], validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), filters=[strip_bidi_controls], validators=[Optional(), Length(max=1000)])
    status = SelectField(_l("Legal status"), choices=status_choices, default=LegalStatus.PLANNING_DECISION.value,
                         validators=[InputRequired()])
    planning_decision_on = DateField(_l("Decision to draw up the plan on"), validators=[Optional()])
    adopted_on = DateField(_l("Adopted by the council on"), validators=[Optional()])
    in_force_from = DateField(_l("In force from"), description=_l("The day of the announcement."),
                              validators=[Optional()])
    repealed_on = DateField(_l("Repealed on"), validators=[Optional()])
    #: Choices set by the view: the town's other statutes.
    replaced_by = SelectField(_l("Replaced by"), coerce=_id_or_none, validate_choice=True,
                              description=_l("The statute that replaces this one; choosing one marks this one as repealed."))
    area_geojson = TextAreaField(
        _l("Area as GeoJSON"),
        description=_l("Drawn on the map above, or pasted here: a Polygon or MultiPolygon in EPSG:4326."),
        validators=[Optional(), Length(max=2_000_000)],
    )
    area_file = FileField(
        _l("…or upload a GeoJSON file"),
        validators=[FileAllowed(["geojson", "json"], _l("Please choose a .geojson or .json file."))],
    )
    #: Asked only when the town has no boundary and the area is larger than any town.
    confirm_size = BooleanField(_l("I confirm the size"))
    pre_moderation = BooleanField(_l("New comments appear only after approval"))

    def validate_adopted_on(self, field):
        if field.data and self.planning_decision_on.data and field.data < self.planning_decision_on.data:
            raise ValidationError(_l("The statute cannot be adopted before the decision to draw it up."))

    def validate_in_force_from(self, field):
        if field.data and self.adopted_on.data and field.data < self.adopted_on.data:
            raise ValidationError(_l("The statute cannot come into force before it is adopted."))

    def validate_repealed_on(self, field):
        if field.data and self.in_force_from.data and field.data < self.in_force_from.data:
            raise ValidationError(_l("The statute cannot be repealed before it comes into force."))

    def validate_status(self, field):
        if field.data == LegalStatus.IN_FORCE.value and not self.in_force_from.data:
            raise ValidationError(_l("Set the day from which the statute is in force (the day of its announcement)."))
