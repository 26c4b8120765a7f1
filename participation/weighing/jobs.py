"""The background job that sends the result notices of a published weighing."""
from __future__ import annotations

from flask_babel import force_locale

from geo.errors import N_
from participation.jobs.registry import JobFailed
from participation.weighing.queries import subject_from_key
from participation.weighing.services import send_result_notices


def result_notices(ctx, subject: str, locale: str = "de") -> dict:
    """Job "weighing.result_notices": the result notice to every author of a formal comment of
    `subject` ("statute:5"), each once however often the job runs."""
    found = subject_from_key(subject)
    if found is None:
        raise JobFailed(N_("The project or statute is gone."))
    if found.results_published_at is None:
        raise JobFailed(N_("The result is not published (any more)."))
    with force_locale(locale):
        return send_result_notices(found, ctx.progress)
