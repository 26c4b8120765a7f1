"""Statutes (Satzungen) with their area, text, documents and participation periods.

A statute is published with its map: its area of application (Geltungsbereich)
is required before residents see it, and its plan's layers sit on its own map
(`HasMap`), exactly as a project's do.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import BBoxMixin, ModeratedMixin, TimestampMixin
from participation.database.spatial import SpatialTable
from participation.database.types import Geometry, UTCDateTime, text_enum
from participation.extensions import db
from participation.maps.models import HasMap


class StatuteKind(enum.StrEnum):
    BEBAUUNGSPLAN = "bebauungsplan"
    VORHABENBEZOGEN = "vorhabenbezogen"
    FNP_AENDERUNG = "fnp_aenderung"
    ERHALTUNGSSATZUNG = "erhaltungssatzung"
    GESTALTUNGSSATZUNG = "gestaltungssatzung"
    VERAENDERUNGSSPERRE = "veraenderungssperre"
    OTHER = "other"


class LegalStatus(enum.StrEnum):
    """Where a statute stands in its procedure, in the order of the procedure."""

    #: Aufstellungsbeschluss: the council decided to draw up the plan.
    PLANNING_DECISION = "planning_decision"
    #: Frühzeitige Beteiligung (§ 3 Abs. 1 BauGB): ideas and concerns, informally.
    EARLY_PARTICIPATION = "early_participation"
    #: Öffentliche Auslegung / Veröffentlichung (§ 3 Abs. 2 BauGB): formal comments in the display period.
    PUBLIC_DISPLAY = "public_display"
    #: Satzungsbeschluss: adopted by the council, not yet announced.
    ADOPTED = "adopted"
    #: In force from the day of its announcement (`in_force_from`).
    IN_FORCE = "in_force"
    #: Repealed, or replaced by another statute (`replaced_by`).
    REPEALED = "repealed"


class Statute(HasMap, TimestampMixin, BBoxMixin, ModeratedMixin, db.Model):
    spatial = SpatialTable("statute", "area")

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    kind: Mapped[StatuteKind] = mapped_column(text_enum(StatuteKind), default=StatuteKind.BEBAUUNGSPLAN)
    #: The town's number for it, e.g. "12" or "12, 1. Änderung"; may be empty.
    number: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[LegalStatus] = mapped_column(text_enum(LegalStatus), default=LegalStatus.PLANNING_DECISION)
    #: None while a draft (only the town's planners see it); publishing needs an area.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planning_decision_on: Mapped[date | None] = mapped_column(Date)
    adopted_on: Mapped[date | None] = mapped_column(Date)
    #: The day of the announcement (Bekanntmachung) from which it applies.
    in_force_from: Mapped[date | None] = mapped_column(Date)
    repealed_on: Mapped[date | None] = mapped_column(Date)
    #: The statute that replaced this one (its predecessors are `replaces`).
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="SET NULL"), index=True)
    #: The area of application (Geltungsbereich), a MultiPolygon in EPSG:4326.
    area: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTIPOLYGON"))
    #: Number, title, summary and the whole text, kept for the full-text search only (deferred: never shown).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    #: The gml:id of the XPlanGML plan it was imported from; importing that plan again updates this statute.
    xplan_id: Mapped[str | None] = mapped_column(String(200), index=True)
    xplan_version: Mapped[str] = mapped_column(String(10), default="", server_default="")
    #: The last reference number given to a formal comment (Stellungnahme) on it; see statutes.receipts.
    receipt_counter: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    municipality: Mapped["Municipality"] = relationship()  # noqa: F821
    replaced_by: Mapped["Statute | None"] = relationship(remote_side=[id], back_populates="replaces")
    replaces: Mapped[list["Statute"]] = relationship(back_populates="replaced_by", order_by="Statute.id")
    #: Loaded with their paragraphs in two queries (selectin): every page that shows the text walks all of them.
    sections: Mapped[list["StatuteSection"]] = relationship(
        back_populates="statute", cascade="all, delete-orphan", order_by="StatuteSection.position", lazy="selectin"
    )
    documents: Mapped[list["StatuteDocument"]] = relationship(
        back_populates="statute", cascade="all, delete-orphan", order_by="StatuteDocument.position"
    )
    periods: Mapped[list["StatutePeriod"]] = relationship(
        back_populates="statute", cascade="all, delete-orphan", order_by="StatutePeriod.starts_on"
    )

    def set_area(self, area: BaseGeometry | None) -> None:
        self.area = area
        self._set_bbox(area)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def categories(self) -> list:
        """Statutes have no comment categories: their comments point at paragraphs and plan objects."""
        return []

    def __repr__(self) -> str:
        return f"<Statute {self.id} {self.number!r} {self.title!r}>"


class StatuteSection(db.Model):
    """A section of a statute's text (§ 1 Art der baulichen Nutzung) with its paragraphs (Absätze)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    statute_id: Mapped[int] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: "§ 1", "Nr. 2", or empty.
    number: Mapped[str] = mapped_column(String(40), default="")
    heading: Mapped[str] = mapped_column(String(300), default="")

    statute: Mapped[Statute] = relationship(back_populates="sections")
    paragraphs: Mapped[list["StatuteParagraph"]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="StatuteParagraph.position", lazy="selectin"
    )


