from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.comments import photos, queries, services
from participation.comments.forms import CommentForm, EditCommentForm, ReplyForm, ReportForm, form_id
from participation.comments.labels import channel_received, comment_state_label, decision_label
from participation.comments.listing import comment_form_for, comment_map_attributes, has_addresses
from participation.comments.models import Comment, CommentPhoto
from participation.comments.permissions import (
    can_edit,
    can_report,
    can_support,
    comment_refusal,
    count_write,
    edit_refusal,
    is_own,
    retry_after,
    visible_replies,
    write_limit_message,
    write_limited,
)
from participation.comments.queries import ListView
from participation.extensions import db
from participation.comments.subjects import Subject, can_view_subject, is_statute, subject_title, subject_url
from participation.loaders import get_by_id, get_comment, get_municipality, get_project, get_statute
from participation.projects.views import project_page
from participation.statutes import receipts
from participation.statutes.views import statute_page
from participation.web import feedback
from participation.web.feedback import flash_at

bp = Blueprint("comments", __name__)
bp.add_app_template_global(is_own, "is_own_comment")
bp.add_app_template_global(can_edit, "can_edit_comment")
bp.add_app_template_global(subject_url, "subject_url")
bp.add_app_template_global(subject_title, "subject_title")
bp.add_app_template_global(comment_map_attributes, "comment_map_attributes")
bp.add_app_template_global(has_addresses, "has_addresses")
bp.add_app_template_global(comment_state_label, "comment_state_label")
bp.add_app_template_global(decision_label, "decision_label")
bp.add_app_template_global(channel_received, "channel_received")
bp.add_app_template_global(photos.thumbnail_size, "photo_thumbnail_size")

#: The comment form on the project page; messages about a new comment that was refused go there.
FORM_TARGET = "comment-form"
#: The list as a whole: messages about a comment that is gone (deleted without replies) go there.
LIST_TARGET = "comments"


def comment_target(comment_id: int) -> str:
    """The id of a comment's element on the project page: the redirect's anchor and its messages' target."""
    return f"comment-{comment_id}"


def _targets_on_page(context) -> list[str]:
    """The comments on a list page, each of which shows its own messages (comments/_comment.html)."""
    page = context.get("page")
    if not isinstance(page, queries.CommentPage):
        return []
    shown = list(page.items) + [reply for replies in page.replies.values() for reply in replies]
    return [FORM_TARGET, LIST_TARGET] + [comment_target(c.id) for c in shown]


@bp.record_once
def _show_feedback(state) -> None:
    feedback.register_targets(state.app, _targets_on_page)


#: The endpoints that take a comment with its photos; every other route keeps the app-wide MAX_CONTENT_LENGTH.
_PHOTO_ENDPOINTS = {"comments.create", "comments.create_on_statute"}


@bp.url_value_preprocessor
def _allow_photo_sized_bodies(endpoint: str | None, values: dict | None) -> None:
    # Raised before the CSRF check reads the form (see layers/uploads/views.py).
    if endpoint in _PHOTO_ENDPOINTS:
        request.max_content_length = photos.request_limit()


def _back(subject: Subject, view: ListView, anchor: str | None = None):
    """To the project's or statute's page, at the list page, order and filter the person came from."""
    return redirect(subject_url(subject, **view.to_args(), _anchor=anchor))


def _back_to_comment(comment: Comment, message: str, category: str = "success"):
    """Back to the list the form came from, with the message at the comment."""
    flash_at(comment_target(comment.id), message, category)
    return _back(comment.subject, ListView.from_args(request.form), comment_target(comment.id))


def _plan_object(raw: str | None) -> tuple[object, object] | None:
    """"<layer id>:<feature id>" as parse_comment takes it: the layer id as an int where it is digits."""
    if not raw:
        return None
    layer, _sep, feature = raw.partition(":")
    return form_id(layer), feature


def _subject_page(subject: Subject, form: CommentForm, status: int):
    if is_statute(subject):
        return statute_page(subject, ListView(), form=form, status=status)
    return project_page(subject, ListView(), form=form, status=status)


def _refused_at_form(subject: Subject, messages, status: int = 400):
    """The page again, the person's words, pin and target kept in the form, the reasons at the form."""
    for message in messages:
        flash_at(FORM_TARGET, message, "danger")
    return make_response(_subject_page(subject, comment_form_for(subject), status))


def _subject_in_url(town) -> Subject:
    """The project or statute named in the URL, 404 for one the person may not see."""
    if "statute_id" in request.view_args:
        subject = get_statute(town, request.view_args["statute_id"])
    else:
        subject = get_project(town, request.view_args["project_id"])
    if not can_view_subject(current_user, subject):
        abort(404)
    return subject


def _too_fast(request_limit):
    """A spent write limit on a form: the message at the form or comment it came from, not an error page."""
    message = write_limit_message(retry_after(request_limit))
    town = get_municipality(request.view_args["slug"])
    if "comment_id" in request.view_args:
        return _back_to_comment(get_comment(town, request.view_args["comment_id"]), message, "danger")
    response = _refused_at_form(_subject_in_url(town), [message], status=429)
    response.headers["Retry-After"] = str(retry_after(request_limit))
    return response


