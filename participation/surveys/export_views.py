"""Exports of a survey's responses: the form on the results page and the view that asks for the export.

The export itself is an ordinary `Export` (with its `survey`): its job, status page, download (only for
the planner who asked) and expiry are those of `participation.exports`.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from participation.exports import services
from participation.exports.forms import CRS_LABELS
from participation.exports.models import ExportFormat
from participation.extensions import db
from participation.loaders import get_municipality, get_survey
from participation.surveys import exports
from participation.surveys.models import Survey
from participation.surveys.permissions import can_manage_surveys

bp = Blueprint("survey_exports", __name__)


class SurveyExportForm(FlaskForm):
    """The format of a survey's export and, for a GeoPackage, its coordinates."""

    format = RadioField(_l("Format"), id="survey-export-format", default=ExportFormat.XLSX.value,
                        validators=[InputRequired()],
                        choices=[SelectChoice(f.value, label) for f, label in exports.FORMAT_LABELS.items()])
    crs = RadioField(_l("Coordinates of the GeoPackage"), id="survey-export-crs", default="4326",
                     description=_l("Tables have the places in WGS 84 (as WKT); GeoJSON is always in WGS 84."),
                     choices=[SelectChoice(str(code), label) for code, label in CRS_LABELS.items()])

    def __init__(self, survey: Survey, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_places = exports.has_map_questions(survey)
        if not self.has_places:  # tables only
            self.format.choices = [choice for choice in self.format.choices
                                   if ExportFormat(choice.value) not in exports.GIS_FORMATS]


@bp.app_template_global()
def survey_export_form(survey: Survey) -> SurveyExportForm:
    """The export form for the results page (`surveys/_export_form.html`), set to the town's UTM zone."""
    form = SurveyExportForm(survey, formdata=None)
    if survey.municipality.boundary is not None:
        form.crs.data = str(services.town_zone(survey.municipality))
    return form


@bp.post("/<slug>/umfragen/<int:survey_id>/export")
@login_required
def create(slug: str, survey_id: int):
    survey = get_survey(get_municipality(slug, can_manage_surveys), survey_id)
    form = SurveyExportForm(survey)
    if not form.validate_on_submit():
        # Only a tampered or expired form gets here: every field has a checked default.
        abort(400)
    fmt = ExportFormat(form.format.data)
    export = services.request_export(
        current_user, survey.municipality, fmt, crs=int(form.crs.data) if fmt is ExportFormat.GPKG else 4326,
        locale=str(get_locale() or "de"), survey=survey)
    db.session.commit()
    return redirect(url_for("exports.show", slug=survey.municipality.slug, export_id=export.id))
