"""Job types of the platform itself."""
from __future__ import annotations

import time

from geo.errors import N_
from participation.jobs.registry import job_type
from participation.web.mail import send_mail


@job_type("mail")
def mail(ctx, to: str, subject: str, body: str) -> dict:
    """Send one mail (queued so that a slow mail server never slows a page)."""
    send_mail(to, subject, body)
    return {"sent": True}


@job_type("selftest")
def selftest(ctx, seconds: float = 2.0, steps: int = 10) -> dict:
    """Check the job pipeline end to end: takes `seconds`, reporting progress in `steps`.

    Operators run it with ``flask jobs selftest`` after setting up a worker.
    """
    steps = max(1, min(int(steps), 1000))
    for step in range(steps):
        time.sleep(max(0.0, float(seconds)) / steps)
        ctx.progress((step + 1) / steps, N_("Step {step} of {steps}"), step=step + 1, steps=steps)
    return {"steps": steps}
