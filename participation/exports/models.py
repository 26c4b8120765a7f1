"""An export a planner asked for: what it covers, its format, its job and the file it made."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import TimestampMixin
from participation.database.types import UTCDateTime, text_enum
from participation.extensions import db


class ExportFormat(enum.StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    GEOJSON = "geojson"
    GPKG = "gpkg"
    #: The weighing table (Abwägungstabelle) as a workbook for the council.
    WEIGHING_XLSX = "weighing-xlsx"
    #: The weighing table as a PDF for the council paper.
    WEIGHING_PDF = "weighing-pdf"
    #: The participation report: figures, charts, map, hot spots and the weighing table.
    REPORT_PDF = "report-pdf"

    @property
    def for_one_subject(self) -> bool:
        """Made for one project or statute only, never for a whole town."""
        return self in (ExportFormat.WEIGHING_XLSX, ExportFormat.WEIGHING_PDF, ExportFormat.REPORT_PDF)


class ExportStatus(enum.StrEnum):
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


class Export(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    #: Who asked for it: the only account that may download it.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    #: What it covers: one project or statute, or the whole town (both None) between two days.
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    statute_id: Mapped[int | None] = mapped_column(ForeignKey("statute.id", ondelete="CASCADE"))
    #: A survey's responses instead of comments (CSV, XLSX, GeoJSON or GeoPackage).
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    #: The days (in the town's time zone, both included) whose comments it covers; None is open-ended.
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    format: Mapped[ExportFormat] = mapped_column(text_enum(ExportFormat))
    #: EPSG code of the coordinates in a GeoPackage and of the projected columns in tables.
    crs: Mapped[int] = mapped_column(Integer, default=4326)
    #: For the weighing table: "thema" (paragraph or category) or "datum".
    grouping: Mapped[str] = mapped_column(String(20), default="thema")
    #: The language of headers and words in the file: the planner's when they asked.
    locale: Mapped[str] = mapped_column(String(10), default="de")
    status: Mapped[ExportStatus] = mapped_column(text_enum(ExportStatus), default=ExportStatus.RUNNING)
    #: The name it downloads as, and the random name it is stored under (empty until written).
    filename: Mapped[str] = mapped_column(String(200), default="")
    stored_name: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    #: Comments written (top level and replies), or a survey's responses.
    rows: Mapped[int] = mapped_column(default=0)
    #: After this the file is deleted and the link is dead.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    municipality: Mapped["Municipality"] = relationship()  # noqa: F821
    project: Mapped["Project | None"] = relationship()  # noqa: F821
    statute: Mapped["Statute | None"] = relationship()  # noqa: F821
    job: Mapped["Job | None"] = relationship()  # noqa: F821
    survey: Mapped["Survey | None"] = relationship()  # noqa: F821

    @property
    def subject(self):
        return self.project or self.statute

    def __repr__(self) -> str:
        return f"<Export {self.id} {self.format} {self.status}>"
