"""Queueing, retrying and waiting for jobs."""
from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue

from geo.errors import N_
from participation.backends import redis_client
from participation.database.after_commit import after_commit
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.jobs.registry import job_function
from participation.jobs.runner import run_job

QUEUE_NAME = "participation"
_executor: ThreadPoolExecutor | None = None


def queue() -> Queue | None:
    client = redis_client()
    return Queue(QUEUE_NAME, connection=client) if client is not None else None


def enqueue(kind: str, payload: dict, user=None, inline: bool = False) -> Job:
    """Record a job; it is handed to a worker when the caller's transaction commits.

    Not before, so that a worker never sees a job whose row is not committed,
    and a request that fails after queuing leaves neither the row nor the job.

    Parameters
    ----------
    inline : bool
        Without a reachable Redis, run the job right after the commit, before
        the request ends, instead of in a background thread (for short jobs
        such as one mail).
    """
    if job_function(kind) is None:
        raise KeyError(kind)
    job = Job(kind=kind, payload=payload, user_id=getattr(user, "id", None), message=N_("Waiting for a worker."))
    db.session.add(job)
    db.session.flush()
    current_app.logger.info("Job %s (%s) queued by user %s", job.id, kind, job.user_id)
    _dispatch_after_commit(job, inline)
    return job


def _dispatch_after_commit(job: Job, inline: bool = False) -> None:
    job_id, attempts = job.id, job.attempts
    app = current_app._get_current_object()
    after_commit(lambda: dispatch(app, job_id, attempts, inline=inline), key=("job", job_id))


def dispatch(app: Flask, job_id: int, attempts: int, inline: bool = False) -> Future | None:
    """Hand a committed job to RQ, or (without Redis) run it in this process."""
    q = queue()
    if q is not None:
        try:
            q.enqueue("participation.jobs.worker.perform", job_id, job_id=f"job-{job_id}-{attempts}",
                      job_timeout=app.config["JOB_TIMEOUT_SECONDS"], result_ttl=3600, failure_ttl=7 * 86400)
            return None
        except RedisError:
            app.logger.warning("Redis unreachable; job %s runs in-process", job_id)
    if inline:
        _run_apart(app, job_id)
        return None
    return _in_process(app, job_id)


def _run_apart(app: Flask, job_id: int) -> None:
    """Run the job now, in an app context (and so a database session) of its own."""
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def _in_process(app: Flask, job_id: int) -> Future:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="job")
    return _executor.submit(_run_apart, app, job_id)


def retry(job: Job) -> Job:
    """Queue a failed job again (handed to a worker when the caller commits)."""
    if job.status is not JobStatus.FAILED:
        raise ValueError("only failed jobs can be retried")
    job.status, job.progress, job.error = JobStatus.QUEUED, 0.0, None
    job.max_attempts = job.attempts + 1
    job.message, job.message_params = N_("Waiting for a worker."), {}
    current_app.logger.info("Job %s queued again", job.id)
    _dispatch_after_commit(job)
    return job


def wait(job_id: int, timeout: float, on_progress=None) -> Job:
    """Poll a job until it is done or `timeout` seconds pass; returns its last state."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if on_progress:
            on_progress(job)
        if job.is_done or time.monotonic() > deadline:
            return job
        time.sleep(0.2)
