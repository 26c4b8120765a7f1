"""Residents answering a survey: its page, beginning (account, code or open), the pages, sending, thanks.

Planners see the same pages as a preview, which stores nothing.
"""
from __future__ import annotations

import dataclasses

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from participation.addresses import queries as addresses
from participation.extensions import db, limiter
from participation.loaders import get_municipality, get_survey
from participation.maps.drawing import draw_map
from participation.surveys import responding
from participation.surveys.builder import latest_version
from participation.surveys.forms import CodeForm
from participation.surveys.models import Access, ResponseState, SurveyResponse, SurveyState
from participation.surveys.permissions import can_answer, can_manage_surveys, can_see_results, can_view_survey
from participation.surveys.questions import Reading, condition_answer, question_type
from participation.web.folium_maps import area_map

bp = Blueprint("surveys", __name__)
#: The session key holding {survey id: draft secret}.
DRAFTS = "survey_drafts"


def _visible(slug: str, survey_id: int):
    town = get_municipality(slug)
    survey = get_survey(town, survey_id)
    if not can_view_survey(current_user, survey):
        abort(404)
    return town, survey


def _token(survey) -> str | None:
    return (session.get(DRAFTS) or {}).get(str(survey.id))


def _keep_token(survey, token: str | None) -> None:
    drafts = dict(session.get(DRAFTS) or {})
    if token:
        drafts[str(survey.id)] = token
    else:
        drafts.pop(str(survey.id), None)
    session[DRAFTS] = drafts


@bp.get("/<slug>/umfragen/<int:survey_id>")
def show(slug: str, survey_id: int):
    town, survey = _visible(slug, survey_id)
    return _show_page(town, survey, CodeForm())


def _show_page(town, survey, code_form, status: int = 200):
    draft = responding.find_draft(survey, _token(survey), current_user) if survey.state is SurveyState.OPEN else None
    return render_template(
        "surveys/show.html", town=town, survey=survey, code_form=code_form, draft=draft,
        answered=responding.has_participated(survey, current_user), can_answer=can_answer(current_user, survey),
        can_manage=can_manage_surveys(current_user, town), results=can_see_results(current_user, survey),
        newer=latest_version(survey) if survey.state is SurveyState.CLOSED else None,
    ), status


@bp.post("/<slug>/umfragen/<int:survey_id>/beginnen")
@limiter.limit("30 per hour", methods=["POST"])
def start(slug: str, survey_id: int):
    town, survey = _visible(slug, survey_id)
    if not can_answer(current_user, survey):
        flash(_("This survey takes no responses at the moment."), "danger")
        return redirect(url_for("surveys.show", slug=town.slug, survey_id=survey.id))
    draft = responding.find_draft(survey, _token(survey), current_user)
    if draft is not None:
        return redirect(_page_url(survey, draft.page_index + 1))
    code_form = CodeForm()
    if survey.access is Access.ACCOUNT and not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=url_for("surveys.show", slug=town.slug, survey_id=survey.id)))
    if survey.access is Access.CODE and not code_form.validate_on_submit():
        return _show_page(town, survey, code_form, 400)
    try:
        draft, token = responding.start(survey, current_user, code_form.code.data or "")
    except responding.AlreadyAnswered:
        flash(_("You have answered this survey already. Thank you!"), "info")
        return redirect(url_for("surveys.show", slug=town.slug, survey_id=survey.id))
    except responding.CodeInvalid:
        code_form.code.errors = [_("This code is unknown for this survey or has been used. Please check it.")]
        return _show_page(town, survey, code_form, 400)
    db.session.commit()
    _keep_token(survey, token)
    return redirect(_page_url(survey, draft.page_index + 1))


def _draft(slug: str, survey_id: int):
    """(town, survey, the draft this browser or account is filling in) — the draft None when there is none,
    or when the survey takes no responses now (said in a message)."""
    town, survey = _visible(slug, survey_id)
    if not can_answer(current_user, survey):
        flash(_("This survey takes no responses at the moment."), "danger")
        return town, survey, None
    return town, survey, responding.find_draft(survey, _token(survey), current_user)


