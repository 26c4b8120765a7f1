"""Faults: a database restart, Redis going away, a worker killed mid-job, an app
server killed right after it acknowledged a comment."""
from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from participation.comments.models import Comment
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from tests.conftest import INSIDE, PASSWORD
from tests.production.conftest import BIN, free_port, page_token, server_env, wait_until, web_login


def test_database_restart_is_survived(app, postgres, processes, create_project):
    pg_data, pg_bin = os.environ.get("TEST_PG_DATA"), os.environ.get("TEST_PG_BIN")
    if not (pg_data and pg_bin):
        pytest.skip("TEST_PG_DATA/TEST_PG_BIN not set (tools/test-services sets them)")
    project = create_project()
    server = processes.server(app)
    url = f"{server}/{project.municipality.slug}/projekte/{project.id}"
    assert requests.get(url, timeout=10).status_code == 200
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    # The postmaster must not inherit a pipe of ours, or run() would wait for it forever.
    subprocess.run(as_pg + [f"{pg_bin}/pg_ctl", "-D", pg_data, "-l", f"{pg_data}.log", "-m", "fast", "-w", "restart"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    # The pool's connections died with the server; pre-ping replaces them.
    assert requests.get(url, timeout=10).status_code == 200
    assert requests.get(server + "/readyz", timeout=10).json()["database"] == "ok"


@pytest.fixture
def own_redis(tmp_path):
    port = free_port()
    process = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    from redis import Redis
    wait_until(lambda: _pings(Redis.from_url(url)), 10, "redis did not start")
    yield url, process
    if process.poll() is None:
        process.kill()
        process.wait()


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:  # noqa: BLE001
        return False


def test_redis_down_the_app_keeps_serving_and_says_so(app, postgres, processes, own_redis, create_user):
    url, redis_process = own_redis
    server = processes.server(app, REDIS_URL=url)
    user = create_user()
    assert requests.get(server + "/readyz", timeout=10).json()["redis"] == "ok"
    redis_process.kill()
    redis_process.wait()
    ready = requests.get(server + "/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json() == {"status": "degraded", "database": "ok", "redis": "unreachable"}
    browser = requests.Session()
    assert web_login(browser, server, user.email, PASSWORD).status_code == 302  # limits fall back to memory
    # A job (the confirmation mail) runs in-process instead of being lost.
    form = {"email": "late@example.org", "pseudonym": "Late Comer", "password": "long enough password",
            "password_repeat": "long enough password", "accept_privacy": "y",
            "csrf_token": page_token(requests.Session(), server + "/konto/registrieren")}
    fresh = requests.Session()
    form["csrf_token"] = page_token(fresh, server + "/konto/registrieren")
    assert fresh.post(server + "/konto/registrieren", data=form, timeout=20).status_code == 200
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "mail"))
        assert job.status is JobStatus.FINISHED


def test_worker_killed_mid_job_is_retried_by_another(app, postgres, redis_url, processes):
    queued = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "jobs", "selftest", "--seconds", "6", "--no-wait"],
                            env=server_env(app, REDIS_URL=redis_url), capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    job_id = int(re.search(r"queued job (\d+)", queued.stdout).group(1))
    first = processes.worker(app, REDIS_URL=redis_url)

    def state():
        with app.app_context():
            db.session.expire_all()
            return db.session.get(Job, job_id)
    wait_until(lambda: state().status is JobStatus.RUNNING and state().progress > 0, 30, "job did not start")
    processes.kill(first, signal.SIGKILL)
    assert state().status is JobStatus.RUNNING  # nobody knows yet
    processes.worker(app, REDIS_URL=redis_url, JOB_STALE_SECONDS=3, JOB_REAP_SECONDS=0.5)
    wait_until(lambda: state().status is JobStatus.FINISHED, 60, "the job was not retried")
    assert state().attempts == 2


def test_acknowledged_comment_survives_sigkill(app, postgres, processes, create_project, create_user):
    project = create_project()
    user = create_user()
    server = processes.server(app)
    process = processes.running[-1]
    browser = requests.Session()
    web_login(browser, server, user.email, PASSWORD)
    page = f"{server}/{project.municipality.slug}/projekte/{project.id}"
    token = page_token(browser, page)
    response = browser.post(f"{server}/api/v1/projects/{project.id}/comments", timeout=10,
                            headers={"X-CSRFToken": token, "Referer": page},
                            json={"text": "Kept for sure", "category_id": project.categories[0].id,
                                  "location": {"type": "Point", "coordinates": [INSIDE.x, INSIDE.y]}})
    processes.kill(process, signal.SIGKILL)
    assert response.status_code == 201
    with app.app_context():
        stored = db.session.get(Comment, response.json()["id"])
        assert stored is not None and stored.text == "Kept for sure"

