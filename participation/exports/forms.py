"""The form a planner asks for an export with."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Optional

from participation.exports.models import ExportFormat

FORMAT_LABELS = {
    ExportFormat.XLSX: _l("Workbook (XLSX): comments, replies, the town's answers, figures"),
    ExportFormat.CSV: _l("Table (CSV, UTF-8) with comments and replies"),
    ExportFormat.GEOJSON: _l("GeoJSON (WGS 84) for web maps"),
    ExportFormat.GPKG: _l("GeoPackage for QGIS and other GIS"),
    ExportFormat.WEIGHING_XLSX: _l("Weighing table (XLSX) for the council"),
    ExportFormat.WEIGHING_PDF: _l("Weighing table (PDF) for the council paper"),
    ExportFormat.REPORT_PDF: _l("Participation report (PDF): figures, charts, map, hot spots and the weighing table"),
}
CRS_LABELS = {
    4326: _l("WGS 84, longitude and latitude (EPSG:4326)"),
    25832: _l("ETRS89 / UTM zone 32N (EPSG:25832)"),
    25833: _l("ETRS89 / UTM zone 33N (EPSG:25833)"),
}
GROUPING_LABELS = {
    "thema": _l("By paragraph or category"),
    "datum": _l("By date of receipt"),
}


class ExportForm(FlaskForm):
    """What to export and how. The view fills `subject`'s choices with the town's projects and statutes."""

    subject = SelectField(_l("What to export"), validators=[InputRequired()])
    format = RadioField(_l("Format"), default=ExportFormat.XLSX.value,
                        description=_l("A PDF of up to 500 statements is tagged for screen readers; a longer one "
                                       "is not — the XLSX is then the accessible form."),
                        choices=[SelectChoice(f.value, label) for f, label in FORMAT_LABELS.items()])
    crs = RadioField(_l("Coordinates"), default="4326",
                     description=_l("Tables always have longitude and latitude; a projected system adds easting "
                                    "and northing. GeoJSON is always in WGS 84."),
                     choices=[SelectChoice(str(code), label) for code, label in CRS_LABELS.items()])
    grouping = RadioField(_l("Order of the weighing table"), default="thema",
                          choices=[SelectChoice(key, label) for key, label in GROUPING_LABELS.items()])
    since = DateField(_l("Comments received from"), validators=[Optional()])
    until = DateField(_l("until (inclusive)"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        chosen = ExportFormat(self.format.data) if self.format.data in set(ExportFormat) else None
        if chosen is not None and chosen.for_one_subject and ":" not in (self.subject.data or ""):
            self.subject.errors.append(_l("A weighing table or report is made for one project or statute: "
                                          "choose one."))
            valid = False
        if self.since.data and self.until.data and self.since.data > self.until.data:
            self.until.errors.append(_l("The last day lies before the first."))
            valid = False
        return valid
