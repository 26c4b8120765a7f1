"""Load an object named in the URL or answer 404; the one place that does it."""
from __future__ import annotations

from typing import Callable

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from participation.accounts.models import User
from participation.comments.models import Comment
from participation.extensions import db
from participation.layers.models import Layer, LayerVersion
from participation.layers.uploads.models import LayerUpload
from participation.municipalities.models import Municipality
from participation.projects.models import Project
from participation.statutes.models import Statute
from participation.statutes.permissions import can_edit_statute, can_view_statute
from participation.surveys.models import Survey
from participation.surveys.permissions import can_manage_surveys
from participation.web.input_guard import MAX_URL_INT

#: Ids are 32-bit integers on PostgreSQL; a larger number (in a URL, a JSON body, a form) names
#: nothing and would make the database driver fail with an overflow instead of a 404.
MAX_ID = MAX_URL_INT


def get_by_id(model, ident: int):
    """The row of `model` with this primary key, or None (also for ids no row can have)."""
    if not 1 <= ident <= MAX_ID:
        return None
    return db.session.get(model, ident)


def get_user(user_id: int) -> User:
    """An account by id (the admin area's account pages), or 404."""
    user = get_by_id(User, user_id)
    if user is None:
        abort(404)
    return user


def get_municipality(slug: str, permission: Callable[[object, Municipality], bool] | None = None) -> Municipality:
    """The town with this slug (404), and with `permission` the current user must pass for it (403)."""
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if town is None:
        abort(404)
    if permission is not None and not permission(current_user, town):
        abort(403)
    return town


def get_project(town: Municipality, project_id: int) -> Project:
    project = get_by_id(Project, project_id)
    if project is None or project.municipality_id != town.id:
        abort(404)
    return project


def get_statute(town: Municipality, statute_id: int) -> Statute:
    statute = get_by_id(Statute, statute_id)
    if statute is None or statute.municipality_id != town.id:
        abort(404)
    return statute


def get_visible_statute(slug: str, statute_id: int, edit: bool = False) -> Statute:
    """The town's statute if the current user may see it (404 otherwise, a draft too); with `edit`, one
    they may also change (403)."""
    statute = get_statute(get_municipality(slug), statute_id)
    if not can_view_statute(current_user, statute):
        abort(404)
    if edit and not can_edit_statute(current_user, statute):
        abort(403)
    return statute


def get_comment(town: Municipality, comment_id: int) -> Comment:
    comment = get_by_id(Comment, comment_id)
    if comment is None or comment.subject.municipality_id != town.id:
        abort(404)
    return comment


def get_layer(town: Municipality, layer_id: int) -> Layer:
    layer = get_by_id(Layer, layer_id)
    if layer is None or layer.municipality_id != town.id:
        abort(404)
    return layer


def get_layer_version(layer: Layer, number: int) -> LayerVersion:
    version = layer.version(number)
    if version is None:
        abort(404)
    return version


def get_layer_upload(town: Municipality, upload_id: int) -> LayerUpload:
    upload = get_by_id(LayerUpload, upload_id)
    if upload is None or upload.municipality_id != town.id:
        abort(404)
    return upload


def get_survey(town: Municipality, survey_id: int) -> Survey:
    survey = get_by_id(Survey, survey_id)
    if survey is None or survey.municipality_id != town.id:
        abort(404)
    return survey


def get_managed_survey(slug: str, survey_id: int) -> tuple[Municipality, Survey]:
    """The town and its survey (404), for the town's planners only (403): the builder, codes, exports."""
    town = get_municipality(slug)
    survey = get_survey(town, survey_id)
    if not can_manage_surveys(current_user, town):
        abort(403)
    return town, survey
