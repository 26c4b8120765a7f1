"""The moderators' pages: the town's queue with bulk actions, and one comment with its actions and log."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from participation.comments.models import Comment
from participation.comments.permissions import can_moderate
from participation.comments.queries import positive_int
from participation.extensions import db
from participation.loaders import get_comment, get_municipality
from participation.moderation import audit, queries, services
from participation.moderation.forms import ActionForm, BlockForm, BulkForm, DuplicateForm, HideForm
from participation.moderation.labels import ACTION_LABELS, OUTCOME_LABELS, STATUS_LABELS, visibility_label
from participation.municipalities.models import Municipality
from participation.municipalities.permissions import can_moderate as can_moderate_town

bp = Blueprint("moderation", __name__)
bp.add_app_template_global(can_moderate, "can_moderate_comments")
bp.add_app_template_global(visibility_label, "visibility_label")


def _town(slug: str) -> Municipality:
    return get_municipality(slug, can_moderate_town)


def _queue_page(town: Municipality, view: queries.QueueView, form: BulkForm, status: int = 200, problem: str = ""):
    page = queries.queue_page(town, view, current_app.config["TIME_ZONE"])
    projects, statutes = queries.subjects_of(town)
    return render_template(
        "moderation/queue.html", town=town, view=view, page=page, form=form, problem=problem,
        projects=projects, statutes=statutes, categories=queries.categories_of(town), statuses=STATUS_LABELS,
        selected=set(_selected_ids()) if request.method == "POST" else set(),
    ), status


def _selected_ids() -> list[int | None]:
    return [positive_int(value) for value in request.form.getlist("kommentar")]


@bp.get("/<slug>/moderation")
@login_required
def queue(slug: str):
    town = _town(slug)
    return _queue_page(town, queries.QueueView.from_args(request.args), BulkForm(formdata=None))


@bp.post("/<slug>/moderation")
@login_required
def bulk(slug: str):
    town = _town(slug)
    view = queries.QueueView.from_args(request.form)
    form = BulkForm()
    if not form.validate():
        return _queue_page(town, view, form, 400)
    ids = _selected_ids()
    if not ids:
        return _queue_page(town, view, form, 400, _("Please select at least one comment."))
    if len(ids) > queries.PAGE_SIZE:  # more than one page shows: a hand-made request
        return _queue_page(town, view, form, 400, _("Please select at most {count} comments at once.").format(
            count=queries.PAGE_SIZE))
    comments = None if None in ids else services.comments_in_town(town, ids)
    if comments is None:
        return _queue_page(town, view, form, 400, _("Some of the selected comments are not comments of this town. "
                                                     "Nothing was changed."))
    if form.action.data == "hide":
        done = sum(services.hide(comment, current_user, form.reason.data) for comment in comments)
        message = ngettext("%(num)d comment hidden.", "%(num)d comments hidden.", done)
    else:
        done = sum(services.approve(comment, current_user) for comment in comments)
        message = ngettext("%(num)d comment approved.", "%(num)d comments approved.", done)
    db.session.commit()
    skipped = len(comments) - done
    if skipped:
        message += " " + ngettext("%(num)d selected comment was left as it was.",
                                  "%(num)d selected comments were left as they were.", skipped)
    flash(message, "success")
    return redirect(url_for("moderation.queue", slug=town.slug, **view.to_args()))


def _comment_page(town: Municipality, comment: Comment, status: int = 200, **forms):
    forms = {"hide_form": HideForm(prefix="hide", formdata=None),
             "duplicate_form": DuplicateForm(prefix="duplicate", formdata=None),
             "block_form": BlockForm(prefix="block", formdata=None), **forms}
    return render_template(
        "moderation/comment.html", town=town, comment=comment, reports=queries.reports_of(comment),
        replies=queries.replies_of(comment), log=audit.log_of(comment.id),
        block=queries.block_of(town, comment.author_id), action_labels=ACTION_LABELS,
        outcome_labels=OUTCOME_LABELS, **forms,
    ), status


def _load(slug: str, comment_id: int) -> tuple[Municipality, Comment]:
    town = _town(slug)
    return town, get_comment(town, comment_id)


def _back(town: Municipality, comment: Comment, message: str, category: str = "success"):
    db.session.commit()
    flash(message, category)
    return redirect(url_for("moderation.comment", slug=town.slug, comment_id=comment.id))


@bp.get("/<slug>/moderation/kommentare/<int:comment_id>")
@login_required
def comment(slug: str, comment_id: int):
    town, item = _load(slug, comment_id)
    return _comment_page(town, item)


def _checked_action(slug: str, comment_id: int) -> tuple[Municipality, Comment]:
    """The town and comment of an action without input, its CSRF token checked."""
    town, item = _load(slug, comment_id)
    if not ActionForm().validate():
        abort(400)
    return town, item


@bp.post("/<slug>/moderation/kommentare/<int:comment_id>/freigeben")
@login_required
def approve(slug: str, comment_id: int):
    town, item = _checked_action(slug, comment_id)
    if not services.approve(item, current_user):
        return _back(town, item, _("This comment is not waiting for approval."), "info")
    return _back(town, item, _("The comment has been approved and is shown publicly."))


@bp.post("/<slug>/moderation/kommentare/<int:comment_id>/wiederherstellen")
@login_required
def restore(slug: str, comment_id: int):
    town, item = _checked_action(slug, comment_id)
    if not services.restore(item, current_user):
        return _back(town, item, _("This comment is not hidden."), "info")
    return _back(town, item, _("The comment has been restored and is shown publicly again."))


@bp.post("/<slug>/moderation/kommentare/<int:comment_id>/behalten")
@login_required
def keep(slug: str, comment_id: int):
    town, item = _checked_action(slug, comment_id)
    if not services.keep(item, current_user):
        return _back(town, item, _("This comment has no open reports."), "info")
    return _back(town, item, _("The reports have been dismissed; the comment stays."))


@bp.post("/<slug>/moderation/kommentare/<int:comment_id>/verbergen")
@login_required
def hide(slug: str, comment_id: int):
    town, item = _load(slug, comment_id)
    form = HideForm(prefix="hide")
    if not form.validate():
        return _comment_page(town, item, 400, hide_form=form)
    if not services.hide(item, current_user, form.reason.data):
        return _back(town, item, _("This comment is hidden already."), "info")
    return _back(town, item, _("The comment has been hidden. In its place the public sees the reason."))


@bp.post("/<slug>/moderation/kommentare/<int:comment_id>/duplikat")
@login_required
def duplicate(slug: str, comment_id: int):
    town, item = _load(slug, comment_id)
    form = DuplicateForm(prefix="duplicate")
    if not form.validate():
        return _comment_page(town, item, 400, duplicate_form=form)
    try:
        original = services.original_for(item, positive_int(form.number.data))
    except services.ModerationRefused as refusal:
        form.number.errors = [str(refusal)]
        return _comment_page(town, item, 400, duplicate_form=form)
    services.mark_duplicate(item, original, current_user)
    return _back(town, item, _("The comment has been marked as a duplicate of comment no. {number}.").format(
        number=original.id))


@bp.post("/<slug>/moderation/kommentare/<int:comment_id>/sperren")
@login_required
def block(slug: str, comment_id: int):
    town, item = _load(slug, comment_id)
    form = BlockForm(prefix="block")
    if not form.validate():
        return _comment_page(town, item, 400, block_form=form)
    try:
        services.block(town, item, current_user, form.reason.data)
    except services.ModerationRefused as refusal:
        form.reason.errors = [str(refusal)]
        return _comment_page(town, item, 400, block_form=form)
    return _back(town, item, _("The account has been blocked from writing in {town}.").format(town=town.name))


@bp.post("/<slug>/moderation/kommentare/<int:comment_id>/entsperren")
@login_required
def unblock(slug: str, comment_id: int):
    town, item = _checked_action(slug, comment_id)
    if not services.unblock(town, item, current_user):
        return _back(town, item, _("This account is not blocked."), "info")
    return _back(town, item, _("The account can write in {town} again.").format(town=town.name))
