"""Browser uploads: keep the file, check it in a job, then publish or discard what it made."""
from __future__ import annotations

import re
import secrets
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO, Callable

from flask import current_app
from sqlalchemy import select

from shapely.ops import unary_union

from geo.areas import distance_km
from geo.errors import GeoInputError, N_
from geo.layers import CHOICES as CRS_CHOICES
from participation.accounts.models import User
from participation.database.after_commit import after_commit
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.services import enqueue
from participation.layers.models import Layer, LayerVersion
from participation.layers.services import LayerChoiceNeeded, clean_filename, import_file, publish
from participation.layers.uploads.models import LayerUpload, UploadStatus
from participation.layers.uploads.queries import OPEN
from participation.municipalities.models import Municipality

#: The job type that checks an upload (`participation.layers.uploads.jobs`).
CHECK_JOB = "layer_upload"
#: The periodic task that removes abandoned uploads (`clean_abandoned_uploads`).
CLEAN_TASK = "layer_upload_cleanup"
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")
#: Without a boundary, a layer this far from all of the town's project areas is pointed out: farther
#: than across any German district, so a wrong file or coordinate system rather than the surroundings.
FAR_FROM_PROJECTS_KM = 50.0


def upload_folder() -> Path:
    """Where browser uploads wait for their check and the uploader's confirmation (shared by all servers)."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / "layer-uploads"


def upload_path(upload: LayerUpload) -> Path:
    return upload_folder() / upload.stored_name


def start_upload(town: Municipality, stream: BinaryIO, original_name: str, *, name: str, user,
                 layer: Layer | None = None, crs: int | None = None, description: str = "", source: str = "",
                 attribution: str = "") -> LayerUpload:
    """Keep an uploaded file and queue the job that checks and stores it (unpublished).

    The file gets a random name; its original name (cleaned: no path, no
    control characters) only decides the format. The job is handed to the
    queue when the caller commits.
    """
    original_name = clean_filename(original_name)
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(original_name).suffix.lower()
    stored = secrets.token_hex(16) + (suffix if _SUFFIX.fullmatch(suffix) else "")
    with open(folder / stored, "wb") as target:
        shutil.copyfileobj(stream, target, 1024 * 1024)
    upload = LayerUpload(
        municipality_id=town.id, layer_id=getattr(layer, "id", None), user_id=getattr(user, "id", None),
        stored_name=stored, original_filename=original_name, name=name[:200], crs=crs,
        description=description, source=source[:300], attribution=attribution[:300],
    )
    db.session.add(upload)
    db.session.flush()
    _check_in_background(upload, user)
    current_app.logger.info("User %s uploaded %s as layer upload %s", getattr(user, "id", None),
                            original_name[:100], upload.id)
    return upload


def _check_in_background(upload: LayerUpload, user) -> None:
    upload.status, upload.message, upload.message_params = UploadStatus.CHECKING, "", {}
    upload.job_id = enqueue(CHECK_JOB, {"upload_id": upload.id}, user=user).id


def choose(upload: LayerUpload, user, *, source_layer: str | None = None, crs: int | None = None) -> None:
    """Record the uploader's choice of layer and/or CRS and check the file again (when the caller commits)."""
    if upload.status is not UploadStatus.NEEDS_CHOICE:  # a refused upload's file is gone
        raise ValueError("only an upload that asked for a choice can be checked again")
    if source_layer is not None:
        upload.source_layer = source_layer[:200]
    if crs is not None:
        upload.crs = crs
    current_app.logger.info("User %s chose layer %r, CRS %s for upload %s", getattr(user, "id", None),
                            upload.source_layer, upload.crs, upload.id)
    _check_in_background(upload, user)


def recheck(upload: LayerUpload, user) -> None:
    """Queue the check again, e.g. after its worker was lost (when the caller commits)."""
    current_app.logger.info("User %s asked to check upload %s again", getattr(user, "id", None), upload.id)
    _check_in_background(upload, user)


