"""Jobs without Redis: they run in the app's process, with progress and retry."""
from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs import services
from participation.jobs.models import Job, JobStatus
from participation.jobs.registry import JobFailed, job_function, register_job_type
from participation.jobs.runner import reap_stale_jobs
from tests.conftest import csrf_token, extra_app


def _fails_once(ctx, marker: str) -> dict:
    # Fails on the first attempt, succeeds on the retry: a job whose cause was fixed.
    path = Path(marker)
    if not path.exists():
        path.write_text("tried")
        raise JobFailed("The file {name} could not be read.", name="x.zip")
    return {"ok": True}


def _crashes(ctx) -> None:
    raise ZeroDivisionError("boom")


def _touch(ctx, marker: str) -> dict:
    Path(marker).write_text("ran")
    return {}


def _register(app) -> None:
    register_job_type(app, "test-fails-once", _fails_once)
    register_job_type(app, "test-crashes", _crashes)
    register_job_type(app, "test-touch", _touch)


@pytest.fixture(autouse=True)
def _test_job_types(app):
    _register(app)


def test_selftest_runs_in_process_and_reports_progress(app):
    with app.app_context():
        job = services.enqueue("selftest", {"seconds": 0.2, "steps": 4})
        db.session.commit()
        done = services.wait(job.id, timeout=10)
        assert done.status is JobStatus.FINISHED
        assert done.progress == 1.0
        assert done.result == {"steps": 4}
        assert done.attempts == 1 and done.started_at and done.finished_at


def test_expected_failure_keeps_message_and_can_be_retried(app, tmp_path):
    with app.app_context():
        job = services.enqueue("test-fails-once", {"marker": str(tmp_path / "m")})
        db.session.commit()
        failed = services.wait(job.id, timeout=10)
        assert failed.status is JobStatus.FAILED
        assert failed.message == "The file {name} could not be read."
        assert failed.message_params == {"name": "x.zip"}
        services.retry(failed)
        db.session.commit()
        again = services.wait(job.id, timeout=10)
        assert again.status is JobStatus.FINISHED and again.attempts == 2


def test_crash_becomes_failed_job_with_traceback_for_admins(app):
    with app.app_context():
        job = services.enqueue("test-crashes", {})
        db.session.commit()
        done = services.wait(job.id, timeout=10)
        assert done.status is JobStatus.FAILED
        assert "ZeroDivisionError" in done.error
        assert "unexpectedly" in done.message


def test_unknown_kind_is_refused(app):
    with app.app_context():
        with pytest.raises(KeyError):
            services.enqueue("no-such-job", {})
        assert job_function("no-such-job") is None and db.session.query(Job).count() == 0


def test_job_page_and_status_only_for_its_user(app, client, create_user, login):
    owner, other = create_user(), create_user()
    with app.app_context():
        job = services.enqueue("selftest", {"seconds": 0, "steps": 1}, user=owner)
        db.session.commit()
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


def test_a_job_is_handed_over_only_when_its_row_is_committed(app, tmp_path):
    marker = tmp_path / "ran"
    with app.app_context():
        job = services.enqueue("test-touch", {"marker": str(marker)})
        time.sleep(0.3)
        assert not marker.exists()  # queued, not yet handed to a worker
        db.session.commit()
        assert services.wait(job.id, timeout=10).status is JobStatus.FINISHED
    assert marker.exists()


def test_a_rolled_back_job_leaves_neither_row_nor_run(app, tmp_path):
    marker = tmp_path / "ran"
    with app.app_context():
        services.enqueue("test-touch", {"marker": str(marker)})
        db.session.rollback()
        db.session.commit()  # a later commit in the same session hands over nothing
        assert db.session.query(Job).count() == 0
    time.sleep(0.5)
    assert not marker.exists()


def test_a_request_that_fails_after_queuing_leaves_neither_row_nor_job(app, tmp_path):
    """One commit per request: the job goes to the queue after the request's commit, so a request
    that fails after queuing has queued nothing."""
    marker = tmp_path / "ran"
    other = extra_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH", "SECRET_KEY")},
                       "TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    _register(other)

    @other.get("/_test/queue-then-fail")
    def queue_then_fail():
        services.enqueue("test-touch", {"marker": str(marker)})
        raise RuntimeError("the request fails after queuing")

    @other.get("/_test/queue-and-commit")
    def queue_and_commit():
        services.enqueue("test-touch", {"marker": str(marker)})
        db.session.commit()
        return "ok"

    client = other.test_client()
    assert client.get("/_test/queue-then-fail").status_code == 500
    time.sleep(0.5)
    with app.app_context():
        assert db.session.query(Job).count() == 0
    assert not marker.exists()

    assert client.get("/_test/queue-and-commit").status_code == 200  # the same route with its commit does run
    with app.app_context():
        [job] = db.session.query(Job).all()
        assert services.wait(job.id, timeout=10).status is JobStatus.FINISHED
    assert marker.exists()
