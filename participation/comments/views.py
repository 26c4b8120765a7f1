from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.comments import queries, services
from participation.comments.forms import CommentForm, ReplyForm, ReportForm
from participation.comments.permissions import (
    can_moderate,
    can_report,
    can_support,
    comment_refusal,
    count_write,
    retry_after,
    write_limit_message,
    write_limited,
)
from participation.extensions import db
from participation.loaders import get_comment, get_municipality, get_project
from participation.municipalities.permissions import can_moderate as can_moderate_town
from participation.projects.permissions import can_view_project

bp = Blueprint("comments", __name__)


def _back(comment_or_project, anchor: str | None = None):
    project = getattr(comment_or_project, "project", comment_or_project)
    return redirect(
        url_for("projects.show", slug=project.municipality.slug, project_id=project.id, _anchor=anchor)
    )


def _category_id(raw: str | None) -> object:
    """The category as the API would send it: digits as an int, the placeholder as none chosen,
    anything else as it came, for parse_comment to refuse with its own message."""
    if raw in (None, "", "0"):
        return None
    # At most 18 digits: int() of thousands of digits is refused by Python itself, and no id is that long.
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return raw


def _too_fast(request_limit):
    """A spent write limit on a form: the message at the form it came from, not an error page."""
    flash(write_limit_message(retry_after(request_limit)), "danger")
    town = get_municipality(request.view_args["slug"])
    if "comment_id" in request.view_args:
        comment = get_comment(town, request.view_args["comment_id"])
        return _back(comment, f"comment-{comment.id}")
    return _back(get_project(town, request.view_args["project_id"]), "comment-form")


@bp.post("/<slug>/projekte/<int:project_id>/kommentare")
@login_required
@write_limited(_too_fast)
def create(slug: str, project_id: int):
    town = get_municipality(slug)
    project = get_project(town, project_id)
    if not can_view_project(current_user, project):
        abort(404)
    refusal = comment_refusal(current_user, project)
    if refusal:
        abort(403, refusal)
    form = CommentForm(project=project)
    if not form.validate():  # the CSRF token only: parse_comment decides about the content
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return _back(project, "comment-form")
    try:
        draft = services.parse_comment(
            project, form.text.data, _category_id(form.category.data), form.lon.data, form.lat.data
        )
    except services.CommentInputError as error:
        for message in error.problems.values():
            flash(message, "danger")
        return _back(project, "comment-form")
    comment = services.create_comment(project, current_user, draft)
    db.session.commit()
    count_write()
    flash(_("Thank you! Your comment has been published."), "success")
    return _back(project, f"comment-{comment.id}")


@bp.post("/<slug>/kommentare/<int:comment_id>/antworten")
@login_required
@write_limited(_too_fast)
def reply(slug: str, comment_id: int):
    comment = get_comment(get_municipality(slug), comment_id)
    refusal = comment_refusal(current_user, comment.project)
    if refusal:
        abort(403, refusal)
    form = ReplyForm()
    if not form.validate():  # the CSRF token only, as in `create`
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return _back(comment, f"comment-{comment.id}")
    try:
        draft = services.parse_comment(comment.project, form.text.data, parent_id=comment.id)
    except services.CommentInputError as error:
        for message in error.problems.values():
            flash(message, "danger")
        return _back(comment, f"comment-{comment.id}")
    created = services.create_comment(comment.project, current_user, draft)
    db.session.commit()
    count_write()
    flash(_("Thank you! Your reply has been published."), "success")
    return _back(comment, f"comment-{created.id}")


@bp.post("/<slug>/kommentare/<int:comment_id>/unterstuetzen")
@login_required
@write_limited(_too_fast)
def support(slug: str, comment_id: int):
    comment = get_comment(get_municipality(slug), comment_id)
    if not can_support(current_user, comment):
        abort(403)
    if services.support(comment, current_user):
        db.session.commit()
        count_write()
        flash(_("You support this comment."), "success")
    else:
        flash(_("You already support this comment."), "info")
    return _back(comment, f"comment-{comment.id}")


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
    flash(_("Thank you. The moderators will look at this comment."), "success")
    return _back(comment, f"comment-{comment.id}")


@bp.get("/<slug>/moderation")
@login_required
def moderation(slug: str):
    town = get_municipality(slug)
    if not can_moderate_town(current_user, town):
        abort(403)
    return render_template("comments/moderation.html", town=town, reported=queries.open_reports(town.id))


@bp.post("/<slug>/kommentare/<int:comment_id>/entfernen")
@login_required
def remove(slug: str, comment_id: int):
    return _moderate(slug, comment_id, services.remove, _("The comment has been removed."))


@bp.post("/<slug>/kommentare/<int:comment_id>/behalten")
@login_required
def keep(slug: str, comment_id: int):
    return _moderate(slug, comment_id, services.dismiss_reports, _("The reports have been dismissed; the comment stays."))


def _moderate(slug: str, comment_id: int, action, message: str):
    town = get_municipality(slug)
    comment = get_comment(town, comment_id)
    if not can_moderate(current_user, comment.project):
        abort(403)
    action(comment, current_user)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("comments.moderation", slug=town.slug))