def check_upload(upload: LayerUpload, progress: Callable[[int, int], None]) -> None:
    """Check the upload's file and store it as an unpublished version (the job's work).

    Sets the upload's status: READY with its version, NEEDS_CHOICE with what
    to choose, or FAILED with the reason. The caller commits.
    """
    layer = db.session.get(Layer, upload.layer_id) if upload.layer_id else None
    user = db.session.get(User, upload.user_id) if upload.user_id else None
    try:
        version = import_file(
            upload.municipality, upload_path(upload), upload.original_filename, name=upload.name, layer=layer,
            user=user, source_layer=upload.source_layer, crs=upload.crs, description=upload.description,
            source=upload.source, attribution=upload.attribution, publish=False, progress=progress,
        )
    except LayerChoiceNeeded as needed:
        db.session.rollback()
        upload.status = UploadStatus.NEEDS_CHOICE
        upload.message, upload.message_params = N_("The file contains several layers. Choose the one to import."), {}
        upload.choices = {"layers": [
            {"key": info.key, "name": info.name, "feature_count": info.feature_count,
             "geometry_type": info.geometry_type} for info in needed.layers if info.usable
        ]}
        return
    except GeoInputError as error:
        db.session.rollback()
        params = {key: value for key, value in error.params.items() if key != "suggested"}
        upload.message, upload.message_params = error.message, params
        if "suggested" in error.params:  # no CRS, or one that puts the data outside Germany
            upload.status = UploadStatus.NEEDS_CHOICE
            suggested = [int(code) for code in error.params["suggested"]]
            upload.choices = {"crs": suggested + [code for code in CRS_CHOICES if code not in suggested],
                              "suggested": suggested}
        else:
            # Refused for good: nothing can be chosen to check the file again, so it goes at once.
            upload.status = UploadStatus.FAILED
            path = upload_path(upload)
            after_commit(lambda: path.unlink(missing_ok=True))
        return
    upload.version_id = version.id
    upload.layer_id = version.layer_id
    upload.status = UploadStatus.READY
    upload.message, upload.message_params, upload.choices = "", {}, {}


def distance_from_town(town: Municipality, extent: list[float] | tuple[float, ...] | None) -> tuple[str, float] | None:
    """Whether a layer's extent (EPSG:4326) lies far from `town`, as ("boundary" | "projects", km).

    With a boundary: any extent that does not touch it. Without one: an extent
    farther than FAR_FROM_PROJECTS_KM from every project area of the town.
    None when the layer is near, or the town has neither boundary nor project
    areas to compare with. A hint for the reviewer, not a refusal: the
    surroundings of a town can belong on its maps.
    """
    if not extent or len(extent) != 4:
        return None
    bounds = tuple(float(value) for value in extent)
    if town.boundary is not None and not town.boundary.is_empty:
        km = distance_km(bounds, town.boundary)
        return ("boundary", km) if km > 0 else None
    areas = [project.area for project in town.projects if project.area is not None and not project.area.is_empty]
    if not areas:
        return None
    km = distance_km(bounds, unary_union(areas))
    return ("projects", km) if km > FAR_FROM_PROJECTS_KM else None


def publish_upload(upload: LayerUpload, user) -> LayerVersion:
    """The uploader confirmed the report: residents see this version from now on."""
    if upload.status is not UploadStatus.READY or upload.version is None:
        raise ValueError("only a checked upload can be published")
    publish(upload.version, user)
    upload.status = UploadStatus.PUBLISHED
    _remove_file(upload)
    return upload.version


def discard_upload(upload: LayerUpload, user) -> None:
    """Drop an upload and the unpublished version it made; a new layer without versions goes too."""
    version = upload.version
    if upload.status is UploadStatus.PUBLISHED:
        raise ValueError("a published upload cannot be discarded; publish an older version instead")
    upload.status = UploadStatus.DISCARDED
    upload.version_id = None
    if version is not None and version.layer.current_version_id != version.id:
        layer = version.layer
        db.session.delete(version)
        db.session.flush()
        if not layer.versions and layer.current_version_id is None:
            upload.layer_id = None
            db.session.delete(layer)
    _remove_file(upload)
    current_app.logger.info("User %s discarded layer upload %s", getattr(user, "id", None), upload.id)


def _remove_file(upload: LayerUpload) -> None:
    upload_path(upload).unlink(missing_ok=True)


def clean_abandoned_uploads(older_than: timedelta | None = None, now: datetime | None = None) -> int:
    """Discard uploads nobody published or discarded for `older_than` (LAYER_UPLOAD_KEEP_HOURS), with
    their files and unpublished versions, and remove stray files as old (e.g. of a failed request).

    The periodic task behind ``flask worker`` and ``flask layers clean-uploads``; the caller commits.
    Returns how many uploads and stray files were removed.
    """
    older_than = older_than or timedelta(hours=current_app.config["LAYER_UPLOAD_KEEP_HOURS"])
    cutoff = (now or utcnow()) - older_than
    abandoned = db.session.scalars(
        select(LayerUpload).where(LayerUpload.status.in_(OPEN), LayerUpload.updated_at < cutoff)
    ).all()
    for upload in abandoned:
        discard_upload(upload, None)
    db.session.flush()
    kept = set(db.session.scalars(select(LayerUpload.stored_name).where(LayerUpload.status.in_(OPEN))))
    stray = 0
    folder = upload_folder()
    for path in folder.iterdir() if folder.is_dir() else []:
        modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        if path.is_file() and path.name not in kept and modified < cutoff:
            path.unlink(missing_ok=True)
            stray += 1
    if abandoned or stray:
        current_app.logger.info("Removed %s abandoned layer uploads and %s stray files older than %s",
                                len(abandoned), stray, older_than)
    return len(abandoned) + stray
