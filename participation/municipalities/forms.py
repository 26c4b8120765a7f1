from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from participation.web.text import strip_bidi_controls

LOGO_MAX_BYTES = 512 * 1024


class TownSettingsForm(FlaskForm):
    name = StringField(_l("Name of the town"), validators=[DataRequired(), Length(max=120)])
    logo = FileField(
        _l("Logo"),
        description=_l("SVG or PNG, at most 512 KB. Leave empty to keep the current logo."),
        validators=[
            FileAllowed(["svg", "png"], _l("Please choose an SVG or PNG file.")),
            FileSize(LOGO_MAX_BYTES, message=_l("The logo may be at most 512 KB.")),
        ],
    )


class BoundaryDrawForm(FlaskForm):
    """The boundary drawn on the map (written into the text field) or uploaded as GeoJSON."""

    boundary_geojson = TextAreaField(
        _l("Boundary as GeoJSON"),
        description=_l("Drawn on the map above, or pasted here: a Polygon or MultiPolygon in EPSG:4326 "
                       "(or with a “crs” member)."),
        validators=[Optional(), Length(max=2_000_000)],
    )
    boundary_file = FileField(
        _l("…or upload a GeoJSON file"),
        validators=[FileAllowed(["geojson", "json"], _l("Please choose a .geojson or .json file."))],
    )


class BoundaryLayerForm(FlaskForm):
    """The boundary taken from a published vector layer: all its polygons, or those with attribute = value."""

    layer = SelectField(_l("Layer"), coerce=int, validators=[DataRequired()])
    attribute = StringField(
        _l("Only features whose attribute …"),
        description=_l("Leave empty to merge all polygons of the layer. Example: GEN"),
        filters=[strip_bidi_controls], validators=[Optional(), Length(max=100)],
    )
    value = StringField(
        _l("… has this value"),
        description=_l("Example: Musterstadt"),
        filters=[strip_bidi_controls], validators=[Optional(), Length(max=200)],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Not an inline validator: Optional() ends the value's chain when it is empty.
        if (self.attribute.data or "").strip() and not (self.value.data or "").strip():
            self.value.errors = [*self.value.errors, _l("Enter the value the attribute must have.")]
            return False
        return valid
