"""The planners' answer page and weighing table, publishing the result, and the public results page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from participation.accounts.permissions import is_planner_for
from participation.comments.labels import CHANNEL_LABELS, channel_label
from participation.comments.models import CommentState
from participation.comments.subjects import Subject, is_statute, subject_title, subject_url
from participation.extensions import db
from participation.jobs.views import job_state
from participation.loaders import get_by_id, get_comment, get_municipality, get_project, get_statute
from participation.jobs.models import Job
from participation.web import feedback
from participation.web.feedback import flash_at
from participation.weighing import queries
from participation.weighing.forms import AnswerForm, PublishForm
from participation.weighing.permissions import can_answer, can_view_results, can_weigh, has_results
from participation.weighing.services import AnswerInput, PublishRefused, answer_comment, publish_result

bp = Blueprint("weighing", __name__)
bp.add_app_template_global(can_answer, "can_answer_comment")
bp.add_app_template_global(can_weigh, "can_weigh")
bp.add_app_template_global(has_results, "has_results")

#: The element on the weighing table that shows what became of "Publish result".
PUBLISH_TARGET = "publish-result"
#: Where the answer page returns to: the subject's page (default) or the weighing table.
RETURN_TO_TABLE = "tabelle"


@bp.record_once
def _show_feedback(state) -> None:
    feedback.register_targets(state.app, lambda context: [PUBLISH_TARGET] if "publish_form" in context else [])


def _planner_subject(slug: str, project_id: int | None = None, statute_id: int | None = None) -> Subject:
    """The town's project or statute for its planners: 403 for anyone else, 404 for another town's."""
    town = get_municipality(slug, is_planner_for)
    return get_statute(town, statute_id) if statute_id is not None else get_project(town, project_id)


def _overview_url(subject: Subject, **args) -> str:
    if is_statute(subject):
        return url_for("weighing.statute_overview", slug=subject.municipality.slug, statute_id=subject.id, **args)
    return url_for("weighing.project_overview", slug=subject.municipality.slug, project_id=subject.id, **args)


def _results_url(subject: Subject) -> str:
    if is_statute(subject):
        return url_for("weighing.statute_results", slug=subject.municipality.slug, statute_id=subject.id)
    return url_for("weighing.project_results", slug=subject.municipality.slug, project_id=subject.id)


def excerpt(text: str, length: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


bp.add_app_template_filter(excerpt, "excerpt")


@bp.route("/<slug>/kommentare/<int:comment_id>/antwort", methods=["GET", "POST"])
@login_required
def answer(slug: str, comment_id: int):
    town = get_municipality(slug, is_planner_for)
    comment = get_comment(town, comment_id)
    if not can_answer(current_user, comment):
        abort(404)  # a reply or a comment its author deleted: nothing to answer
    subject = comment.subject
    similar = queries.similar_comments(comment)
    form = AnswerForm(had_answer=comment.answer is not None, weighs=is_statute(subject),
                      published=queries.decision_published(comment), old_decision=comment.decision,
                      old_reasoning=comment.decision_reasoning)
    form.others.choices = [SelectChoice(str(c.id), excerpt(c.text)) for c in similar]
    if request.method == "GET":
        form.text.data = comment.answer.text if comment.answer else ""
        form.state.data = comment.state.value
        form.others.data = [str(c.id) for c in similar if comment.answer_id and c.answer_id == comment.answer_id]
        form.decision.data = comment.decision.value if comment.decision else ""
        form.reasoning.data = comment.decision_reasoning
    back = request.values.get("zurueck") if request.values.get("zurueck") == RETURN_TO_TABLE else ""
    if form.validate_on_submit():
        by_id = {c.id: c for c in similar}
        answer_comment(comment, AnswerInput(
            text=form.text.data or "", state=CommentState(form.state.data),
            others=[by_id[i] for i in form.chosen_others()], weighs=form.weighs,
            decision=form.chosen_decision(), reasoning=form.reasoning.data or ""), current_user)
        db.session.commit()
        message = _("The answer has been saved.")
        if back:
            flash_at(PUBLISH_TARGET, message)
            return redirect(_overview_url(subject, _anchor=f"row-{comment.id}"))
        flash_at(f"comment-{comment.id}", message)
        return redirect(subject_url(subject, _anchor=f"comment-{comment.id}"))
    labels = queries.paragraph_labels(subject)
    return render_template(
        "weighing/answer.html", town=town, comment=comment, subject=subject, form=form, similar=similar,
        topic=lambda c: queries.topic_of(c, labels), back=back, subject_name=subject_title(subject),
        overview_url=_overview_url(subject),
    ), 400 if request.method == "POST" else 200


def _overview(subject: Subject):
    grouping = request.args.get("gruppe")
    grouping = grouping if grouping in queries.GROUPINGS else queries.GROUPINGS[0]
    labels = queries.paragraph_labels(subject)
    job = queries.latest_notice_job(subject)
    return render_template(
        "weighing/overview.html", town=subject.municipality, subject=subject, subject_name=subject_title(subject),
        rows=queries.weighing_table(subject, grouping), grouping=grouping, progress=queries.weighing_progress(subject),
        topic=lambda c: queries.topic_of(c, labels), publish_form=PublishForm(), job=job,
        job_state=job_state(job) if job else None, channel_label=channel_label, is_statute=is_statute(subject),
        results_url=_results_url(subject),
        publish_url=url_for("weighing.publish_statute" if is_statute(subject) else "weighing.publish_project",
                            slug=subject.municipality.slug, **{"statute_id" if is_statute(subject) else "project_id":
                                                               subject.id}),
    )


@bp.get("/<slug>/projekte/<int:project_id>/abwaegung")
@login_required
def project_overview(slug: str, project_id: int):
    return _overview(_planner_subject(slug, project_id=project_id))


@bp.get("/<slug>/satzungen/<int:statute_id>/abwaegung")
@login_required
def statute_overview(slug: str, statute_id: int):
    return _overview(_planner_subject(slug, statute_id=statute_id))


def _publish(subject: Subject):
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        # Residents chose no language that is stored: the notices are in the town's.
        publish_result(subject, current_user, current_app.config["BABEL_DEFAULT_LOCALE"])
    except PublishRefused as refused:
        flash_at(PUBLISH_TARGET, refused.message, "danger")
        return redirect(_overview_url(subject))
    db.session.commit()
    flash_at(PUBLISH_TARGET, _("The result has been published. The result notices are being sent."))
    return redirect(_overview_url(subject))


@bp.post("/<slug>/projekte/<int:project_id>/abwaegung/veroeffentlichen")
@login_required
def publish_project(slug: str, project_id: int):
    return _publish(_planner_subject(slug, project_id=project_id))


@bp.post("/<slug>/satzungen/<int:statute_id>/abwaegung/veroeffentlichen")
@login_required
def publish_statute(slug: str, statute_id: int):
    return _publish(_planner_subject(slug, statute_id=statute_id))


@bp.get("/<slug>/abwaegung/auftraege/<int:job_id>/status")
@login_required
def notice_job(slug: str, job_id: int):
    """The progress of a result-notice job, for the weighing table's progress bar."""
    town = get_municipality(slug, is_planner_for)
    job = get_by_id(Job, job_id)
    if job is None or job.kind != queries.RESULT_JOB:
        abort(404)
    subject = queries.subject_from_key((job.payload or {}).get("subject"))
    if subject is None or subject.municipality_id != town.id:
        abort(404)
    return jsonify(job_state(job))


def _results(subject: Subject):
    if not can_view_results(current_user, subject):
        abort(404)
    published = subject.results_published_at is not None
    labels = queries.paragraph_labels(subject)
    no_topic = _("The statute as a whole") if is_statute(subject) else _("No category")
    return render_template(
        "weighing/results.html", town=subject.municipality, subject=subject, subject_name=subject_title(subject),
        figures=queries.figures(subject, no_topic, CHANNEL_LABELS), answered=queries.answered_comments(subject),
        decided=queries.decided_comments(subject) if published else [], published=published,
        topic=lambda c: queries.topic_of(c, labels), can_weigh_here=can_weigh(current_user, subject),
        overview_url=_overview_url(subject), is_statute=is_statute(subject),
    )


@bp.get("/<slug>/projekte/<int:project_id>/ergebnisse")
def project_results(slug: str, project_id: int):
    return _results(get_project(get_municipality(slug), project_id))


@bp.get("/<slug>/satzungen/<int:statute_id>/ergebnisse")
def statute_results(slug: str, statute_id: int):
    return _results(get_statute(get_municipality(slug), statute_id))
