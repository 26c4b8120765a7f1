"""The planners' export page, an export's status page and its download."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import format_date, get_locale, gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from participation.comments.subjects import subject_key, subject_title
from participation.database.mixins import utcnow
from participation.exports import services
from participation.exports.forms import FORMAT_LABELS, ExportForm
from participation.exports.models import Export, ExportFormat, ExportStatus
from participation.exports.permissions import can_download, can_export, can_view_export
from participation.extensions import db
from participation.jobs.views import job_state
from participation.loaders import get_by_id, get_municipality
from participation.statutes.documents import format_size
from participation.statutes.models import Statute
from participation.web import feedback
from participation.web.feedback import flash_at

bp = Blueprint("exports", __name__)
bp.add_app_template_global(can_export, "can_export")
bp.add_app_template_global(subject_key, "subject_key")

STATUS_LABELS = {
    ExportStatus.RUNNING: _l("Being written"),
    ExportStatus.READY: _l("Ready"),
    ExportStatus.FAILED: _l("Failed"),
}
#: The choice of `subject` that means every project and statute of the town.
WHOLE_TOWN = "stadt"
#: Where the export page shows what became of a deletion.
LIST_TARGET = "export-list"


@bp.record_once
def _show_feedback(state) -> None:
    feedback.register_targets(state.app, lambda context: [LIST_TARGET] if "exports" in context else [])


def _own_export(town, export_id: int) -> Export:
    export = get_by_id(Export, export_id)
    if export is None or export.municipality_id != town.id or not can_view_export(current_user, export):
        abort(404)
    return export


def _subject_label(subject) -> str:
    if isinstance(subject, Statute):
        return subject_title(subject)  # "Bebauungsplan Nr. 12 „Am Mühlenteich“" names its kind itself
    return _("Project “{title}”").format(title=subject_title(subject))


@bp.app_template_global()
def export_scope(export: Export) -> str:
    """What an export covers, in words."""
    if export.survey is not None:
        return _("Survey: {title}").format(title=export.survey.title)
    if export.subject is not None:
        return _subject_label(export.subject)
    town = _("All projects and statutes of %(town)s", town=export.municipality.name)
    if export.since or export.until:
        since = format_date(export.since, "medium") if export.since else "…"
        until = format_date(export.until, "medium") if export.until else "…"
        return _("{what}, {since} – {until}").format(what=town, since=since, until=until)
    return town


@bp.app_template_global()
def export_format(export: Export) -> str:
    if export.survey_id is not None:
        return services.response_writer().label(export.format)
    return str(FORMAT_LABELS[export.format])


@bp.app_template_global()
def export_written(export: Export) -> str:
    """What the file holds: tables have replies too, GIS files and the weighing table only comments; a
    survey's export its responses (a GIS file those with places, but all are read)."""
    if export.survey_id is not None and export.format in (ExportFormat.XLSX, ExportFormat.CSV):
        return ngettext("%(num)d response written.", "%(num)d responses written.", export.rows)
    if export.survey_id is not None:
        return ngettext("The places of %(num)d response written.", "The places of %(num)d responses written.",
                        export.rows)
    if export.format in (ExportFormat.XLSX, ExportFormat.CSV):
        return ngettext("%(num)d comment or reply written.", "%(num)d comments and replies written.", export.rows)
    return ngettext("%(num)d comment written.", "%(num)d comments written.", export.rows)


@bp.app_template_global()
def export_size(export: Export) -> str:
    return format_size(export.size)


@bp.app_template_global()
def export_status(export: Export) -> str:
    if export.status is ExportStatus.READY and export.expires_at <= utcnow():
        return _("Expired")
    return str(STATUS_LABELS[export.status])


@bp.route("/<slug>/exporte", methods=["GET", "POST"])
@login_required
def index(slug: str):
    town = get_municipality(slug, can_export)
    subjects = dict(services.subject_choices(town))
    form = ExportForm()
    form.subject.choices = [SelectChoice(WHOLE_TOWN, _("All projects and statutes of %(town)s", town=town.name))] + [
        SelectChoice(key, _subject_label(subject)) for key, subject in subjects.items()]
    if request.method == "GET":
        form.subject.data = request.args.get("fuer") if request.args.get("fuer") in subjects else WHOLE_TOWN
        form.crs.data = str(services.town_zone(town)) if town.boundary is not None else "4326"
    if form.validate_on_submit():
        export = services.request_export(
            current_user, town, ExportFormat(form.format.data), subjects.get(form.subject.data),
            since=form.since.data, until=form.until.data, crs=int(form.crs.data), grouping=form.grouping.data,
            locale=str(get_locale() or "de"))
        db.session.commit()
        return redirect(url_for("exports.show", slug=town.slug, export_id=export.id))
    exports = db.session.scalars(
        select(Export).where(Export.user_id == current_user.id, Export.municipality_id == town.id,
                             Export.expires_at > utcnow()).order_by(Export.id.desc()).limit(50)).all()
    status = 400 if request.method == "POST" else 200
    return render_template("exports/index.html", town=town, form=form, exports=exports,
                           retention=services.retention_hours()), status


@bp.get("/<slug>/exporte/<int:export_id>")
@login_required
def show(slug: str, export_id: int):
    town = get_municipality(slug, can_export)
    export = _own_export(town, export_id)
    state = job_state(export.job) if export.job is not None else None
    return render_template("exports/show.html", town=town, export=export, state=state,
                           ready=can_download(current_user, export),
                           expired=export.expires_at <= utcnow())


@bp.get("/<slug>/exporte/<int:export_id>/datei")
@login_required
def download(slug: str, export_id: int):
    town = get_municipality(slug, can_export)
    export = _own_export(town, export_id)
    if export.status is not ExportStatus.READY:
        abort(404)
    if not can_download(current_user, export):
        abort(410)  # expired: the link is dead for good
    path = services.path_of(export)
    if not path.is_file():
        abort(410)
    extension = services.EXTENSIONS[export.format]
    response = send_file(path, mimetype=services.MEDIA_TYPES[extension], as_attachment=True,
                         download_name=export.filename, max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<slug>/exporte/<int:export_id>/loeschen")
@login_required
def delete(slug: str, export_id: int):
    town = get_municipality(slug, can_export)
    export = _own_export(town, export_id)
    services.delete_export(export)
    db.session.commit()
    flash_at(LIST_TARGET, _("The export has been deleted."), "success")
    return redirect(url_for("exports.index", slug=town.slug, _anchor=LIST_TARGET))
