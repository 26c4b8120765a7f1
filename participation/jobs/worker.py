"""The RQ side: the function RQ calls, and the worker loop behind ``flask worker``."""
from __future__ import annotations

import threading
import time

from flask import current_app
from rq import SimpleWorker

from participation.backends import redis_client
from participation.extensions import db
from participation.jobs.models import Job
from participation.jobs.registry import periodic_tasks
from participation.jobs.runner import reap_stale_jobs, run_job
from participation.jobs.services import QUEUE_NAME, dispatch


def perform(job_id: int) -> None:
    """Called by RQ inside ``flask worker``, which holds the app context."""
    try:
        run_job(job_id)
    finally:
        db.session.remove()


def run_due_tasks(app, last_run: dict[str, float], now: float | None = None) -> list[str]:
    """Run each periodic task whose interval has passed since `last_run` (updated); commit after each.

    Returns the names of the tasks that ran. A failing task is logged and
    rolled back; it does not stop the others, and it runs again next interval.
    """
    now = time.monotonic() if now is None else now
    ran = []
    for task in periodic_tasks(app):
        if task.name in last_run and now - last_run[task.name] < task.every_seconds:
            continue
        last_run[task.name] = now
        ran.append(task.name)
        try:
            task.function()
            db.session.commit()
        except Exception:  # noqa: BLE001 - housekeeping must outlive a passing error
            app.logger.exception("Periodic task %s failed", task.name)
            db.session.rollback()
        finally:
            db.session.remove()
    return ran


def _reaper(app, stop: threading.Event) -> None:
    """Every JOB_REAP_SECONDS: queue again the jobs that lost their worker, and run the periodic tasks."""
    last_run: dict[str, float] = {}
    with app.app_context():
        while True:
            try:
                for job_id in reap_stale_jobs():
                    dispatch(app, job_id, db.session.get(Job, job_id).attempts)
            except Exception:  # noqa: BLE001 - the reaper must outlive a passing database error
                app.logger.exception("Reaping stale jobs failed")
                db.session.rollback()
            finally:
                db.session.remove()
            run_due_tasks(app, last_run)
            if stop.wait(app.config["JOB_REAP_SECONDS"]):
                return


def work(burst: bool = False) -> None:
    """Serve the queue until stopped (or until it is empty, with `burst`)."""
    client = redis_client()
    if client is None:
        raise RuntimeError("REDIS_URL is not set: without Redis, jobs run inside the app and need no worker")
    stop = threading.Event()
    reaper = threading.Thread(target=_reaper, args=(current_app._get_current_object(), stop), daemon=True)
    reaper.start()
    try:
        # SimpleWorker runs jobs in this process, which holds the app context and its database pool.
        SimpleWorker([QUEUE_NAME], connection=client).work(burst=burst, with_scheduler=False)
    finally:
        stop.set()