def _page_url(survey, number: int) -> str:
    return url_for("surveys.answer", slug=survey.municipality.slug, survey_id=survey.id, number=number)


def _reading_for(town, posted):
    boundary = town.boundary
    has_list = addresses.address_list(town) is not None

    def find(text: str):
        if not has_list:
            return None
        found, _others = addresses.best_match(town, text)
        return found.location if found is not None else None

    def allows(geometry) -> bool:
        if boundary is None or boundary.is_empty:
            return True
        return boundary.covers(geometry) if geometry.geom_type == "MultiPoint" else boundary.intersects(geometry)

    return lambda question: Reading(form=posted, name=f"q{question.id}", find_address=find, allows_place=allows)


@bp.route("/<slug>/umfragen/<int:survey_id>/seite/<int:number>", methods=["GET", "POST"])
@limiter.limit("300 per hour", methods=["POST"])
def answer(slug: str, survey_id: int, number: int):
    town, survey, draft = _draft(slug, survey_id)
    if draft is None:
        return redirect(url_for("surveys.show", slug=town.slug, survey_id=survey.id))
    pages = survey.pages
    if not 1 <= number <= len(pages):
        abort(404)
    page = pages[number - 1]
    known = responding.known_answers(draft)
    if request.method == "GET" and not responding.page_is_shown(page, known):
        # An earlier answer hid this page: on to the next page shown, else back to the last one shown.
        target = _next_shown(pages, known, number, +1) or _next_shown(pages, known, number, -1)
        if target is not None:
            return redirect(_page_url(survey, target))
    if request.method == "POST":
        action = request.form.get("aktion", "weiter")
        try:
            draft, errors = _save(draft, page, _reading_for(town, request.form), check_required=action != "zurueck")
        except (DraftGone, IntegrityError):
            db.session.rollback()
            flash(_("You have answered this survey already. Thank you!"), "info")
            return redirect(url_for("surveys.show", slug=town.slug, survey_id=survey.id))
        if errors:
            db.session.commit()  # what could be taken is kept; the rest is shown again as sent
            return _answer_page(town, survey, draft, page, number, errors=errors, posted=request.form, status=400)
        db.session.commit()
        known = responding.known_answers(draft)
        if action == "zurueck":
            return redirect(_page_url(survey, _next_shown(pages, known, number, -1) or 1))
        following = _next_shown(pages, known, number, +1)
        if following is None:  # the last page: on to the review, where the answers are sent
            return redirect(url_for("surveys.review", slug=town.slug, survey_id=survey.id))
        draft.page_index = following - 1
        db.session.commit()
        return redirect(_page_url(survey, following))
    errors = responding.missing_on_page(draft, page) if request.args.get("fehlt") else None
    return _answer_page(town, survey, draft, page, number, errors=errors)


@bp.route("/<slug>/umfragen/<int:survey_id>/pruefen", methods=["GET", "POST"])
def review(slug: str, survey_id: int):
    """All answers on one page before they are sent, each page with a link to change it."""
    town, survey, draft = _draft(slug, survey_id)
    if draft is None:
        return redirect(url_for("surveys.show", slug=town.slug, survey_id=survey.id))
    if request.method == "POST":
        return _send(town, survey, draft)
    return render_template("surveys/review.html", town=town, survey=survey, pages=responding.review(draft))


class DraftGone(Exception):
    """The draft was sent (or removed) from another window meanwhile."""


def _save(draft, page, reading_for, check_required: bool):
    """Save the page's answers; when the same draft is saved at the same moment from another window (the
    same account on two devices), the other's rows win the race: save again over them. DraftGone when
    the other window has sent it meanwhile."""
    draft_id = draft.id
    try:
        errors = responding.save_page(draft, page, request.form, reading_for, check_required=check_required)
        db.session.flush()
        return draft, errors
    except IntegrityError:
        db.session.rollback()
    draft = db.session.get(SurveyResponse, draft_id)
    if draft is None or draft.state is not ResponseState.DRAFT:
        raise DraftGone()
    errors = responding.save_page(draft, page, request.form, reading_for, check_required=check_required)
    db.session.flush()
    return draft, errors


