"""Uploading a file, and choosing a layer or CRS when the file leaves it open."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectChoice, SelectField
from wtforms.validators import Optional

from geo.layers import CHOICES as CRS_CHOICES
from geo.layers import crs_label
from participation.layers.forms import LayerMetadata


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
