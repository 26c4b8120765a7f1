"""The planners' survey builder: settings, pages, questions, opening and closing, versions, the map."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.comments.subjects import subject_url
from participation.extensions import db
from participation.loaders import get_by_id, get_managed_survey, get_municipality, get_project, get_statute, get_survey
from participation.maps.editor import edit_map_page
from participation.maps.permissions import can_arrange_maps
from participation.surveys import builder
from participation.surveys.forms import (
    PageForm, SurveyForm, check_lines, fill_settings, question_form, settings_from,
)
from participation.surveys.models import Access, Question, SurveyPage, SurveyState
from participation.surveys.permissions import can_manage_surveys
from participation.surveys.questions import all_types, question_type

bp = Blueprint("survey_builder", __name__)



def _edit_url(survey, anchor: str | None = None) -> str:
    return url_for("survey_builder.edit", slug=survey.municipality.slug, survey_id=survey.id, _anchor=anchor)


def _locked_message() -> None:
    flash(_("This survey has responses: its questions can no longer change. Make a new version to change them."),
          "danger")


@bp.route("/<slug>/projekte/<int:project_id>/umfragen/neu", methods=["GET", "POST"])
@login_required
def create_for_project(slug: str, project_id: int):
    town = get_municipality(slug)
    return _create(town, get_project(town, project_id))


@bp.route("/<slug>/satzungen/<int:statute_id>/umfragen/neu", methods=["GET", "POST"])
@login_required
def create_for_statute(slug: str, statute_id: int):
    town = get_municipality(slug)
    return _create(town, get_statute(town, statute_id))


def _create(town, subject):
    if not can_manage_surveys(current_user, town):
        abort(403)
    form = SurveyForm()
    if form.validate_on_submit():
        survey = builder.create_survey(town, subject, _survey_data(form), current_user)
        db.session.commit()
        flash(_("The survey has been created. Now add its questions."), "success")
        return redirect(_edit_url(survey))
    return render_template("surveys/new.html", town=town, subject=subject, form=form), (400 if form.errors else 200)


def _survey_data(form: SurveyForm) -> builder.SurveyData:
    return builder.SurveyData(title=form.title.data.strip(), intro=(form.intro.data or "").replace("\r\n", "\n").strip(),
                              access=Access(form.access.data), results_public=bool(form.results_public.data))


@bp.route("/<slug>/umfragen/<int:survey_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug: str, survey_id: int):
    town, survey = get_managed_survey(slug, survey_id)
    form = SurveyForm(obj=survey if request.method == "GET" else None)
    if request.method == "GET":
        form.access.data = survey.access.value
    if form.validate_on_submit():
        try:
            builder.update_survey(survey, _survey_data(form), current_user)
        except builder.QuestionsLocked:
            form.access.errors = [_("People have answered already: who may answer can no longer change.")]
        else:
            db.session.commit()
            flash(_("The survey's settings have been saved."), "success")
            return redirect(_edit_url(survey))
    return render_template(
        "surveys/builder.html", town=town, survey=survey, form=form, locked=builder.has_responses(survey),
        newer=builder.newer_version(survey),
        types=all_types(), page_form=PageForm(), can_arrange_map=can_arrange_maps(current_user, town),
    ), (400 if form.errors else 200)


@bp.post("/<slug>/umfragen/<int:survey_id>/status")
@login_required
def set_state(slug: str, survey_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    wanted = request.form.get("state", "")
    if wanted not in (SurveyState.OPEN.value, SurveyState.CLOSED.value):
        abort(400)
    try:
        builder.set_state(survey, SurveyState(wanted), current_user)
    except builder.CannotOpen as problem:
        flash(_("Add at least one question before opening the survey.") if str(problem) == "no question" else
              _("Publish the project or statute first: a survey opens only on a published page."), "danger")
        return redirect(_edit_url(survey))
    except builder.NewerVersion as newer:
        flash(_("Version %(number)d of this survey exists: open that one instead.", number=newer.newer.version),
              "danger")
        return redirect(_edit_url(newer.newer))
    except ValueError:
        flash(_("Only an open survey can be closed."), "danger")
        return redirect(_edit_url(survey))
    db.session.commit()
    flash(_("The survey is open: residents can answer it now.") if survey.state is SurveyState.OPEN else
          _("The survey is closed: it takes no more responses."), "success")
    return redirect(_edit_url(survey))


@bp.post("/<slug>/umfragen/<int:survey_id>/neue-version")
@login_required
def new_version(slug: str, survey_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    try:
        copy = builder.new_version(survey, current_user)
    except builder.NewerVersion as newer:
        flash(_("Version %(number)d of this survey exists already: change that one.", number=newer.newer.version),
              "danger")
        return redirect(_edit_url(newer.newer))
    db.session.commit()
    flash(_("Version %(number)d has been made as a draft with the same questions. Change them, then open it: "
            "that closes the previous version.", number=copy.version), "success")
    return redirect(_edit_url(copy))


@bp.post("/<slug>/umfragen/<int:survey_id>/loeschen")
@login_required
def delete(slug: str, survey_id: int):
    town, survey = get_managed_survey(slug, survey_id)
    if builder.has_responses(survey):
        flash(_("A survey with responses cannot be deleted. Close it instead."), "danger")
        return redirect(_edit_url(survey))
    subject_url = _subject_url(survey)
    db.session.delete(survey)
    db.session.commit()
    flash(_("The survey has been deleted."), "success")
    return redirect(subject_url)


def _subject_url(survey) -> str:
    return subject_url(survey.subject)


@bp.route("/<slug>/umfragen/<int:survey_id>/karte", methods=["GET", "POST"])
@login_required
def edit_map(slug: str, survey_id: int):
    """The layers on the survey's maps: the town's GIS team and planners, as for a project's map."""
    town = get_municipality(slug)
    survey = get_survey(town, survey_id)
    if not can_arrange_maps(current_user, town):
        abort(403)
    back = _edit_url(survey) if can_manage_surveys(current_user, town) else _subject_url(survey)
    return edit_map_page(town, survey.map, title=survey.title, area=survey.subject.area, back_url=back)


