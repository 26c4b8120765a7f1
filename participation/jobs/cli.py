"""``flask worker`` and ``flask jobs …``."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from participation.extensions import db
from participation.jobs import services
from participation.jobs.models import Job, JobStatus
from participation.jobs.worker import work


@click.command("worker", help="Run a background worker (needs REDIS_URL).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool):
    try:
        work(burst=burst)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


@click.group(help="Inspect and run background jobs.")
def jobs():
    pass


@jobs.command("list")
@click.option("--status", type=click.Choice([s.value for s in JobStatus]))
@with_appcontext
def list_(status: str | None):
    query = select(Job).order_by(Job.id.desc()).limit(50)
    if status:
        query = query.where(Job.status == JobStatus(status))
    for job in db.session.scalars(query):
        click.echo(f"{job.id}\t{job.kind}\t{job.status}\t{job.progress:.0%}\tattempts={job.attempts}")


def _follow(job_id: int, timeout: float) -> Job:
    with click.progressbar(length=100, label=f"job {job_id}", show_percent=True) as bar:
        shown = [0]

        def update(job: Job) -> None:
            step = int(job.progress * 100) - shown[0]
            if step > 0:
                bar.update(step)
                shown[0] += step
        job = services.wait(job_id, timeout, on_progress=update)
    return job


@jobs.command("wait")
@click.argument("job_id", type=int)
@click.option("--timeout", default=3600.0, show_default=True)
@with_appcontext
def wait(job_id: int, timeout: float):
    """Follow a job with a progress bar until it ends."""
    if db.session.get(Job, job_id) is None:
        raise click.ClickException(f"no job {job_id}")
    job = _follow(job_id, timeout)
    click.echo(f"job {job.id}: {job.status}")
    if job.status is not JobStatus.FINISHED:
        raise SystemExit(1)


@jobs.command("selftest")
@click.option("--seconds", default=3.0, show_default=True)
@click.option("--no-wait", is_flag=True, help="Queue only; print the job id.")
@with_appcontext
def selftest(seconds: float, no_wait: bool):
    """Queue a harmless job that reports progress, to check the worker set-up."""
    job = services.enqueue("selftest", {"seconds": seconds})
    db.session.commit()
    click.echo(f"queued job {job.id}")
    if not no_wait:
        job = _follow(job.id, seconds + 120)
        click.echo(f"job {job.id}: {job.status}")
        if job.status is not JobStatus.FINISHED:
            raise SystemExit(1)


@jobs.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def retry(job_id: int):
    job = db.session.get(Job, job_id)
    if job is None or job.status is not JobStatus.FAILED:
        raise click.ClickException("only a failed job can be retried")
    services.retry(job)
    db.session.commit()
    click.echo(f"queued job {job.id} again")
