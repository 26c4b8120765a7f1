"""The results of a survey: figures, charts and maps of every question, for one demographic group if
chosen, and the map answers of one question as GeoJSON for the page's map."""
from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from shapely.geometry import mapping

from geo.errors import N_
from participation.charts import bar_chart, buckets, fluid_column_chart
from participation.comments.subjects import is_statute, subject_title, subject_url
from participation.extensions import limiter
from participation.loaders import get_by_id, get_municipality
from participation.municipalities.boundary import town_extent
from participation.surveys import results
from participation.surveys.models import Survey, SurveyState
from participation.surveys.permissions import can_manage_surveys, can_see_results, can_view_survey
from participation.surveys.questions import question_type
from participation.web.folium_maps import RenderedMap, area_map, format_area, format_distance

bp = Blueprint("survey_results", __name__)

PER_BUCKET = {"day": N_("Responses per day"), "week": N_("Responses per week (from Monday)"),
              "month": N_("Responses per month")}
#: The words of a map question's answers, by shape.
SHAPE_WORDS = {"points": N_("Places"), "line": N_("Ways"), "area": N_("Areas")}


def get_results_survey(slug: str, survey_id: int) -> Survey:
    """The town's survey whose results the current user may see: 404 for an unknown survey, one of
    another town and a draft (for all but the town's planners), 403 while the results are not public."""
    town = get_municipality(slug)
    survey = get_by_id(Survey, survey_id)
    if survey is None or survey.municipality_id != town.id or not can_view_survey(current_user, survey):
        abort(404)
    if not can_see_results(current_user, survey):
        if survey.state is SurveyState.OPEN:
            abort(403, _("This survey is still open. Its results will be shown here once it has closed, "
                         "if the town publishes them."))
        abort(403, _("The town has not published the results of this survey."))
    return survey


def _withheld(survey: Survey, filters: results.Filters, total: int) -> bool:
    """A filtered group the public may not see: more than one filter at once, or a group — or the rest of
    the responses beside it — smaller than `SMALL_GROUP` (comparing the whole with a group of all but one
    would single that one out). The town's planners see every group."""
    if not filters or can_manage_surveys(current_user, survey.municipality):
        return False
    return (len(filters) > 1 or total < results.SMALL_GROUP
            or survey.responses_count - total < results.SMALL_GROUP)


def _public_group(survey: Survey, filters: results.Filters) -> bool:
    """The public looks at one group: it sees the group's counts, not its words or places, which could be
    told apart from the whole's."""
    return bool(filters) and not can_manage_surveys(current_user, survey.municipality)


def _without_words(result: results.QuestionResult) -> None:
    result.comments, result.more_comments, result.places, result.more_places = [], 0, [], 0
    if "texts" in result.summary:
        result.summary = {**result.summary, "texts": [], "more": 0}


def _filter_args(filters: results.Filters) -> dict[str, str]:
    return {f"d{question_id}": key for question_id, key in filters.items()}


@bp.get("/<slug>/umfragen/<int:survey_id>/ergebnisse")
@limiter.limit("60 per minute")
def show(slug: str, survey_id: int):
    survey = get_results_survey(slug, survey_id)
    filters = results.read_filters(survey, request.args)
    found = results.compute(survey, filters)
    withheld = _withheld(survey, filters, found.total)
    if _public_group(survey, filters):
        for result in found.questions:
            _without_words(result)
    blocks = [] if withheld else [_block(survey, result, filters) for result in found.questions
                                  if not (result.summary.get("map") and _public_group(survey, filters))]
    subject = survey.subject
    return render_template(
        "surveys/results.html", town=survey.municipality, survey=survey, subject=subject,
        subject_name=subject_title(subject), subject_link=subject_url(subject), results=found, blocks=blocks,
        filter_questions=results.filter_questions(survey), filters=filters, withheld=withheld,
        small_group=results.SMALL_GROUP, can_manage=can_manage_surveys(current_user, survey.municipality),
        days=None if withheld else _days(found.days), has_map=any(block["map"] for block in blocks),
        shape_words={shape: _(words) for shape, words in SHAPE_WORDS.items()}, percent=_percent,
        bin_label=bin_label, measure_label=measure_label, mean_label=mean_label,
    )


