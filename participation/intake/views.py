"""The planners' pages for input received by letter, e-mail or at a workshop, and its likely duplicates."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.accounts.permissions import is_planner_for
from participation.comments.listing import comment_map_attributes, has_addresses
from participation.comments.forms import form_id
from participation.comments.models import Comment, CommentAttachment
from participation.comments.subjects import Subject, is_statute, subject_title, subject_url
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.intake import attachments, duplicates, services
from participation.intake.forms import IntakeForm
from participation.loaders import get_by_id, get_comment, get_municipality, get_project, get_statute
from participation.maps.drawing import draw_map
from participation.municipalities.boundary import town_extent
from participation.statutes.documents import format_size
from participation.statutes.text import paragraph_label
from participation.web.folium_maps import area_map
from participation.web.i18n import translated

bp = Blueprint("intake", __name__)

#: Room for the form's other fields beside the scan in a request.
_FORM_OVERHEAD = 2**20
_FORM_ENDPOINTS = {"intake.new_for_project", "intake.new_for_statute"}


@bp.url_value_preprocessor
def _allow_scan_sized_bodies(endpoint: str | None, values: dict | None) -> None:
    # Before the CSRF check reads the form (as statutes/document_views.py): a scan a little over the
    # limit still reaches the view and gets a message at its field, a far larger one the 413 page.
    if endpoint in _FORM_ENDPOINTS:
        request.max_content_length = attachments.max_bytes() + _FORM_OVERHEAD


def comment_url(comment: Comment) -> str:
    """Where a planner looks at one comment: the moderation page once it exists, else the subject's page."""
    if "moderation.comment" in current_app.view_functions:
        return url_for("moderation.comment", slug=comment.subject.municipality.slug, comment_id=comment.id)
    return subject_url(comment.subject, _anchor=f"comment-{comment.id}")


bp.add_app_template_global(comment_url, "intake_comment_url")


def _planners_subject(slug: str, project_id: int | None = None, statute_id: int | None = None) -> Subject:
    """The project or statute in the URL (404), for the town's planners only (403)."""
    town = get_municipality(slug)
    subject = get_statute(town, statute_id) if statute_id is not None else get_project(town, project_id)
    if not is_planner_for(current_user, town):
        abort(403)
    return subject


def _form_url(subject: Subject) -> str:
    if is_statute(subject):
        return url_for("intake.new_for_statute", slug=subject.municipality.slug, statute_id=subject.id)
    return url_for("intake.new_for_project", slug=subject.municipality.slug, project_id=subject.id)


def _duplicates_url(subject: Subject) -> str:
    if is_statute(subject):
        return url_for("intake.duplicates_statute", slug=subject.municipality.slug, statute_id=subject.id)
    return url_for("intake.duplicates_project", slug=subject.municipality.slug, project_id=subject.id)


@bp.route("/<slug>/projekte/<int:project_id>/eingabe-erfassen", methods=["GET", "POST"])
@login_required
def new_for_project(slug: str, project_id: int):
    return _intake(_planners_subject(slug, project_id=project_id))


@bp.route("/<slug>/satzungen/<int:statute_id>/eingabe-erfassen", methods=["GET", "POST"])
@login_required
def new_for_statute(slug: str, statute_id: int):
    return _intake(_planners_subject(slug, statute_id=statute_id))


def _intake(subject: Subject):
    form = IntakeForm(subject=subject, paragraphs=_paragraphs(subject))
    location_error = None
    if request.method == "POST":
        valid = form.validate()
        draft, problems = _parse(subject, form)
        scan = None
        upload = form.scan.data
        if upload is not None and getattr(upload, "filename", ""):
            try:
                scan = attachments.check_upload(upload.stream, upload.filename)
            except attachments.AttachmentRefused as refused:
                problems["scan"] = translated(refused.message, refused.params)
        if valid and not problems:
            try:
                comment = services.enter_comment(subject, current_user, draft, scan)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                attachments.discard(scan)
                raise
            return redirect(url_for("intake.entered", slug=subject.municipality.slug, comment_id=comment.id))
        attachments.discard(scan)
        location_error = problems.pop("location", None)
        for name, message in problems.items():
            field = getattr(form, name, None)
            if field is not None and not field.errors:
                field.errors = [message]
            elif field is None:
                current_app.logger.warning("Intake problem without a field: %s", name)
                location_error = " ".join(filter(None, [location_error, message]))
    return render_template(
        "intake/new.html", town=subject.municipality, subject=subject, title=subject_title(subject), form=form,
        statute=is_statute(subject),
        location_error=location_error, errors=_error_list(form, location_error),
        map=_area_map(subject), drawing=draw_map(subject.map),
        map_attributes=dict(comment_map_attributes(subject, None), **{"data-page-url": request.path}),
        has_addresses=has_addresses(subject.municipality), duplicates_url=_duplicates_url(subject),
        max_size=format_size(attachments.max_bytes()), max_length=current_app.config["COMMENT_MAX_LENGTH"],
    ), (400 if request.method == "POST" else 200)


