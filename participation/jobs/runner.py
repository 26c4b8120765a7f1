"""Running a job: in an RQ worker or in the app's own process."""
from __future__ import annotations

import threading
import traceback
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from geo.errors import N_
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.jobs.registry import JobFailed, job_function


class JobContext:
    """What a job function may do: report progress. Writes on its own connection,
    so progress is visible at once and independent of the job's own transaction."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def progress(self, fraction: float, message: str = "", **params: object) -> None:
        if _holds_sqlite_write_lock():
            return  # the bar stands still until the job's own writes are committed
        _write(self.job_id, progress=max(0.0, min(1.0, float(fraction))), message=message,
               message_params=params, heartbeat_at=utcnow())


def _holds_sqlite_write_lock() -> bool:
    """True while the job's own transaction has written to SQLite, which allows one writer at a
    time: a progress write on another connection would wait for that transaction, then fail."""
    if db.engine.dialect.name != "sqlite" or db.session().get_transaction() is None:
        return False
    return bool(db.session.connection().connection.driver_connection.in_transaction)


def _write(job_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(**values))


def _heartbeat(job_id: int, stop: threading.Event, app) -> None:
    # Several beats within the stale limit, so one slow write does not look like a dead worker.
    interval = max(0.5, min(5.0, app.config["JOB_STALE_SECONDS"] / 4))
    with app.app_context():
        while not stop.wait(interval):
            _write(job_id, heartbeat_at=utcnow())


def run_job(job_id: int) -> None:
    """Run a queued job to its end and record the outcome. Safe to call twice."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), heartbeat_at=utcnow(), attempts=Job.attempts + 1)
    ).rowcount
    db.session.commit()
    if not claimed:
        return  # done, running elsewhere, or gone
    job = db.session.get(Job, job_id)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(job_id, stop, current_app._get_current_object()), daemon=True)
    beat.start()
    outcome: dict
    try:
        function = job_function(job.kind)
        if function is None:
            raise LookupError(f"no job type {job.kind!r} in this app")
        result = function(JobContext(job_id), **(job.payload or {}))
        db.session.commit()
        outcome = dict(status=JobStatus.FINISHED, progress=1.0, result=result, message=N_("Done."), message_params={})
    except JobFailed as failure:
        db.session.rollback()
        outcome = dict(status=JobStatus.FAILED, message=failure.message, message_params=failure.params, error=str(failure))
    except Exception:  # noqa: BLE001 - any crash becomes a failed job with a message, never a lost one
        db.session.rollback()
        current_app.logger.exception("Job %s (%s) crashed", job_id, job.kind)
        outcome = dict(status=JobStatus.FAILED, error=traceback.format_exc(limit=20),
                       message=N_("The job failed unexpectedly. You can try it again."), message_params={})
    finally:
        stop.set()
        beat.join()
    _write(job_id, finished_at=utcnow(), heartbeat_at=utcnow(), **outcome)
    current_app.logger.info("Job %s (%s) %s", job_id, job.kind, outcome["status"])


def reap_stale_jobs(stale_after: timedelta | None = None) -> list[int]:
    """Running jobs whose heartbeat stopped (their worker died): queue them again
    while attempts remain, else mark them failed. Returns the ids re-queued."""
    stale_after = stale_after or timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    limit = utcnow() - stale_after
    requeue = []
    for job in db.session.scalars(
        db.select(Job).where(Job.status == JobStatus.RUNNING, Job.heartbeat_at < limit).with_for_update()
    ):
        if job.attempts < job.max_attempts:
            job.status = JobStatus.QUEUED
            job.message, job.message_params = N_("The worker stopped; the job is queued again."), {}
            requeue.append(job.id)
        else:
            job.status, job.finished_at = JobStatus.FAILED, utcnow()
            job.message, job.message_params = N_("The worker stopped during the job. You can try it again."), {}
        current_app.logger.warning("Job %s had a stale heartbeat; now %s", job.id, job.status)
    db.session.commit()
    return requeue
