"""Importing, publishing, rolling back and deleting layers."""
from __future__ import annotations

import json
import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO, Callable

from flask import current_app
from sqlalchemy import func, insert, select

from geo.errors import GeoInputError, N_
from geo.layers import CHOICES as CRS_CHOICES
from geo.layers import inspect_file
from participation.accounts.models import User
from participation.extensions import db
from participation.cache import invalidate
from participation.layers.models import Layer, LayerFeature, LayerUpload, LayerVersion, ProjectLayer, UploadStatus
from participation.layers.styles import clean_popup, clean_style
from participation.municipalities.models import Municipality
from participation.projects.models import Project

CHUNK = 2000
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


class LayerChoiceNeeded(GeoInputError):
    """The file holds several layers; `layers` lists them for the user to pick."""

    def __init__(self, layers) -> None:
        super().__init__(N_("The file contains several layers; choose one: {choices}."),
                         choices=", ".join(f"{info.key} ({info.feature_count})" for info in layers if info.usable))
        self.layers = layers


def _rows(gdf, version_id: int) -> list[dict]:
    attributes = gdf.drop(columns=gdf.geometry.name)
    # pandas' JSON writer turns numpy numbers, timestamps and NaN into plain JSON values.
    properties = json.loads(attributes.to_json(orient="records", date_format="iso", default_handler=str))
    bounds = gdf.geometry.bounds.to_numpy()
    return [
        {"version_id": version_id, "geometry": geom, "properties": props,
         "min_x": b[0], "min_y": b[1], "max_x": b[2], "max_y": b[3]}
        for geom, props, b in zip(gdf.geometry, properties, bounds)
    ]


def import_file(town: Municipality, path: Path, original_name: str, *, name: str | None = None,
                layer: Layer | None = None, user=None, source_layer: str | None = None, crs: object = None,
                description: str = "", source: str = "", attribution: str = "", publish: bool = True,
                progress: Callable[[int, int], None] = lambda done, total: None) -> LayerVersion:
    """Read, validate and store an upload as a new layer or a new version of `layer`.

    All or nothing: the caller commits; on any error nothing is stored.
    Raises GeoInputError (or LayerChoiceNeeded) with a translatable message.
    """
    result = inspect_file(Path(path), original_name, layer=source_layer, crs=crs)
    if result.needs_layer_choice:
        raise LayerChoiceNeeded(result.layers)
    report = result.report
    if layer is None:
        layer = Layer(municipality_id=town.id, name=(name or Path(original_name).stem)[:200],
                      description=description, source=source, attribution=attribution,
                      created_by_id=getattr(user, "id", None))
        db.session.add(layer)
        db.session.flush()
    number = (db.session.scalar(select(func.max(LayerVersion.number)).where(LayerVersion.layer_id == layer.id)) or 0) + 1
    version = LayerVersion(
        layer_id=layer.id, number=number, original_filename=original_name[:300], source_layer=report.layer[:200],
        source_epsg=report.source_crs_epsg, source_crs_name=report.source_crs_name[:300],
        feature_count=len(result.gdf), report=report.as_dict(), uploaded_by_id=getattr(user, "id", None),
    )
    version.min_x, version.min_y, version.max_x, version.max_y = result.gdf.total_bounds.tolist()
    db.session.add(version)
    db.session.flush()
    rows = _rows(result.gdf, version.id)
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(LayerFeature), rows[start:start + CHUNK])
        progress(min(start + CHUNK, len(rows)), len(rows))
    if publish:
        layer.current_version_id = version.id
    current_app.logger.info("User %s imported %s features as layer %s version %s",
                            getattr(user, "id", None), len(rows), layer.id, number)
    return version


def publish(version: LayerVersion, user=None) -> None:
    """Show this version to residents (also used to roll back to an older one)."""
    version.layer.current_version_id = version.id
    current_app.logger.info("User %s published layer %s version %s", getattr(user, "id", None),
                            version.layer_id, version.number)


def delete_layer(layer: Layer, user=None) -> None:
    """Delete a layer with all its versions and features."""
    layer.current_version_id = None
    db.session.flush()
    db.session.delete(layer)
    current_app.logger.info("User %s deleted layer %s", getattr(user, "id", None), layer.id)


# ---- uploads in the browser -------------------------------------------------

