"""Load an object named in the URL or answer 404; the one place that does it."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from participation.comments.models import Comment
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.models import Project


def get_municipality(slug: str) -> Municipality:
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if town is None:
        abort(404)
    return town


def get_project(town: Municipality, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.municipality_id != town.id:
        abort(404)
    return project


def get_comment(town: Municipality, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.project.municipality_id != town.id:
        abort(404)
    return comment