def _say_dropped(dropped) -> None:
    """After a move: which questions lost their condition, since a condition must look back."""
    if dropped:
        flash(_("These questions are now shown always, since the answer they depended on no longer comes "
                "before them: %(questions)s", questions="; ".join(q.text for q in dropped)), "warning")


# -- pages ---------------------------------------------------------------------------------------------

def _page(survey, page_id: int) -> SurveyPage:
    page = get_by_id(SurveyPage, page_id)
    if page is None or page.survey_id != survey.id:
        abort(404)
    return page


@bp.post("/<slug>/umfragen/<int:survey_id>/seiten")
@login_required
def add_page(slug: str, survey_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    form = PageForm()
    if not form.validate_on_submit():
        flash(_("A page title has at most 200 characters."), "danger")
        return redirect(_edit_url(survey))
    try:
        page = builder.add_page(survey, (form.title.data or "").strip())
    except builder.QuestionsLocked:
        _locked_message()
        return redirect(_edit_url(survey))
    db.session.commit()
    flash(_("A page has been added."), "success")
    return redirect(_edit_url(survey, f"page-{page.id}"))


@bp.post("/<slug>/umfragen/<int:survey_id>/seiten/<int:page_id>")
@login_required
def rename_page(slug: str, survey_id: int, page_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    page = _page(survey, page_id)
    form = PageForm()
    if form.validate_on_submit():
        builder.rename_page(page, (form.title.data or "").strip())
        db.session.commit()
        flash(_("The page title has been saved."), "success")
    else:
        flash(_("A page title has at most 200 characters."), "danger")
    return redirect(_edit_url(survey, f"page-{page.id}"))


@bp.post("/<slug>/umfragen/<int:survey_id>/seiten/<int:page_id>/loeschen")
@login_required
def delete_page(slug: str, survey_id: int, page_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    page = _page(survey, page_id)
    try:
        builder.delete_page(page)
    except builder.QuestionsLocked:
        _locked_message()
        return redirect(_edit_url(survey))
    except ValueError:
        flash(_("A survey keeps at least one page."), "danger")
        return redirect(_edit_url(survey))
    db.session.commit()
    flash(_("The page and its questions have been deleted."), "success")
    return redirect(_edit_url(survey))


@bp.post("/<slug>/umfragen/<int:survey_id>/seiten/<int:page_id>/verschieben")
@login_required
def move_page(slug: str, survey_id: int, page_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    page = _page(survey, page_id)
    try:
        dropped = builder.move_page(page, -1 if request.form.get("richtung") == "hoch" else 1)
    except builder.QuestionsLocked:
        _locked_message()
        return redirect(_edit_url(survey))
    db.session.commit()
    _say_dropped(dropped)
    return redirect(_edit_url(survey, f"page-{page.id}"))


# -- questions -----------------------------------------------------------------------------------------

def _question(survey, question_id: int) -> Question:
    question = get_by_id(Question, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _condition_choices(survey, question=None, page=None) -> list[tuple[str, str]]:
    choices = []
    for source in builder.condition_sources(survey, question, page):
        for key, label in question_type(source.kind).choices(source):
            choices.append((f"{source.id}:{key}", _("“%(question)s” is “%(answer)s”", question=source.text[:80],
                                                     answer=label)))
    return choices


def _question_data(form, kind) -> builder.QuestionData | None:
    settings = settings_from(form, kind)
    ok = check_lines(form, kind, settings)
    for key, message in kind.check_settings(settings).items():
        form[f"s_{key}"].errors = list(form[f"s_{key}"].errors) + [_(message)]
        ok = False
    if not ok:
        return None
    source, _sep, value = (form.condition.data or "").partition(":")
    return builder.QuestionData(
        text=form.text.data.strip(), help=(form.help.data or "").strip(), required=bool(form.required.data),
        with_comment=bool(form.with_comment.data), demographic=bool(form.demographic.data), settings=settings,
        condition_question_id=int(source) if source else None, condition_value=value)


@bp.route("/<slug>/umfragen/<int:survey_id>/seiten/<int:page_id>/fragen/neu", methods=["GET", "POST"])
@login_required
def add_question(slug: str, survey_id: int, page_id: int):
    town, survey = get_managed_survey(slug, survey_id)
    page = _page(survey, page_id)
    if builder.has_responses(survey):
        _locked_message()
        return redirect(_edit_url(survey))
    try:
        kind = question_type(request.args.get("art", ""))
    except KeyError:
        abort(404)
    form = question_form(kind, _condition_choices(survey, page=page))
    if request.method == "GET":
        fill_settings(form, kind, {})
    if form.validate_on_submit():
        data = _question_data(form, kind)
        if data is not None:
            question = builder.add_question(page, kind.kind, data)
            db.session.commit()
            flash(_("The question has been added."), "success")
            return redirect(_edit_url(survey, f"question-{question.id}"))
    return render_template("surveys/question_form.html", town=town, survey=survey, page=page, kind=kind, form=form,
                           question=None), (400 if form.errors else 200)


@bp.route("/<slug>/umfragen/<int:survey_id>/fragen/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(slug: str, survey_id: int, question_id: int):
    town, survey = get_managed_survey(slug, survey_id)
    question = _question(survey, question_id)
    if builder.has_responses(survey):
        _locked_message()
        return redirect(_edit_url(survey, f"question-{question.id}"))
    kind = question_type(question.kind)
    form = question_form(kind, _condition_choices(survey, question=question),
                         obj=question if request.method == "GET" else None)
    if request.method == "GET":
        fill_settings(form, kind, question.settings)
        form.condition.data = (f"{question.condition_question_id}:{question.condition_value}"
                               if question.condition_question_id else "")
    if form.validate_on_submit():
        data = _question_data(form, kind)
        if data is not None:
            try:
                builder.update_question(question, data)
            except builder.ConditionsBroken as broken:
                target = form["s_options"] if "s_options" in form else form.text
                target.errors = list(target.errors) + [_(
                    "Later questions are shown only after a certain answer to this one (%(questions)s). Keep "
                    "that answer in its place, or change those questions' conditions first.",
                    questions="; ".join(q.text for q in broken.questions))]
            else:
                db.session.commit()
                flash(_("The question has been saved."), "success")
                return redirect(_edit_url(survey, f"question-{question.id}"))
    return render_template("surveys/question_form.html", town=town, survey=survey, page=question.page, kind=kind,
                           form=form, question=question), (400 if form.errors else 200)


@bp.post("/<slug>/umfragen/<int:survey_id>/fragen/<int:question_id>/loeschen")
@login_required
def delete_question(slug: str, survey_id: int, question_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    question = _question(survey, question_id)
    try:
        builder.delete_question(question)
    except builder.QuestionsLocked:
        _locked_message()
        return redirect(_edit_url(survey))
    db.session.commit()
    flash(_("The question has been deleted."), "success")
    return redirect(_edit_url(survey))


@bp.post("/<slug>/umfragen/<int:survey_id>/fragen/<int:question_id>/verschieben")
@login_required
def move_question(slug: str, survey_id: int, question_id: int):
    _town, survey = get_managed_survey(slug, survey_id)
    question = _question(survey, question_id)
    try:
        dropped = builder.move_question(question, -1 if request.form.get("richtung") == "hoch" else 1)
    except builder.QuestionsLocked:
        _locked_message()
        return redirect(_edit_url(survey))
    db.session.commit()
    _say_dropped(dropped)
    return redirect(_edit_url(survey, f"question-{question.id}"))
