"""Two gunicorn app servers on different ports share PostgreSQL, Redis and the
upload folder: sessions, rate limits, jobs and uploads work across them."""
from __future__ import annotations

import io
from pathlib import Path

import requests
from sqlalchemy import select

from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from tests.conftest import PASSWORD
from tests.production.conftest import page_token, wait_until, web_login


def test_login_on_one_server_is_valid_on_the_other(app, postgres, redis_url, processes, create_user):
    a, b = processes.server(app, REDIS_URL=redis_url), processes.server(app, REDIS_URL=redis_url)
    user = create_user()
    browser = requests.Session()
    assert web_login(browser, a, user.email, PASSWORD).status_code == 302
    page = browser.get(b + "/", timeout=10, headers={"Accept-Language": "en"}).text
    assert f"Logged in as {user.pseudonym}" in page


def test_rate_limit_counts_across_servers(app, postgres, redis_url, processes, create_user):
    a, b = processes.server(app, REDIS_URL=redis_url), processes.server(app, REDIS_URL=redis_url)
    user = create_user()
    statuses = []
    for attempt in range(6):  # the account limit is 5 failed attempts per minute
        browser = requests.Session()
        statuses.append(web_login(browser, (a, b)[attempt % 2], user.email, "wrong password").status_code)
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429


def test_job_queued_by_a_server_is_done_by_a_worker(app, postgres, redis_url, processes):
    a = processes.server(app, REDIS_URL=redis_url)
    browser = requests.Session()
    form = {"email": "new@example.org", "pseudonym": "Newcomer", "password": "long enough password",
            "password_repeat": "long enough password", "accept_privacy": "y",
            "csrf_token": page_token(browser, a + "/konto/registrieren")}
    assert browser.post(a + "/konto/registrieren", data=form, timeout=10).status_code == 200
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "mail"))
        assert job.status is JobStatus.QUEUED  # queued in Redis, not sent by the web server
    processes.worker(app, REDIS_URL=redis_url)

    def finished():
        with app.app_context():
            return db.session.get(Job, job.id).status is JobStatus.FINISHED
    wait_until(finished, 30, "the worker did not run the mail job")
    mails = list((Path(app.instance_path) / "mail").glob("*.eml"))
    assert any("new@example.org" in m.read_text() for m in mails)


def test_upload_through_one_server_is_served_by_the_other(app, postgres, redis_url, processes, create_town, create_user):
    a, b = processes.server(app, REDIS_URL=redis_url), processes.server(app, REDIS_URL=redis_url)
    town = create_town()
    planner = create_user(role="planner", towns=[town])
    browser = requests.Session()
    web_login(browser, a, planner.email, PASSWORD)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><circle r="1" cx="1" cy="1"/></svg>'
    url = f"{a}/{town.slug}/einstellungen"
    response = browser.post(url, timeout=10, allow_redirects=False,
                            data={"name": town.name, "csrf_token": page_token(browser, url)},
                            files={"logo": ("logo.svg", io.BytesIO(svg), "image/svg+xml")})
    assert response.status_code == 302
    served = requests.get(f"{b}/{town.slug}/logo", timeout=10)
    assert served.status_code == 200 and served.content == svg