@bp.get("/<slug>/umfragen/<int:survey_id>/ergebnisse/orte/<int:question_id>.geojson")
@limiter.limit("120 per minute")
def places(slug: str, survey_id: int, question_id: int):
    """The places, ways or areas given in answer to one map question (numbered as the page's list)."""
    survey = get_results_survey(slug, survey_id)
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None or not question_type(question.kind).is_map:
        abort(404)
    filters = results.read_filters(survey, request.args)
    found = results.map_answers(survey, question, filters)
    withheld = _withheld(survey, filters, found.responses) or _public_group(survey, filters)
    features = [] if withheld else [{
        "type": "Feature", "id": number, "geometry": mapping(geometry),
        "properties": {"number": number, "measure": measure, "label": measure_label(question, measure),
                       "comment": comment},
    } for number, measure, comment, geometry in found.features]
    response = jsonify({
        "type": "FeatureCollection", "numberMatched": 0 if withheld else found.matched,
        "numberReturned": len(features), "truncated": not withheld and found.matched > len(features),
        "withheld": withheld, "features": features})
    response.mimetype = "application/geo+json"
    return response


# -- what the template shows of each question -----------------------------------------------------------

def _percent(share: float) -> str:
    return _("%(number)s %%", number=format_decimal(share * 100, format="#,##0.0"))


def _block(survey: Survey, result: results.QuestionResult, filters: results.Filters) -> dict:
    """One question's results for the template: the result, its chart (SVG) and its map."""
    summary, question = result.summary, result.question
    chart = rendered_map = None
    if summary.get("rows") and result.answered:
        chart = bar_chart(
            [(label, share, _("%(count)s (%(percent)s)", count=format_decimal(count), percent=_percent(share)))
             for label, count, share in summary["rows"]],
            _("Answers to “%(question)s” as bars; the table below gives the numbers.", question=question.text))
    elif summary.get("histogram"):
        chart = fluid_column_chart(
            [(bin_label(low, high), count) for low, high, count in summary["histogram"]],
            _("How often each value of “%(question)s” was given, as columns; the table below gives the numbers.",
              question=question.text))
    if summary.get("map") and result.answered:
        rendered_map = _map(survey)
    return {"result": result, "chart": Markup(chart) if chart else None, "map": rendered_map,  # noqa: S704 - charts escape every text they draw
            "geojson_url": url_for("survey_results.places", slug=survey.municipality.slug, survey_id=survey.id,
                                   question_id=question.id, **_filter_args(filters)) if rendered_map else None}


def bin_label(low: float, high: float) -> str:
    """A histogram bin's words: "13–25", or "7" for a bin of one value."""
    if low == high:
        return format_decimal(low)
    return f"{format_decimal(round(low, 2))}–{format_decimal(round(high, 2))}"


def measure_label(question, measure: float | None) -> str:
    """A map answer's measure in words: the number of places, a way's length or an area's size."""
    if measure is None:
        return ""
    shape = question_type(question.kind).shape
    if shape == "points":
        return ngettext("%(num)d place", "%(num)d places", int(measure))
    if shape == "line":
        return format_distance(measure)
    if measure < 10_000:
        return _("{number} m²").format(number=format_decimal(round(measure)))
    return format_area(measure / 1_000_000)


def mean_label(question, mean: float | None) -> str:
    """The mean measure of a map question's answers, in a sentence."""
    if mean is None:
        return ""
    shape = question_type(question.kind).shape
    if shape == "points":
        return _("On average %(number)s places per answer.", number=format_decimal(round(mean, 1)))
    if shape == "line":
        return _("Mean length: %(measure)s", measure=measure_label(question, mean))
    return _("Mean size: %(measure)s", measure=measure_label(question, mean))


def _map(survey: Survey) -> RenderedMap:
    subject, town = survey.subject, survey.municipality
    area = subject.area
    if area is None and is_statute(subject):
        return area_map(None, bounds=town_extent(town), boundary=town.boundary)
    return area_map(area)


def _days(days: list[tuple[date, int]]) -> dict | None:
    """The responses over time as a column chart and its table, per day, week or month."""
    found, size = buckets(day for day, count in days for _index in range(count))
    if not found:
        return None
    skeleton = "yMMM" if size == "month" else "dM"
    title = _(PER_BUCKET[size])
    columns = [(format_skeleton(skeleton, bucket.start, locale=get_locale()), bucket.count) for bucket in found]
    return {"title": title, "size": size, "rows": [(bucket.start, bucket.count) for bucket in found],
            "svg": Markup(fluid_column_chart(columns, _("%(title)s, as columns; the table below gives the numbers.",  # noqa: S704 - the chart escapes its text
                                                                 title=title)))}
