"""Real processes for the production stack: gunicorn app servers and RQ workers
against the test PostgreSQL and Redis (both on loopback, see tools/test-services)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from redis import Redis

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set (make test starts Redis via tools/test-services)")
    client = Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def postgres(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (make test does)")
    return app.config["SQLALCHEMY_DATABASE_URI"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(app, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))}
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "INSTANCE_PATH": app.instance_path,
        "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "BASEMAP_URL": "/basemap/{z}/{x}/{y}.png",
        "MAIL_SERVER": "",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Processes:
    """Starts processes and makes sure none outlives the test."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.log = log  # type: ignore[attr-defined]
        self.running.append(process)
        return process

    def server(self, app, **extra) -> str:
        port = free_port()
        env = server_env(app, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=1, GUNICORN_THREADS=4, **extra)
        process = self.start(f"server-{port}", [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], env)
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(url), 30, f"server on {port} did not start: " + self.tail(process))
        process.url = url  # type: ignore[attr-defined]
        return url

    def worker(self, app, **extra) -> subprocess.Popen:
        return self.start(f"worker-{len(self.running)}", [str(BIN / "flask"), "--app", "wsgi", "worker"],
                          server_env(app, **extra))

    def tail(self, process) -> str:
        process.log.flush()
        return Path(process.log.name).read_text(errors="replace")[-3000:]

    def kill(self, process, sig=signal.SIGKILL) -> None:
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            process.log.close()


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def wait_until(condition, timeout: float, message: str = "condition not met"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(message)


@pytest.fixture
def processes(tmp_path):
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


def page_token(session: requests.Session, url: str) -> str:
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(url, timeout=10).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def web_login(session: requests.Session, base: str, email: str, password: str) -> requests.Response:
    return session.post(base + "/konto/anmelden", allow_redirects=False, timeout=10,
                        data={"email": email, "password": password,
                              "csrf_token": page_token(session, base + "/konto/anmelden")})
