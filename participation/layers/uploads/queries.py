"""Reading uploads: those of a town still waiting for the GIS team."""
from __future__ import annotations

from sqlalchemy import select

from participation.extensions import db
from participation.layers.uploads.models import LayerUpload, UploadStatus

#: Uploads the GIS team still has to act on (being checked, waiting for a choice, refused, ready to
#: publish): listed for the team, their files kept until the periodic clean-up finds them abandoned.
OPEN = (UploadStatus.CHECKING, UploadStatus.NEEDS_CHOICE, UploadStatus.FAILED, UploadStatus.READY)


def open_uploads(municipality_id: int) -> list[LayerUpload]:
    """The town's open uploads, newest first."""
    return list(db.session.scalars(
        select(LayerUpload).where(LayerUpload.municipality_id == municipality_id, LayerUpload.status.in_(OPEN))
        .order_by(LayerUpload.created_at.desc())
    ))
