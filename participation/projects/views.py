from __future__ import annotations


from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from geo.areas import parse_area
from geo.errors import GeoInputError
from participation.comments import queries as comment_queries
from participation.comments.listing import comment_form, list_context
from participation.comments.forms import CommentForm
from participation.extensions import db
from participation.loaders import get_municipality, get_project
from participation.municipalities.boundary import town_extent
from participation.projects import services
from participation.projects.areas import AreaOutsideBoundary, AreaSizeUnconfirmed
from participation.projects.forms import ProjectForm
from participation.projects.models import Phase
from participation.projects.permissions import can_create_project, can_edit_project, can_view_project
from participation.maps.drawing import draw_map
from participation.maps.editor import edit_map_page
from participation.maps.permissions import can_arrange_maps
from participation.web.folium_maps import area_map, draw_labels, format_area, format_distance

bp = Blueprint("projects", __name__)


@bp.get("/<slug>/projekte/<int:project_id>")
def show(slug: str, project_id: int):
    town = get_municipality(slug)
    project = get_project(town, project_id)
    if not can_view_project(current_user, project):
        abort(404)
    return project_page(project, comment_queries.ListView.from_args(request.args),
                        list_only=request.args.get("teil") == "liste")


def project_page(project, list_view, *, form: CommentForm | None = None, status: int = 200, list_only: bool = False):
    """The project page at `list_view`; with `form`, a comment form the person sent that was refused
    (shown again with their words, `status` 400), else an empty one. `list_only`: only the comment
    list, which project-map.js swaps in."""
    town = project.municipality
    listing = dict(town=town, project=project, **list_context(project, list_view))
    if list_only:
        return render_template("comments/_list.html", **listing)
    return render_template(
        "projects/show.html",
        **listing,
        drawing=draw_map(project.map),
        can_arrange_map=can_arrange_maps(current_user, town),
        form=comment_form(project, form),
        can_edit=can_edit_project(current_user, project),
        map=area_map(project.area),
    ), status


@bp.route("/<slug>/projekte/<int:project_id>/karte", methods=["GET", "POST"])
@login_required
def edit_map(slug: str, project_id: int):
    town = get_municipality(slug)
    project = get_project(town, project_id)
    if not can_view_project(current_user, project):
        abort(404)  # a draft's title stays with the town's planners
    if not can_arrange_maps(current_user, town):
        abort(403)
    return edit_map_page(town, project.map, title=project.title, area=project.area,
                         back_url=url_for("projects.show", slug=town.slug, project_id=project.id))


@bp.route("/<slug>/projekte/neu", methods=["GET", "POST"])
@login_required
def create(slug: str):
    town = get_municipality(slug)
    if not can_create_project(current_user, town):
        abort(403)
    form = ProjectForm()
    if form.validate_on_submit():
        data = _project_data(form, require_area=True)
        try:
            project = services.create_project(town, data, current_user) if data is not None else None
        except services.DescriptionTooComplex:
            project = _refuse_description(form)
        except (AreaOutsideBoundary, AreaSizeUnconfirmed) as problem:
            project = _refuse_area(form, problem)
        if project is not None:
            db.session.commit()
            flash(_("The project has been created."), "success")
            return redirect(url_for("projects.show", slug=town.slug, project_id=project.id))
    return render_template(
        "projects/form.html", town=town, form=form, project=None, draw_labels=draw_labels(),
        map=area_map(None, bounds=town_extent(town), boundary=town.boundary),
    ), (400 if form.errors else 200)


@bp.route("/<slug>/projekte/<int:project_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug: str, project_id: int):
    town = get_municipality(slug)
    project = get_project(town, project_id)
    if not can_edit_project(current_user, project):
        abort(403)
    form = ProjectForm(obj=project if request.method == "GET" else None)
    if request.method == "GET":
        form.phase.data = project.phase.value
        for row, category in zip(form.categories, project.categories):
            row.form.name.data, row.form.color.data = category.name, category.color
    if form.validate_on_submit():
        data = _project_data(form, require_area=False)
        try:
            saved = services.update_project(project, data, current_user) if data is not None else None
        except services.DescriptionTooComplex:
            saved = _refuse_description(form)
        except (AreaOutsideBoundary, AreaSizeUnconfirmed) as problem:
            saved = _refuse_area(form, problem)
        if saved is not None:
            db.session.commit()
            flash(_("The project has been saved."), "success")
            return redirect(url_for("projects.show", slug=town.slug, project_id=project.id))
    return render_template(
        "projects/form.html", town=town, form=form, project=project, draw_labels=draw_labels(),
        map=area_map(project.area, boundary=town.boundary),
    ), (400 if form.errors else 200)


def _refuse_description(form: ProjectForm) -> None:
    form.description.errors = [_("The description could not be formatted within {seconds} seconds. Please simplify "
                                 "its Markdown, e.g. use fewer square brackets.").format(
        seconds=f'{current_app.config["DESCRIPTION_RENDER_SECONDS"]:g}')]


def _refuse_area(form: ProjectForm, problem: AreaOutsideBoundary | AreaSizeUnconfirmed) -> None:
    """The area's problem as an error at the map: on the field it came from, or at the size checkbox."""
    if isinstance(problem, AreaSizeUnconfirmed):
        form.confirm_size.errors = [_(
            "The area is about {size}, larger than any German municipality. Check the drawing; if the size "
            "is right, tick “I confirm the size” and save again."
        ).format(size=format_area(problem.km2))]
        return None
    target = form.area_file if form.area_file.data else form.area_geojson
    target.errors = [_("The area lies outside the town's boundary (up to about {distance} beyond it). Draw it "
                       "inside the dashed outline on the map.").format(distance=format_distance(problem.metres))]
    return None


def _project_data(form: ProjectForm, require_area: bool) -> services.ProjectData | None:
    """ProjectData from a validated form, or None with the area error on the form."""
    area = None
    upload = form.area_file.data
    source = upload.read() if upload else (form.area_geojson.data or "").strip()
    if source:
        try:
            area = parse_area(source, timeout=current_app.config["AREA_PARSE_SECONDS"])
        except GeoInputError as error:
            target = form.area_file if upload else form.area_geojson
            target.errors = [_(error.message).format(**error.params)]
            return None
    elif require_area:
        form.area_geojson.errors = [_("Draw the project area on the map or upload it as GeoJSON.")]
        return None
    categories = [
        (row.form.name.data.strip(), row.form.color.data or "#1f77b4")
        for row in form.categories
        if row.form.name.data and row.form.name.data.strip()
    ]
    return services.ProjectData(
        title=form.title.data,
        summary=form.summary.data or "",
        description=form.description.data or "",
        phase=Phase(form.phase.data),
        participation_start=form.participation_start.data,
        participation_end=form.participation_end.data,
        area=area,
        categories=categories,
        size_confirmed=bool(form.confirm_size.data),
        pre_moderation=bool(form.pre_moderation.data),
    )
