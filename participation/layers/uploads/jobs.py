"""The background check of an uploaded file (registered as `services.CHECK_JOB`)."""
from __future__ import annotations

from geo.errors import N_
from participation.extensions import db
from participation.jobs.registry import JobFailed
from participation.layers.uploads import services
from participation.layers.uploads.models import LayerUpload


def check_layer_upload(ctx, upload_id: int) -> dict:
    """Check an uploaded file and store it as an unpublished version for the uploader to review."""
    upload = db.session.get(LayerUpload, upload_id)
    if upload is None or not services.upload_path(upload).is_file():
        raise JobFailed(N_("The uploaded file is gone; please upload it again."))
    ctx.progress(0.05, N_("Checking the file …"))

    def progress(done: int, total: int) -> None:
        ctx.progress(0.1 + 0.85 * done / max(total, 1), N_("Storing features: {done} of {total}"),
                     done=done, total=total)

    services.check_upload(upload, progress)
    return {"upload_id": upload.id, "status": upload.status.value}
