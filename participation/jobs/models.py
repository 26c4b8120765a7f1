from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from participation.database.mixins import TimestampMixin
from participation.database.types import UTCDateTime, text_enum
from participation.extensions import db


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class Job(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Key into `participation.jobs.registry.JOB_TYPES`.
    kind: Mapped[str] = mapped_column(String(50))
    status: Mapped[JobStatus] = mapped_column(
        text_enum(JobStatus),
        default=JobStatus.QUEUED,
        index=True,
    )
    #: 0.0 … 1.0
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    #: An English msgid with `{placeholders}`, translated when shown; `message_params` fills them.
    message: Mapped[str] = mapped_column(String(300), default="")
    message_params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Arguments of the job function; never shown to other users.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON)
    #: For the log and the admin; the user sees `message`.
    error: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Renewed every few seconds while a job runs; a stale one means its worker died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_done(self) -> bool:
        return self.status in (JobStatus.FINISHED, JobStatus.FAILED)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