def _next_shown(pages, known, number: int, step: int) -> int | None:
    """The number (from 1) of the next page in direction `step` that has a question to show."""
    index = number - 1 + step
    while 0 <= index < len(pages):
        if responding.page_is_shown(pages[index], known):
            return index + 1
        index += step
    return None


def _send(town, survey, draft):
    try:
        responding.send(draft, current_user)
    except responding.Incomplete as missing:
        db.session.rollback()
        return redirect(url_for("surveys.answer", slug=town.slug, survey_id=survey.id,
                                number=missing.page_index + 1, fehlt=1))
    except responding.AlreadyAnswered:
        db.session.rollback()
        flash(_("You have answered this survey already. Thank you!"), "info")
        return redirect(url_for("surveys.show", slug=town.slug, survey_id=survey.id))
    except responding.CodeInvalid:
        db.session.rollback()
        flash(_("This code has been used meanwhile. Your answers were not sent."), "danger")
        return redirect(url_for("surveys.show", slug=town.slug, survey_id=survey.id))
    db.session.commit()
    _keep_token(survey, None)
    return redirect(url_for("surveys.thanks", slug=town.slug, survey_id=survey.id))


def _answer_page(town, survey, draft, page, number: int, *, errors=None, posted=None, status: int = 200,
                 preview: bool = False):
    known = responding.known_answers(draft) if draft is not None else responding.Known()
    stored = responding.stored_answers(draft) if draft is not None else {}
    shown = []
    for question in page.questions:
        source = question.condition_question
        same_page = source is not None and source.page_id == page.id
        if not same_page and not known.shows(question) and not preview:
            continue
        kind = question_type(question.kind)
        answer = stored.get(question.id)
        error = errors.get(question.id) if errors else None
        name = f"q{question.id}"
        shown.append({
            "q": question, "kind": kind, "name": name,
            "value": kind.form_value(question, answer.value, answer.geometry) if answer is not None else None,
            "comment": answer.comment if answer is not None else "",
            "error": _(error[0]).format(**error[1]) if error else "",
            "describedby": " ".join(([f"{name}-hint"] if question.help else []) + ([f"{name}-error"] if error else [])),
            "condition": _condition_text(question) if source is not None else "",
        })
    pages = survey.pages
    has_map = any(item["kind"].is_map for item in shown)
    drawing = draw_map(survey.map) if has_map else None
    maps, first = {}, True
    for item in shown:
        if item["kind"].is_map:
            maps[item["q"].id] = (area_map(survey.subject.area, boundary=town.boundary),
                                  drawing if first else dataclasses.replace(drawing, switcher=[]))
            first = False
    return render_template(
        "surveys/answer.html", town=town, survey=survey, page=page, number=number, total=len(pages),
        items=shown, maps=maps, errors=errors or {}, posted=posted, preview=preview,
        has_addresses=addresses.address_list(town) is not None,
        has_back=_next_shown(pages, known, number, -1) is not None,
        is_last=_next_shown(pages, known, number, +1) is None,
    ), status


def _condition_text(question) -> str:
    return _("Only if you answered “%(answer)s” to “%(question)s”.", answer=condition_answer(question),
             question=question.condition_question.text)


@bp.get("/<slug>/umfragen/<int:survey_id>/danke")
def thanks(slug: str, survey_id: int):
    town, survey = _visible(slug, survey_id)
    return render_template("surveys/thanks.html", town=town, survey=survey,
                           results=can_see_results(current_user, survey))


@bp.get("/<slug>/umfragen/<int:survey_id>/vorschau/<int:number>")
def preview(slug: str, survey_id: int, number: int):
    """The planners' preview: a page as residents see it (conditions not applied), nothing stored."""
    town = get_municipality(slug)
    survey = get_survey(town, survey_id)
    if not can_manage_surveys(current_user, town):
        abort(404)
    if not 1 <= number <= len(survey.pages):
        abort(404)
    return _answer_page(town, survey, None, survey.pages[number - 1], number, preview=True)
