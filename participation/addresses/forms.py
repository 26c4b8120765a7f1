"""Uploading an address list."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField

from geo.layers import CHOICES as CRS_CHOICES
from geo.layers import crs_label


class AddressUploadForm(FlaskForm):
    file = FileField(_l("Address list"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("The state's house coordinates (Hauskoordinaten, CSV), a CSV file with street, "
                                    "house number, postcode and coordinates, or a point layer (GeoPackage, "
                                    "GeoJSON, zipped shapefile)."))
    crs = SelectField(_l("Coordinate reference system"), default="",
                      description=_l("Only needed when the file does not state it (x/y columns without a UTM zone)."),
                      choices=[SelectChoice("", _l("As stated in the file"))]
                      + [SelectChoice(str(c), crs_label(c)) for c in CRS_CHOICES])
