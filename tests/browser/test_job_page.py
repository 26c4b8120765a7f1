"""A job's page follows its progress, and a failed job's page stays put."""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from tests.browser.conftest import audit, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _job(app, user, status: JobStatus, progress: float = 0.0) -> int:
    with app.app_context():
        job = Job(kind="test", status=status, progress=progress, user_id=user.id, payload={})
        db.session.add(job)
        db.session.commit()
        return job.id


def _set(app, job_id: int, **values):
    with app.app_context():
        job = db.session.get(Job, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        db.session.commit()


def test_running_job_page_shows_the_progress_until_it_is_done(app, page, watch, create_user):
    user = create_user()
    job_id = _job(app, user, JobStatus.RUNNING, progress=0.25)
    log_in(page, user, PASSWORD)
    page.goto(f"/auftraege/{job_id}")
    bar = page.locator("[data-job-progress]")
    assert bar.get_attribute("value") == "25"
    audit(page, watch)
    running_label = page.locator("[data-job-status]").inner_text()

    _set(app, job_id, status=JobStatus.FINISHED, progress=1.0)
    expect(bar).to_have_js_property("value", 100)
    expect(page.locator("[data-job-status]")).not_to_have_text(running_label)


def test_failed_job_page_offers_a_retry_and_does_not_keep_reloading(app, page, watch, create_user):
    user = create_user()
    job_id = _job(app, user, JobStatus.FAILED)
    log_in(page, user, PASSWORD)
    page.goto(f"/auftraege/{job_id}")
    assert page.locator("main form button[type=submit]").is_visible()
    audit(page, watch)
    # Nothing is left to follow: the page must not poll (it used to reload itself every second).
    # The script's first poll comes after one second, so two seconds are enough to see it.
    with pytest.raises(PlaywrightTimeout):
        with page.expect_request(lambda r: r.url.endswith(f"/auftraege/{job_id}/status"), timeout=2500):
            pass