def upload_folder() -> Path:
    """Where browser uploads wait for their check and the uploader's confirmation (shared by all servers)."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / "layer-uploads"


def upload_path(upload: LayerUpload) -> Path:
    return upload_folder() / upload.stored_name


def start_upload(town: Municipality, stream: BinaryIO, original_name: str, *, name: str, user,
                 layer: Layer | None = None, crs: int | None = None, description: str = "", source: str = "",
                 attribution: str = "") -> LayerUpload:
    """Keep an uploaded file and queue the job that checks and stores it (unpublished).

    The file gets a random name; its original name only decides the format.
    Commits (the job must see the row), then returns the upload.
    """
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(original_name).suffix.lower()
    stored = secrets.token_hex(16) + (suffix if _SUFFIX.fullmatch(suffix) else "")
    with open(folder / stored, "wb") as target:
        shutil.copyfileobj(stream, target, 1024 * 1024)
    upload = LayerUpload(
        municipality_id=town.id, layer_id=getattr(layer, "id", None), user_id=getattr(user, "id", None),
        stored_name=stored, original_filename=original_name[:300], name=name[:200], crs=crs,
        description=description, source=source[:300], attribution=attribution[:300],
    )
    db.session.add(upload)
    db.session.flush()
    _check_in_background(upload, user)
    current_app.logger.info("User %s uploaded %s as layer upload %s", getattr(user, "id", None),
                            original_name[:100], upload.id)
    return upload


def _check_in_background(upload: LayerUpload, user) -> None:
    from participation.jobs.services import enqueue

    upload.status, upload.message, upload.message_params = UploadStatus.CHECKING, "", {}
    job = enqueue("layer_upload", {"upload_id": upload.id}, user=user)
    upload.job_id = job.id
    db.session.commit()


def choose(upload: LayerUpload, user, *, source_layer: str | None = None, crs: int | None = None) -> None:
    """Record the uploader's choice of layer and/or CRS and check the file again. Commits."""
    if upload.status not in (UploadStatus.NEEDS_CHOICE, UploadStatus.FAILED):
        raise ValueError("only an upload that asked for a choice or failed can be checked again")
    if source_layer is not None:
        upload.source_layer = source_layer[:200]
    if crs is not None:
        upload.crs = crs
    current_app.logger.info("User %s chose layer %r, CRS %s for upload %s", getattr(user, "id", None),
                            upload.source_layer, upload.crs, upload.id)
    _check_in_background(upload, user)


def recheck(upload: LayerUpload, user) -> None:
    """Queue the check again, e.g. after its worker was lost. Commits."""
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
            upload.status = UploadStatus.FAILED
        return
    upload.version_id = version.id
    upload.layer_id = version.layer_id
    upload.status = UploadStatus.READY
    upload.message, upload.message_params, upload.choices = "", {}, {}


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


# ---- look, metadata and maps ------------------------------------------------

def layer_attributes(layer: Layer) -> list[str]:
    """Attribute names of the layer's newest version (what the style and popup can refer to)."""
    version = layer.current_version or (layer.versions[-1] if layer.versions else None)
    return [name for name, _type in (version.report.get("attributes", []) if version else [])]


def update_layer(layer: Layer, user, *, name: str, description: str, source: str, attribution: str) -> Layer:
    """Change a layer's name, description, source and attribution."""
    layer.name, layer.description, layer.source, layer.attribution = name, description, source, attribution
    invalidate(f"layer:{layer.id}")
    current_app.logger.info("User %s edited layer %s", getattr(user, "id", None), layer.id)
    return layer


def set_style(layer: Layer, user, style: dict, popup: list[dict]) -> Layer:
    """Store a cleaned style and popup configuration; residents' maps change at once."""
    attributes = layer_attributes(layer)
    layer.style = clean_style(style, attributes)
    layer.popup = clean_popup(popup, attributes)
    invalidate(f"layer:{layer.id}")
    current_app.logger.info("User %s styled layer %s (popup: %s)", getattr(user, "id", None), layer.id,
                            [row["attribute"] for row in layer.popup])
    return layer


def arrange_project_map(project: Project, user, rows: list[tuple[int, bool]]) -> None:
    """Put exactly these layers on the project's map, bottom first: ``[(layer_id, visible), …]``.

    Layers of other towns are refused with ValueError.
    """
    allowed = set(db.session.scalars(select(Layer.id).where(Layer.municipality_id == project.municipality_id)))
    if any(layer_id not in allowed for layer_id, _visible in rows):
        raise ValueError("a layer of another municipality cannot go on this map")
    existing = {item.layer_id: item for item in project.map_layers}
    wanted = dict(rows)
    for layer_id, item in existing.items():
        if layer_id not in wanted:
            project.map_layers.remove(item)
    for position, (layer_id, visible) in enumerate(rows):
        item = existing.get(layer_id)
        if item is None:
            item = ProjectLayer(layer_id=layer_id)
            project.map_layers.append(item)
        item.position, item.visible = position, visible
    current_app.logger.info("User %s arranged the map of project %s: %s", getattr(user, "id", None), project.id, rows)