@bp.post("/<slug>/projekte/<int:project_id>/kommentare")
@login_required
@write_limited(_too_fast)
def create(slug: str, project_id: int):
    return _create(get_project(get_municipality(slug), project_id))


@bp.post("/<slug>/satzungen/<int:statute_id>/kommentare")
@login_required
@write_limited(_too_fast)
def create_on_statute(slug: str, statute_id: int):
    return _create(get_statute(get_municipality(slug), statute_id))


def _create(subject: Subject):
    if not can_view_subject(current_user, subject):
        abort(404)
    refusal = comment_refusal(current_user, subject)
    if refusal:
        abort(403, refusal)
    form = comment_form_for(subject)
    if not form.validate():  # the CSRF token only: parse_comment decides about the content
        return _refused_at_form(subject, [message for errors in form.errors.values() for message in errors])
    problems: list[str] = []
    try:
        draft = services.parse_comment(
            subject, form.text.data, form_id(form.category.data), form.lon.data, form.lat.data,
            paragraph=form.paragraph.data, plan_object=_plan_object(form.plan_object.data),
        )
    except services.CommentInputError as error:
        problems.extend(error.problems.values())
    try:
        images = photos.check_uploads(form.photos.data)
    except photos.PhotosRefused as refused:
        problems.extend(refused.messages)
    if problems:
        if photos.uploads(form.photos.data):  # a browser cannot fill a file input again
            problems.append(_("Nothing has been saved. Please choose your photos again."))
        return _refused_at_form(subject, problems)
    comment = services.create_comment(subject, current_user, draft, notify_on_answer=bool(form.notify.data))
    photos.attach_photos(comment, images)
    receipt = receipts.issue_receipt(comment) if is_statute(subject) else None
    db.session.commit()
    count_write()
    # The first page, newest first and unfiltered: there the new comment is at the top.
    if receipt:
        flash_at(comment_target(comment.id), _(
            "Thank you! Your statement has been received with the reference number {reference}. "
            "A receipt with its full text is on its way to your e-mail address.").format(reference=comment.reference))
    elif not comment.is_published:  # pre-moderation: not on the list yet, so the message goes to the form
        flash_at(FORM_TARGET, _("Thank you! Your comment has been received. It will be shown once a moderator "
                                "has approved it."))
        return _back(subject, ListView(), FORM_TARGET)
    else:
        flash_at(comment_target(comment.id), _("Thank you! Your comment has been published."))
    return _back(subject, ListView(), comment_target(comment.id))


@bp.post("/<slug>/kommentare/<int:comment_id>/antworten")
@login_required
@write_limited(_too_fast)
def reply(slug: str, comment_id: int):
    comment = get_comment(get_municipality(slug), comment_id)
    refusal = comment_refusal(current_user, comment.subject)
    if refusal:
        abort(403, refusal)
    form = ReplyForm()
    if not form.validate():  # the CSRF token only, as in `create`
        return _back_to_comment(comment, " ".join(m for errors in form.errors.values() for m in errors), "danger")
    try:
        draft = services.parse_comment(comment.subject, form.text.data, parent_id=comment.id)
    except services.CommentInputError as error:
        return _back_to_comment(comment, " ".join(error.problems.values()), "danger")
    created = services.create_comment(comment.subject, current_user, draft)
    db.session.commit()
    count_write()
    if not created.is_published:
        return _back_to_comment(comment, _("Thank you! Your reply has been received. It will be shown once a "
                                           "moderator has approved it."))
    return _back_to_comment(created, _("Thank you! Your reply has been published."))


@bp.post("/<slug>/kommentare/<int:comment_id>/unterstuetzen")
@login_required
@write_limited(_too_fast)
def support(slug: str, comment_id: int):
    comment = get_comment(get_municipality(slug), comment_id)
    if not can_support(current_user, comment):
        abort(403)
    if not services.support(comment, current_user):
        return _back_to_comment(comment, _("You already support this comment."), "info")
    db.session.commit()
    count_write()
    return _back_to_comment(comment, _("You support this comment."))


@bp.post("/<slug>/kommentare/<int:comment_id>/melden")
@login_required
@write_limited(_too_fast)
def report(slug: str, comment_id: int):
    comment = get_comment(get_municipality(slug), comment_id)
    if not can_report(current_user, comment):
        abort(403)
    form = ReportForm()
    if not form.validate():
        abort(400)
    if services.report(comment, current_user, form.reason.data or ""):
        db.session.commit()
        count_write()
    return _back_to_comment(comment, _("Thank you. The moderators will look at this comment."))


def _own_comment(slug: str, comment_id: int) -> Comment:
    """The current user's own comment named in the URL: 404 if they cannot see it, 403 if not theirs."""
    comment = get_comment(get_municipality(slug), comment_id)
    if not can_view_subject(current_user, comment.subject):
        abort(404)
    if not is_own(current_user, comment):
        abort(403)
    return comment