def _entry(form: IntakeForm, subject: Subject) -> dict:
    return dict(
        channel=form.channel.data, received_on=None if form.received_on.errors else form.received_on.data,
        sender_name=form.sender_name.data or "", sender_email=form.sender_email.data or "",
        text=form.text.data, category_id=form_id(form.category.data), lon=form.lon.data, lat=form.lat.data,
        paragraph=form.paragraph.data if is_statute(subject) else None, today=services.local_day(utcnow()),
    )


def _parse(subject: Subject, form: IntakeForm) -> tuple[services.IntakeDraft | None, dict[str, str]]:
    """The entry as the service takes it, or the service's problems by field."""
    try:
        return services.parse_intake(subject, **_entry(form, subject)), {}
    except services.IntakeInputError as error:
        return None, error.problems


def _paragraphs(subject: Subject) -> list[tuple[str, str]]:
    if not is_statute(subject):
        return []
    return [(p.anchor, paragraph_label(section, p)) for section in subject.sections for p in section.paragraphs]


def _area_map(subject: Subject):
    if is_statute(subject) and subject.area is None:
        town = subject.municipality
        return area_map(None, bounds=town_extent(town), boundary=town.boundary)
    return area_map(subject.area)


#: Fields drawn as a group: their messages link to the group.
_ANCHORS = {"channel": "channel-choices"}


def _error_list(form: IntakeForm, location_error: str | None) -> list[tuple[str, str, str]]:
    """(anchor, label, message) for the summary at the top of the form, in the form's order."""
    errors = []
    for field in form:
        if field.errors and field.type not in ("HiddenField", "CSRFTokenField"):
            errors.append((_ANCHORS.get(field.name, field.id), str(field.label.text), " ".join(map(str, field.errors))))
        if field.name == "lon" and location_error:  # the place's fieldset stands where its hidden fields are
            errors.append(("pin-fieldset", _("Place on the map"), location_error))
    return errors


@bp.get("/<slug>/eingaben/<int:comment_id>/erfasst")
@login_required
def entered(slug: str, comment_id: int):
    town = get_municipality(slug)
    comment = get_comment(town, comment_id)
    if not is_planner_for(current_user, town):
        abort(403)
    if not comment.on_behalf:
        abort(404)
    subject = comment.subject
    return render_template(
        "intake/entered.html", town=town, subject=subject, title=subject_title(subject), statute=is_statute(subject),
        comment=comment,
        receipt_sent=services.receipt_sent(comment), likely=duplicates.likely_duplicates_of(comment),
        form_url=_form_url(subject), duplicates_url=_duplicates_url(subject),
    )


@bp.get("/<slug>/projekte/<int:project_id>/aehnliche-eingaben")
@login_required
def duplicates_project(slug: str, project_id: int):
    return _duplicates(_planners_subject(slug, project_id=project_id))


@bp.get("/<slug>/satzungen/<int:statute_id>/aehnliche-eingaben")
@login_required
def duplicates_statute(slug: str, statute_id: int):
    return _duplicates(_planners_subject(slug, statute_id=statute_id))


def _duplicates(subject: Subject):
    return render_template("intake/duplicates.html", town=subject.municipality, subject=subject, title=subject_title(subject),
                           report=duplicates.likely_duplicates(subject), radius=int(duplicates.RADIUS_M),
                           threshold=duplicates.THRESHOLD, form_url=_form_url(subject))


@bp.get("/<slug>/eingaben/anhaenge/<int:attachment_id>")
@login_required
def attachment(slug: str, attachment_id: int):
    town = get_municipality(slug)
    item = get_by_id(CommentAttachment, attachment_id)
    if item is None or item.comment.subject.municipality_id != town.id:
        abort(404)
    if not is_planner_for(current_user, town):
        abort(403)
    path = attachments.attachment_path(item)
    if not path.is_file():
        current_app.logger.error("The file of attachment %s (%s) is missing", item.id, item.stored_name)
        abort(404)
    response = send_file(path, mimetype=item.media_type, conditional=True, etag=item.sha256 or None)
    fallback = item.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(item.filename, safe='')}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Personal data: kept in no shared cache, nor in the browser's.
    response.headers["Cache-Control"] = "private, no-store"
    return response
