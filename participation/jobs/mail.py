"""Mail through the job queue: a slow or failing mail server never fails a page."""
from __future__ import annotations

from participation.jobs.services import enqueue


def queue_mail(to: str, subject: str, body: str) -> None:
    """Send by a worker when Redis is configured; else right away, in this process.

    A failure is recorded on the job (``flask jobs list --status failed``) and
    can be retried; the person can also ask for a new link.
    """
    enqueue("mail", {"to": to, "subject": subject, "body": body}, inline=True)
