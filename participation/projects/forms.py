from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, DateField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import ColorInput

from participation.projects.models import Phase
from participation.web.colours import colour_validator
from participation.web.text import strip_bidi_controls


#: A long description (about 3 000 words) renders in 0.05–0.1 s; the same length of ``[`` would take
#: a minute (Python-Markdown is quadratic on it) and is stopped by DESCRIPTION_RENDER_SECONDS.
DESCRIPTION_MAX_LENGTH = 20_000

#: Categories offered on the form; empty rows are ignored.
CATEGORY_ROWS = 6


def phase_choices():
    return [
        (Phase.DRAFT.value, _l("Draft (not public)")),
        (Phase.INFORMATION.value, _l("Information")),
        (Phase.PARTICIPATION.value, _l("Participation")),
        (Phase.EVALUATION.value, _l("Evaluation")),
        (Phase.CLOSED.value, _l("Closed")),
    ]


class CategoryForm(FlaskForm):
    class Meta:
        csrf = False  # part of the project form, which carries the token

    name = StringField(_l("Category"), filters=[strip_bidi_controls], validators=[Optional(), Length(max=80)])
    color = StringField(
        _l("Colour"),
        widget=ColorInput(),
        default="#1f77b4",
        validators=[Optional(), colour_validator()],
    )


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip_bidi_controls], validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), filters=[strip_bidi_controls], validators=[Optional(), Length(max=500)])
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italic*, lists, links."),
        validators=[Optional(), Length(max=DESCRIPTION_MAX_LENGTH)],
    )
    phase = SelectField(_l("Phase"), choices=phase_choices, default=Phase.DRAFT.value)
    participation_start = DateField(_l("Participation from"), validators=[Optional()])
    participation_end = DateField(_l("Participation until"), validators=[Optional()])
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
    categories = FieldList(FormField(CategoryForm), min_entries=CATEGORY_ROWS, max_entries=CATEGORY_ROWS)

    def validate_participation_end(self, field):
        start = self.participation_start.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The participation cannot end before it starts."))

    def validate_phase(self, field):
        if field.data == Phase.PARTICIPATION.value and not (
            self.participation_start.data and self.participation_end.data
        ):
            raise ValidationError(_l("Set the first and last day of the participation."))
