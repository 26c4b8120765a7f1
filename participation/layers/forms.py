from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DecimalField, FieldList, FormField, HiddenField, RadioField, SelectChoice,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import ColorInput

from geo.layers import CHOICES as CRS_CHOICES
from participation.layers.styles import MAX_CATEGORIES, MAX_POPUP_ROWS, POINT_SYMBOLS

_COLOUR = [Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Choose a colour."))]
_POINT_LABELS = {"circle": _l("Circle"), "square": _l("Square"), "triangle": _l("Triangle"), "diamond": _l("Diamond")}
_CRS_NAMES = {
    25832: "ETRS89 / UTM 32N", 25833: "ETRS89 / UTM 33N", 31466: "DHDN / Gauß-Krüger 2",
    31467: "DHDN / Gauß-Krüger 3", 31468: "DHDN / Gauß-Krüger 4", 31469: "DHDN / Gauß-Krüger 5",
    4326: "WGS 84 (lon/lat)",
}


def crs_label(code: int) -> str:
    return f"EPSG:{code} – {_CRS_NAMES.get(code, '')}".rstrip(" –")


class LayerMetadata:
    """The fields every layer has, shared by upload and edit forms."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    source = StringField(_l("Source"), description=_l("Who keeps the data, and its date, e.g. “Zweckverband, ALKIS 2026-10”."),
                         validators=[Optional(), Length(max=300)])
    attribution = StringField(_l("Licence and attribution"),
                              description=_l("Shown on every map with this layer, e.g. “© GeoBasis-DE/LGB, dl-de/by-2-0”."),
                              validators=[Optional(), Length(max=300)])


class UploadForm(LayerMetadata, FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("Zipped shapefile (.zip with .shp, .shx, .dbf and .prj), GeoPackage, GeoJSON, "
                                    "KML, FlatGeobuf or GML (XPlanGML)."))
    crs = SelectField(_l("Coordinate reference system"), default="",
                      description=_l("Only needed when the file does not state it (e.g. a shapefile without .prj)."),
                      choices=[SelectChoice("", _l("As stated in the file"))]
                      + [SelectChoice(str(c), crs_label(c)) for c in CRS_CHOICES])


class NewVersionForm(FlaskForm):
    file = UploadForm.file
    crs = UploadForm.crs


class ChoiceForm(FlaskForm):
    """What the uploader picks when the file has several layers or no usable CRS."""

    source_layer = RadioField(_l("Layer"), validate_choice=True, validators=[Optional()])
    crs = RadioField(_l("Coordinate reference system"), validate_choice=True, validators=[Optional()])


class LayerForm(LayerMetadata, FlaskForm):
    pass


class CategoryForm(FlaskForm):
    class Meta:
        csrf = False  # part of the style form

    value = StringField(_l("Value"), validators=[Optional(), Length(max=200)])
    colour = StringField(_l("Colour"), widget=ColorInput(), default="#2f6f9f", validators=[Optional(), *_COLOUR])
    label = StringField(_l("Label in the legend"), validators=[Optional(), Length(max=200)])


class PopupRowForm(FlaskForm):
    class Meta:
        csrf = False

    attribute = SelectField(_l("Attribute"), validate_choice=True, choices=[])
    show = BooleanField(_l("Show in the popup"))
    label = StringField(_l("Label"), validators=[Optional(), Length(max=100)])


class StyleForm(FlaskForm):
    fill = StringField(_l("Fill colour"), widget=ColorInput(), validators=_COLOUR)
    stroke = StringField(_l("Line colour"), widget=ColorInput(), validators=_COLOUR)
    opacity = DecimalField(_l("Fill opacity (0 to 1)"), places=2, validators=[DataRequired(), NumberRange(0, 1)])
    width = DecimalField(_l("Line width in pixels"), places=1, validators=[DataRequired(), NumberRange(0, 20)])
    point = SelectField(_l("Point symbol"), choices=[SelectChoice(symbol, _POINT_LABELS[symbol]) for symbol in POINT_SYMBOLS],
                        validate_choice=True)
    categorise_by = SelectField(_l("Colour by attribute"), validate_choice=True, choices=[],
                                description=_l("Each value of this attribute gets its own colour and legend entry."))
    categories = FieldList(FormField(CategoryForm), min_entries=0, max_entries=MAX_CATEGORIES)
    popup = FieldList(FormField(PopupRowForm), min_entries=0, max_entries=MAX_POPUP_ROWS)
    #: "save", or "fill" to fill the category rows from the attribute's values.
    action = HiddenField(default="save")


class ProjectLayerForm(FlaskForm):
    """One row of a project's layer list."""

    class Meta:
        csrf = False

    layer_id = HiddenField()
    visible = BooleanField(_l("Visible when the map opens"))
    remove = BooleanField(_l("Remove from the map"))


class ProjectMapForm(FlaskForm):
    rows = FieldList(FormField(ProjectLayerForm), min_entries=0)
    add = SelectField(_l("Add a layer"), validate_choice=True, choices=[], default="")
