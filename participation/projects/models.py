from __future__ import annotations

import enum
from datetime import date

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import BBoxMixin, ModeratedMixin, TimestampMixin
from participation.database.spatial import SpatialTable
from participation.database.types import Geometry, text_enum
from participation.extensions import db
from participation.maps.models import HasMap


class Phase(enum.StrEnum):
    """Where a project stands; only DRAFT is hidden from the public."""

    DRAFT = "draft"
    INFORMATION = "information"
    PARTICIPATION = "participation"
    EVALUATION = "evaluation"
    CLOSED = "closed"


class Project(HasMap, TimestampMixin, BBoxMixin, ModeratedMixin, db.Model):
    spatial = SpatialTable("project", "area")

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    #: Markdown; rendered and sanitised on output, never stored as HTML.
    description: Mapped[str] = mapped_column(Text, default="")
    #: The description rendered and sanitised once, when it is saved (rendering is too slow per view).
    description_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    phase: Mapped[Phase] = mapped_column(
        text_enum(Phase),
        default=Phase.DRAFT,
    )
    #: First and last day (inclusive, Europe/Berlin) on which comments are accepted.
    participation_start: Mapped[date | None] = mapped_column(Date)
    participation_end: Mapped[date | None] = mapped_column(Date)
    #: The project area, a MultiPolygon in EPSG:4326.
    area: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTIPOLYGON"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    municipality: Mapped["Municipality"] = relationship(back_populates="projects")  # noqa: F821
    categories: Mapped[list["Category"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Category.position"
    )

    def set_area(self, area: BaseGeometry | None) -> None:
        self.area = area
        self._set_bbox(area)

    @property
    def is_published(self) -> bool:
        return self.phase is not Phase.DRAFT

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.title!r}>"


class Category(db.Model):
    """A comment category of a project, with the colour of its pins."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    #: ``#rrggbb``; validated on input because it is written into a style sheet.
    color: Mapped[str] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(default=0)

    project: Mapped[Project] = relationship(back_populates="categories")
