"""Jobs without Redis: they run in the app's process, with progress and retry."""
from __future__ import annotations

import pytest

from participation.extensions import db
from participation.jobs import services
from participation.jobs.models import Job, JobStatus
from participation.jobs.registry import JOB_TYPES, JobFailed, job_type


@job_type("test-fails-once")
def _fails_once(ctx, marker: str) -> dict:
    # Fails on the first attempt, succeeds on the retry: a job whose cause was fixed.
    from pathlib import Path

    path = Path(marker)
    if not path.exists():
        path.write_text("tried")
        raise JobFailed("The file {name} could not be read.", name="x.zip")
    return {"ok": True}


@job_type("test-crashes")
def _crashes(ctx) -> None:
    raise ZeroDivisionError("boom")


def test_selftest_runs_in_process_and_reports_progress(app):
    with app.app_context():
        job = services.enqueue("selftest", {"seconds": 0.2, "steps": 4})
        done = services.wait(job.id, timeout=10)
        assert done.status is JobStatus.FINISHED
        assert done.progress == 1.0
        assert done.result == {"steps": 4}
        assert done.attempts == 1 and done.started_at and done.finished_at


def test_expected_failure_keeps_message_and_can_be_retried(app, tmp_path):
    with app.app_context():
        job = services.enqueue("test-fails-once", {"marker": str(tmp_path / "m")})
        failed = services.wait(job.id, timeout=10)
        assert failed.status is JobStatus.FAILED
        assert failed.message == "The file {name} could not be read."
        assert failed.message_params == {"name": "x.zip"}
        services.retry(failed)
        again = services.wait(job.id, timeout=10)
        assert again.status is JobStatus.FINISHED and again.attempts == 2


def test_crash_becomes_failed_job_with_traceback_for_admins(app):
    with app.app_context():
        job = services.enqueue("test-crashes", {})
        done = services.wait(job.id, timeout=10)
        assert done.status is JobStatus.FAILED
        assert "ZeroDivisionError" in done.error
        assert "unexpectedly" in done.message


def test_unknown_kind_is_refused(app):
    with app.app_context(), pytest.raises(KeyError):
        services.enqueue("no-such-job", {})
    assert "no-such-job" not in JOB_TYPES


def test_job_page_and_status_only_for_its_user(app, client, create_user, login):
    owner, other = create_user(), create_user()
    with app.app_context():
        job = services.enqueue("selftest", {"seconds": 0, "steps": 1}, user=owner)
        services.wait(job.id, timeout=10)
        job_id = job.id
    assert client.get(f"/auftraege/{job_id}").status_code == 302  # login first
    login(other)
    assert client.get(f"/auftraege/{job_id}/status").status_code == 404
    client.post("/konto/abmelden", data={"csrf_token": _token(client)})
    login(owner)
    state = client.get(f"/auftraege/{job_id}/status").get_json()
    assert state["status"] == "finished" and state["progress"] == 1.0 and state["done"] is True
    page = client.get(f"/auftraege/{job_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Finished" in page and 'value="100"' in page


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/")


def test_cli_selftest_shows_progress(runner):
    result = runner.invoke(args=["jobs", "selftest", "--seconds", "0.2"])
    assert result.exit_code == 0, result.output
    assert "queued job" in result.output and "finished" in result.output


def test_worker_without_redis_explains(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_stale_running_job_is_requeued_then_failed(app):
    from datetime import timedelta

    from participation.database.mixins import utcnow
    from participation.jobs.runner import reap_stale_jobs

    with app.app_context():
        job = Job(kind="selftest", payload={}, status=JobStatus.RUNNING, attempts=1, max_attempts=2,
                  heartbeat_at=utcnow() - timedelta(minutes=5))
        db.session.add(job)
        db.session.commit()
        assert reap_stale_jobs() == [job.id]
        db.session.refresh(job)
        assert job.status is JobStatus.QUEUED
        job.status, job.attempts, job.heartbeat_at = JobStatus.RUNNING, 2, utcnow() - timedelta(minutes=5)
        db.session.commit()
        assert reap_stale_jobs() == []
        db.session.refresh(job)
        assert job.status is JobStatus.FAILED and "worker stopped" in job.message
