"""Files the GIS team uploads in the browser, from the check to a published version."""
from __future__ import annotations

import enum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import TimestampMixin
from participation.database.types import text_enum
from participation.extensions import db
from participation.layers.models import Layer, LayerVersion


class UploadStatus(enum.StrEnum):
    """The steps of a browser upload, from the file to a published version."""

    CHECKING = "checking"
    #: The file has several layers or no CRS: the uploader must choose.
    NEEDS_CHOICE = "needs_choice"
    FAILED = "failed"
    #: A version was stored unpublished; the uploader reviews the report and confirms.
    READY = "ready"
    PUBLISHED = "published"
    DISCARDED = "discarded"


class LayerUpload(TimestampMixin, db.Model):
    """A file uploaded in the browser, kept until it is published or discarded.

    The file is checked by a background job; when it has several layers or no
    CRS the uploader chooses and the job runs again on the same file.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: Set when the upload is a new version of an existing layer.
    layer_id: Mapped[int | None] = mapped_column(ForeignKey("layer.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    status: Mapped[UploadStatus] = mapped_column(text_enum(UploadStatus), default=UploadStatus.CHECKING)
    #: Random file name under UPLOAD_FOLDER/layer-uploads/; removed once published or discarded.
    stored_name: Mapped[str] = mapped_column(String(100))
    original_filename: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    attribution: Mapped[str] = mapped_column(String(300), default="")
    #: The uploader's choices: a layer key inside the file and an EPSG code.
    source_layer: Mapped[str | None] = mapped_column(String(200))
    crs: Mapped[int | None]
    #: Why the upload failed or what must be chosen: an English msgid and its parameters.
    message: Mapped[str] = mapped_column(Text, default="")
    message_params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: What to choose from: {"layers": [{"key", "name", "feature_count", "geometry_type"}], "crs": [25832, …]}.
    choices: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The version stored from this upload (unpublished until the uploader confirms).
    version_id: Mapped[int | None] = mapped_column(ForeignKey("layer_version.id", ondelete="SET NULL"))

    municipality: Mapped["Municipality"] = relationship()  # noqa: F821
    layer: Mapped[Layer | None] = relationship(foreign_keys=[layer_id])
    version: Mapped[LayerVersion | None] = relationship(foreign_keys=[version_id])
    job: Mapped["Job | None"] = relationship()  # noqa: F821