@bp.route("/<slug>/kommentare/<int:comment_id>/bearbeiten", methods=["GET", "POST"])
@login_required
@write_limited(_too_fast)
def edit(slug: str, comment_id: int):
    comment = _own_comment(slug, comment_id)
    view = ListView.from_args(request.form if request.method == "POST" else request.args)
    form = EditCommentForm(comment=comment, data={"text": comment.text, "category": comment.category_id or 0})
    refusal = edit_refusal(current_user, comment, visible_replies(comment))
    status = 200
    if request.method == "POST":
        if not form.validate():  # the CSRF token only: parse_comment decides about the content
            abort(400)
        if refusal:  # answered (or closed) while the person was writing
            status = 409
        else:
            try:
                draft = services.parse_comment(
                    comment.subject, form.text.data,
                    None if comment.parent_id else form_id(form.category.data), parent_id=comment.parent_id)
            except services.CommentInputError as error:
                refusal = _show_input_errors(form, error)
                status = 400
            else:
                services.edit_comment(comment, current_user, draft)
                db.session.commit()
                count_write()
                flash_at(comment_target(comment.id), _("Your changes have been saved."))
                return _back(comment.subject, view, comment_target(comment.id))
    return render_template("comments/edit.html", town=comment.subject.municipality, subject=comment.subject,
                           comment=comment, form=form, refusal=refusal, list_view=view,
                           back_url=subject_url(comment.subject, **view.to_args(),
                                                _anchor=comment_target(comment.id))), status


def _show_input_errors(form: EditCommentForm, error: services.CommentInputError) -> str | None:
    """Put parse_comment's messages on the form's fields; a problem no field shows (the comment replied
    to was removed meanwhile) comes back as the page's refusal."""
    fields = {"text": form.text, "category_id": getattr(form, "category", None)}
    unplaced = []
    for name, message in error.problems.items():
        if fields.get(name) is not None:
            fields[name].errors = [message]
        else:
            unplaced.append(message)
    return " ".join(unplaced) or None


@bp.post("/<slug>/kommentare/<int:comment_id>/loeschen")
@login_required
@write_limited(_too_fast)
def delete(slug: str, comment_id: int):
    comment = _own_comment(slug, comment_id)
    subject, parent_id = comment.subject, comment.parent_id
    view = ListView.from_args(request.form)
    shown_after = services.delete_comment(comment, current_user) is False and bool(visible_replies(comment))
    db.session.commit()
    count_write()
    if shown_after:  # a placeholder for its replies
        flash_at(comment_target(comment_id), _("Your comment has been deleted. The replies to it stay."))
        return _back(subject, view, comment_target(comment_id))
    if parent_id is not None:
        # A placeholder whose last visible reply this was leaves the list with it (tallies.listed_clause).
        flash_at(comment_target(parent_id), _("Your reply has been deleted."))
        return _back(subject, view, comment_target(parent_id))
    # Nothing is left to show the message at: the message under the list's heading.
    flash_at(LIST_TARGET, _("Your comment has been deleted."))
    return _back(subject, view, f"{LIST_TARGET}-feedback")


def _viewable_photo(slug: str, photo_id: int) -> CommentPhoto:
    """The photo named in the URL if the current user may see its comment (404 otherwise, as for a
    comment that does not exist)."""
    town = get_municipality(slug)
    photo = get_by_id(CommentPhoto, photo_id)
    if photo is None or photo.comment.subject.municipality_id != town.id:
        abort(404)
    if not photos.can_view_photos(current_user, photo.comment):
        abort(404)
    return photo


def _send_photo(photo: CommentPhoto, path, name: str):
    if not path.is_file():
        current_app.logger.error("The file %s of photo %s is missing", path.name, photo.id)
        abort(404)
    response = send_file(path, mimetype=photo.media_type, conditional=True, etag=path.name,
                         last_modified=photo.created_at)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # As for a statute's documents: nothing in it may run; Chromium's image viewer needs its inline styles.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox")
    # A file never changes under its address, but whether the person may see it does (moderation):
    # a published photo stays in this browser's cache for an hour, one waiting for approval or hidden not at all.
    published = photo.comment.is_published
    response.headers["Cache-Control"] = "private, max-age=3600" if published else "private, no-store"
    return response


@bp.get("/<slug>/kommentare/fotos/<int:photo_id>")
def photo(slug: str, photo_id: int):
    found = _viewable_photo(slug, photo_id)
    return _send_photo(found, photos.photo_path(found), f"foto-{found.id}.jpg")


@bp.get("/<slug>/kommentare/fotos/<int:photo_id>/vorschau")
def photo_thumbnail(slug: str, photo_id: int):
    found = _viewable_photo(slug, photo_id)
    return _send_photo(found, photos.thumbnail_path(found), f"foto-{found.id}-vorschau.jpg")
