"""Creating and changing projects."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from shapely.geometry.base import BaseGeometry

from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.areas import check_area
from participation.projects.models import Category, Phase, Project
from participation.web.templating import MarkdownTooComplex, render_markdown_bounded


class DescriptionTooComplex(ValueError):
    """The description's Markdown did not render within DESCRIPTION_RENDER_SECONDS; nothing was changed."""


@dataclass
class ProjectData:
    """Validated input for a project."""

    title: str
    summary: str = ""
    description: str = ""
    phase: Phase = Phase.DRAFT
    participation_start: date | None = None
    participation_end: date | None = None
    #: None keeps the current area when editing.
    area: BaseGeometry | None = None
    #: (name, colour) pairs in order.
    categories: list[tuple[str, str]] = field(default_factory=list)
    #: The planner confirmed an area larger than any town (asked only when the town has no boundary).
    size_confirmed: bool = False
    #: New comments wait for a moderator's approval.
    pre_moderation: bool = False

    def check_area(self, town: Municipality) -> None:
        """Raise AreaOutsideBoundary or AreaSizeUnconfirmed when a new area does not fit `town`."""
        if self.area is not None:
            check_area(town, self.area, size_confirmed=self.size_confirmed)


def _description_html(project: Project | None, description: str) -> str:
    """The sanitised HTML of `description`, rendered (bounded) only when it changed."""
    if project is not None and description == project.description and project.description_html:
        return project.description_html
    try:
        return str(render_markdown_bounded(description, timeout=current_app.config["DESCRIPTION_RENDER_SECONDS"]))
    except MarkdownTooComplex:
        raise DescriptionTooComplex(description[:40]) from None


def _apply(project: Project, data: ProjectData, description_html: str) -> None:
    project.description_html = description_html
    project.title = data.title.strip()
    project.summary = data.summary.strip()
    project.description = data.description
    project.phase = data.phase
    project.participation_start = data.participation_start
    project.participation_end = data.participation_end
    project.pre_moderation = data.pre_moderation
    if data.area is not None:
        project.set_area(data.area)
    _apply_categories(project, data.categories)


def _apply_categories(project: Project, wanted: list[tuple[str, str]]) -> None:
    # Keep existing rows by position so that comments keep their category.
    existing = list(project.categories)
    for position, (name, color) in enumerate(wanted):
        if position < len(existing):
            category = existing[position]
            category.name, category.color, category.position = name, color, position
        else:
            project.categories.append(Category(name=name, color=color, position=position))
    for category in existing[len(wanted):]:
        project.categories.remove(category)


def create_project(town: Municipality, data: ProjectData, author) -> Project:
    """Add a project to `town`; raises DescriptionTooComplex (nothing added) for a description that
    cannot be rendered in time, AreaOutsideBoundary or AreaSizeUnconfirmed (nothing added) for an
    area that does not fit the town (`participation.projects.areas.check_area`)."""
    data.check_area(town)
    # Rendered before anything changes, so that a refused description leaves no trace;
    # pages show the stored HTML and never render Markdown per view.
    html = _description_html(None, data.description)
    project = Project(municipality=town, created_by_id=author.id)
    _apply(project, data, html)
    db.session.add(project)
    db.session.flush()
    current_app.logger.info("User %s created project %s in %s", author.id, project.id, town.slug)
    return project


def update_project(project: Project, data: ProjectData, editor) -> Project:
    """Change a project; raises DescriptionTooComplex, AreaOutsideBoundary or AreaSizeUnconfirmed
    (nothing changed) as `create_project` does."""
    data.check_area(project.municipality)
    _apply(project, data, _description_html(project, data.description))
    current_app.logger.info("User %s updated project %s", editor.id, project.id)
    return project
