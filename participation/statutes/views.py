"""The town's register of statutes, a statute's page, and creating, editing and publishing statutes."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from geo.areas import parse_area
from geo.errors import GeoInputError
from participation.comments.forms import CommentForm
from participation.comments.listing import comment_form, list_context
from participation.comments.queries import ListView
from participation.comments.subjects import subject_url
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.loaders import get_municipality, get_visible_statute
from participation.maps.drawing import draw_map
from participation.maps.editor import edit_map_page
from participation.maps.permissions import can_arrange_maps
from participation.municipalities.boundary import town_extent
from participation.municipalities.models import Municipality
from participation.projects.areas import AreaOutsideBoundary, AreaSizeUnconfirmed
from participation.statutes import documents, periods, queries, services
from participation.statutes.forms import StatuteForm
from participation.statutes.labels import KIND_LABELS, STATUS_COLOURS, STATUS_LABELS, kind_label, status_label, statute_title
from participation.statutes.models import LegalStatus, PeriodKind, Statute, StatuteKind
from participation.statutes.permissions import (
    can_create_statute,
    can_edit_statute,
    can_import_xplan,
    can_view_statute,
)
from participation.web.folium_maps import area_map, draw_labels, format_area, format_distance, overview_map
from participation.web.i18n import translated

bp = Blueprint("statutes", __name__)
bp.add_app_template_global(statute_title, "statute_title")

#: More context for the statute page from the parts others build (text, documents, periods, comments):
#: each takes the statute and returns a dict for templates/statutes/show.html and its partials.
PAGE_CONTEXTS: tuple[Callable[[Statute], dict], ...] = (periods.page_context,)


@bp.app_template_global()
def statute_kind_label(kind: StatuteKind) -> str:
    return kind_label(kind)


@bp.app_template_global()
def statute_status_label(status: LegalStatus) -> str:
    return status_label(status)


@bp.app_template_global()
def statute_status_colour(status: LegalStatus) -> str:
    return STATUS_COLOURS[LegalStatus(status)]


@bp.app_template_global()
def statute_statuses() -> list[LegalStatus]:
    return list(LegalStatus)


@bp.app_template_global()
def can_view_statute_here(statute: Statute | None) -> bool:
    """Whether the person looking may follow a link to `statute` (a draft successor stays hidden)."""
    return statute is not None and can_view_statute(current_user, statute)


@bp.get("/<slug>/satzungen")
def register(slug: str):
    town = get_municipality(slug)
    view = queries.RegisterView.from_args(request.args)
    page = queries.register_page(town, current_user, view)
    return render_template(
        "statutes/register.html", town=town, view=view, page=page,
        kinds=KIND_LABELS, statuses=STATUS_LABELS,
        can_create=can_create_statute(current_user, town),
        can_import=can_import_xplan(current_user, town),
        map=overview_map(town_extent(town), boundary=town.boundary),
    )


@bp.get("/<slug>/satzungen/flaechen.json")
def register_areas(slug: str):
    """The areas of the statutes the register shows (same filters), as GeoJSON for its map."""
    town = get_municipality(slug)
    view = queries.RegisterView.from_args(request.args)
    features = [
        queries.area_feature(statute, subject_url(statute), _area_label(statute), STATUS_COLOURS[statute.status])
        for statute in queries.register_areas(town, current_user, view)
    ]
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.headers["Cache-Control"] = "private, no-cache"  # drafts for planners only
    return response


def _area_label(statute: Statute) -> str:
    name = statute_title(statute)
    label = _("{name} ({status})").format(name=name, status=status_label(statute.status))
    return label if statute.is_published else _("{name} – draft").format(name=label)


@bp.get("/<slug>/satzungen/<int:statute_id>")
def show(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id)
    return statute_page(statute, ListView.from_args(request.args), list_only=request.args.get("teil") == "liste")


def statute_page(statute: Statute, view: ListView | None = None, form: CommentForm | None = None, status: int = 200,
                 list_only: bool = False):
    """The statute's page: header, text beside the map, documents, period and comments.

    The comment list is at `view`; with `form`, a comment form the person sent that was refused (shown again
    with their words, `status` 400), else an empty one, with the paragraph `?absatz=` names chosen.
    `list_only`: only the comment list, which project-map.js swaps in.
    """
    town = statute.municipality
    listing = dict(town=town, statute=statute, **list_context(statute, view or ListView()))
    if list_only:
        return render_template("comments/_list.html", **listing)
    if form is None:
        form = comment_form(statute, None)
        form.paragraph.data = request.args.get("absatz", "")
    open_period = periods.is_open(statute, utcnow())
    formal = open_period is not None and open_period.kind is PeriodKind.DISPLAY
    if formal:
        form.text.label.text = _("Your statement")
    context = dict(
        listing,
        form=form,
        comments_formal=formal,
        timeline=_timeline(statute),
        can_edit=can_edit_statute(current_user, statute),
        can_arrange_map=can_arrange_maps(current_user, town),
        drawing=draw_map(statute.map),
        map=area_map(statute.area, bounds=None if statute.area is not None else town_extent(town),
                     boundary=None if statute.area is not None else town.boundary),
    )
    for extra in PAGE_CONTEXTS:
        context.update(extra(statute))
    return render_template("statutes/show.html", **context), status


def _timeline(statute: Statute) -> list[tuple[str, object]]:
    """The procedure's dates so far, in order: (what happened, day)."""
    steps = [
        (STATUS_LABELS[LegalStatus.PLANNING_DECISION], statute.planning_decision_on),
        (STATUS_LABELS[LegalStatus.ADOPTED], statute.adopted_on),
        (_("In force from"), statute.in_force_from),
        (STATUS_LABELS[LegalStatus.REPEALED], statute.repealed_on),
    ]
    return [(str(label), day) for label, day in steps if day is not None]


