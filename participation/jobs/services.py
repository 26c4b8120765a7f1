"""Queueing, retrying and waiting for jobs."""
from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue

from geo.errors import N_
from participation.backends import redis_client
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.jobs.registry import JOB_TYPES, load_job_types
from participation.jobs.runner import run_job

QUEUE_NAME = "participation"
_executor: ThreadPoolExecutor | None = None


def queue() -> Queue | None:
    client = redis_client()
    return Queue(QUEUE_NAME, connection=client) if client is not None else None


def enqueue(kind: str, payload: dict, user=None, inline: bool = False) -> Job:
    """Record a job and hand it to a worker.

    Parameters
    ----------
    inline : bool
        Without a reachable Redis, run the job now in this request instead of
        in a background thread (for short jobs such as one mail).
    """
    load_job_types()
    if kind not in JOB_TYPES:
        raise KeyError(kind)
    job = Job(kind=kind, payload=payload, user_id=getattr(user, "id", None), message=N_("Waiting for a worker."))
    db.session.add(job)
    db.session.commit()
    current_app.logger.info("Job %s (%s) queued by user %s", job.id, kind, job.user_id)
    dispatch(job, inline=inline)
    return job


def dispatch(job: Job, inline: bool = False) -> Future | None:
    q = queue()
    if q is not None:
        try:
            q.enqueue("participation.jobs.worker.perform", job.id, job_id=f"job-{job.id}-{job.attempts}",
                      job_timeout=current_app.config["JOB_TIMEOUT_SECONDS"], result_ttl=3600, failure_ttl=7 * 86400)
            return None
        except RedisError:
            current_app.logger.warning("Redis unreachable; job %s runs in-process", job.id)
    if inline:
        run_job(job.id)
        return None
    return _in_process(current_app._get_current_object(), job.id)


def _in_process(app: Flask, job_id: int) -> Future:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="job")

    def work():
        with app.app_context():
            run_job(job_id)
            db.session.remove()
    return _executor.submit(work)


def retry(job: Job) -> Job:
    """Queue a failed job again."""
    if job.status is not JobStatus.FAILED:
        raise ValueError("only failed jobs can be retried")
    job.status, job.progress, job.error = JobStatus.QUEUED, 0.0, None
    job.max_attempts = job.attempts + 1
    job.message, job.message_params = N_("Waiting for a worker."), {}
    db.session.commit()
    current_app.logger.info("Job %s queued again", job.id)
    dispatch(job)
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