class StatuteParagraph(db.Model):
    """A paragraph (Absatz) of a section: what a resident comments on and what a link points at."""

    __table_args__ = (UniqueConstraint("statute_id", "anchor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statute_id: Mapped[int] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("statute_section.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: "(1)", or empty for a section of one paragraph.
    number: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    #: Made once and kept when the text around it changes, so links and comments keep pointing here.
    anchor: Mapped[str] = mapped_column(String(40))
    #: The gml:ids of the plan objects this paragraph rules (highlighted on the map).
    plan_objects: Mapped[list] = mapped_column(JSON, default=list)

    section: Mapped[StatuteSection] = relationship(back_populates="paragraphs")


class DocumentKind(enum.StrEnum):
    PLAN = "plan"
    #: Begründung.
    JUSTIFICATION = "justification"
    #: Umweltbericht.
    ENVIRONMENTAL_REPORT = "environmental_report"
    LEGAL_TEXT = "legal_text"
    ANNOUNCEMENT = "announcement"
    OTHER = "other"


class StatuteDocument(TimestampMixin, db.Model):
    """A file published with a statute: plan PDF, justification, environmental report, scans."""

    id: Mapped[int] = mapped_column(primary_key=True)
    statute_id: Mapped[int] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(text_enum(DocumentKind), default=DocumentKind.OTHER)
    title: Mapped[str] = mapped_column(String(300))
    #: The name offered for download (cleaned); the file is stored under `stored_name`.
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    #: Checked against the file's content on upload, sent as Content-Type.
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    #: For a georeferenced plan image: [west, south, east, north] in EPSG:4326, drawn as an overlay on the map.
    overlay_bounds: Mapped[list | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    statute: Mapped[Statute] = relationship(back_populates="documents")


class PeriodKind(enum.StrEnum):
    #: Frühzeitige Beteiligung (§ 3 Abs. 1 BauGB): comments are informal.
    EARLY = "early"
    #: Öffentliche Auslegung (§ 3 Abs. 2 BauGB): comments are formal Stellungnahmen with a receipt.
    DISPLAY = "display"


class StatutePeriod(TimestampMixin, db.Model):
    """Days on which residents may comment on a statute, set by the planner.

    Both days count (inclusive); the period ends at the end of `ends_on` in the
    town's time zone (Europe/Berlin).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    statute_id: Mapped[int] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PeriodKind] = mapped_column(text_enum(PeriodKind), default=PeriodKind.DISPLAY)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    statute: Mapped[Statute] = relationship(back_populates="periods")
    changes: Mapped[list["PeriodChange"]] = relationship(
        back_populates="period", cascade="all, delete-orphan", order_by="PeriodChange.changed_at", lazy="selectin"
    )


class PeriodChange(db.Model):
    """A change of a period's dates (an extension), kept with its reason and shown on the statute's page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("statute_period.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    old_starts_on: Mapped[date] = mapped_column(Date)
    old_ends_on: Mapped[date] = mapped_column(Date)
    new_starts_on: Mapped[date] = mapped_column(Date)
    new_ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)

    period: Mapped[StatutePeriod] = relationship(back_populates="changes")