@bp.route("/<slug>/satzungen/neu", methods=["GET", "POST"])
@login_required
def create(slug: str):
    town = get_municipality(slug)
    if not can_create_statute(current_user, town):
        abort(403)
    form = StatuteForm()
    _successor_choices(form, town, None)
    if form.validate_on_submit():
        data = _statute_data(form)
        statute = _saved(form, lambda: services.create_statute(town, data, current_user)) if data else None
        if statute is not None:
            db.session.commit()
            flash(_("The statute has been created as a draft. Publish it when its area is set."), "success")
            return redirect(subject_url(statute))
    return _form_page(town, form, None)


@bp.route("/<slug>/satzungen/<int:statute_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    town = statute.municipality
    form = StatuteForm(obj=statute if request.method == "GET" else None)
    _successor_choices(form, town, statute)
    if request.method == "GET":
        form.kind.data, form.status.data = statute.kind.value, statute.status.value
        form.replaced_by.data = statute.replaced_by_id
    if form.validate_on_submit():
        data = _statute_data(form)
        saved = _saved(form, lambda: services.update_statute(statute, data, current_user)) if data else None
        if saved is not None:
            db.session.commit()
            flash(_("The statute has been saved."), "success")
            return redirect(subject_url(statute))
    return _form_page(town, form, statute)


def _form_page(town: Municipality, form: StatuteForm, statute: Statute | None):
    area = statute.area if statute is not None else None
    return render_template(
        "statutes/form.html", town=town, form=form, statute=statute, draw_labels=draw_labels(),
        map=area_map(area, bounds=None if area is not None else town_extent(town), boundary=town.boundary),
    ), (400 if form.errors else 200)


def _successor_choices(form: StatuteForm, town: Municipality, statute: Statute | None) -> None:
    """The town's other statutes, newest first, as the choices for "replaced by"."""
    others = db.session.scalars(
        select(Statute).where(Statute.municipality_id == town.id, Statute.id != (statute.id if statute else -1))
        .order_by(Statute.created_at.desc(), Statute.id.desc())
    )
    form.replaced_by.choices = [(None, _("– not replaced –"))] + [
        (other.id, statute_title(other) if other.is_published else _("{name} – draft").format(name=statute_title(other)))
        for other in others
    ]


def _saved(form: StatuteForm, save: Callable[[], Statute]) -> Statute | None:
    """`save()`'s statute, or None with the refusal shown at the field it concerns."""
    try:
        return save()
    except services.InvalidSuccessor as refused:
        form.replaced_by.errors = [_(refused.reason)]
    except AreaSizeUnconfirmed as problem:
        form.confirm_size.errors = [_(
            "The area is about {size}, larger than any German municipality. Check the drawing; if the size "
            "is right, tick “I confirm the size” and save again."
        ).format(size=format_area(problem.km2))]
    except AreaOutsideBoundary as problem:
        target = form.area_file if form.area_file.data else form.area_geojson
        target.errors = [_("The area lies outside the town's boundary (up to about {distance} beyond it). Draw it "
                           "inside the dashed outline on the map.").format(distance=format_distance(problem.metres))]
    return None


def _statute_data(form: StatuteForm) -> services.StatuteData | None:
    """StatuteData from a validated form, or None with the area's error on the form."""
    area = None
    upload = form.area_file.data
    source = upload.read() if upload else (form.area_geojson.data or "").strip()
    if source:
        try:
            area = parse_area(source, timeout=current_app.config["AREA_PARSE_SECONDS"])
        except GeoInputError as error:
            (form.area_file if upload else form.area_geojson).errors = [translated(error.message, error.params)]
            return None
    return services.StatuteData(
        title=form.title.data,
        kind=StatuteKind(form.kind.data),
        number=form.number.data or "",
        summary=form.summary.data or "",
        status=LegalStatus(form.status.data),
        planning_decision_on=form.planning_decision_on.data,
        adopted_on=form.adopted_on.data,
        in_force_from=form.in_force_from.data,
        repealed_on=form.repealed_on.data,
        replaced_by_id=form.replaced_by.data,
        area=area,
        size_confirmed=bool(form.confirm_size.data),
        pre_moderation=bool(form.pre_moderation.data),
    )


@bp.post("/<slug>/satzungen/<int:statute_id>/veroeffentlichen")
@login_required
def publish(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    try:
        services.publish_statute(statute, current_user)
    except services.NoArea as refused:
        flash(_(refused.reason), "danger")
        return redirect(url_for("statutes.edit", slug=slug, statute_id=statute.id) + "#area-heading")
    db.session.commit()
    flash(_("The statute has been published."), "success")
    return redirect(subject_url(statute))


@bp.post("/<slug>/satzungen/<int:statute_id>/zurueckziehen")
@login_required
def unpublish(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    services.unpublish_statute(statute, current_user)
    db.session.commit()
    flash(_("The statute is a draft again; only the town's planners see it."), "success")
    return redirect(subject_url(statute))


@bp.post("/<slug>/satzungen/<int:statute_id>/loeschen")
@login_required
def delete(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    town = statute.municipality
    try:
        services.delete_draft(statute, current_user)
        documents.discard_files(statute)  # the rows go with the statute; the files once that is committed
    except services.StatuteRefused as refused:
        flash(_(refused.reason), "danger")
        return redirect(subject_url(statute))
    db.session.commit()
    flash(_("The draft has been deleted."), "success")
    return redirect(url_for("statutes.register", slug=town.slug))


@bp.route("/<slug>/satzungen/<int:statute_id>/karte", methods=["GET", "POST"])
@login_required
def edit_map(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id)
    town = statute.municipality
    if not can_arrange_maps(current_user, town):
        abort(403)
    return edit_map_page(town, statute.map, title=statute_title(statute), area=statute.area,
                         back_url=subject_url(statute))
