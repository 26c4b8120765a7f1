"""The background import of an uploaded address list (registered as `services.IMPORT_JOB`)."""
from __future__ import annotations

from geo.errors import GeoInputError, N_
from participation.accounts.models import User
from participation.addresses import services
from participation.extensions import db
from participation.jobs.models import Job
from participation.jobs.registry import JobFailed
from participation.municipalities.models import Municipality


def import_address_file(ctx, town_id: int, stored_name: str, filename: str, crs: int | None = None) -> dict:
    """Import a waiting file as the town's address list; the file goes once the import is decided."""
    town = db.session.get(Municipality, town_id)
    path = services.stored_path(stored_name)
    if town is None or not path.is_file():
        raise JobFailed(N_("The uploaded file is gone; please upload it again."))
    job = db.session.get(Job, ctx.job_id)
    user = db.session.get(User, job.user_id) if job is not None and job.user_id else None
    ctx.progress(0.02, N_("Reading the address list …"))

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "read":
            ctx.progress(0.02 + 0.48 * done / max(total, 1), N_("Reading the address list …"))
        else:
            ctx.progress(0.5 + 0.5 * done / max(total, 1), N_("Storing addresses: {done} of {total}"),
                         done=done, total=total)

    try:
        address_list = services.import_addresses(town, path, user, progress, filename=filename, crs=crs)
    except GeoInputError as error:
        path.unlink(missing_ok=True)  # refused for good: trying again cannot help
        params = {key: value for key, value in error.params.items() if key != "suggested"}
        raise JobFailed(error.message, **params) from None
    db.session.commit()
    path.unlink(missing_ok=True)
    return {"town_id": town.id, "addresses": address_list.address_count}
