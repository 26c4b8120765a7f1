"""Job types of the platform itself: mail, and a self-test of the job pipeline."""
from __future__ import annotations

import time

from flask import Flask

from geo.errors import N_
from participation.jobs.registry import register_job_type
from participation.jobs.services import enqueue
from participation.web.mail import send_mail


def mail(ctx, to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> dict:
    """Send one mail (queued so that a slow mail server never slows a page)."""
    send_mail(to, subject, body, headers)
    return {"sent": True}


def queue_mail(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Send by a worker when Redis is configured; else right after the commit, in this process.

    A failure is recorded on the job (``flask jobs list --status failed``) and
    can be retried; the person can also ask for a new link.
    """
    params = {"to": to, "subject": subject, "body": body}
    if headers:
        params["headers"] = headers
    enqueue("mail", params, inline=True)


def selftest(ctx, seconds: float = 2.0, steps: int = 10) -> dict:
    """Check the job pipeline end to end: takes `seconds`, reporting progress in `steps`.

    Operators run it with ``flask jobs selftest`` after setting up a worker.
    """
    steps = max(1, min(int(steps), 1000))
    for step in range(steps):
        time.sleep(max(0.0, float(seconds)) / steps)
        ctx.progress((step + 1) / steps, N_("Step {step} of {steps}"), step=step + 1, steps=steps)
    return {"steps": steps}


def register(app: Flask) -> None:
    register_job_type(app, "mail", mail)
    register_job_type(app, "selftest", selftest)
