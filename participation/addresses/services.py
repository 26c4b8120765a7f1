"""Importing a town's address list: read with geo.addresses, then replace the old list in one go."""
from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

import shapely
from flask import current_app
from sqlalchemy import delete, insert, select

from geo.addresses import read_addresses
from geo.layers.limits import Limits
from participation.addresses.models import Address, AddressList
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.models import Job
from participation.jobs.services import enqueue
from participation.layers.services import clean_filename
from participation.municipalities.models import Municipality

#: The job type that imports an uploaded address list (`participation.addresses.jobs`).
IMPORT_JOB = "address_import"
#: The periodic task that removes uploaded files no import took (`clean_stale_uploads`).
CLEAN_TASK = "address_upload_cleanup"
#: Rows per INSERT: large enough to be quick, small enough for PostgreSQL's parameter limit
#: (10 columns × 2000 rows) and for memory.
CHUNK_ROWS = 2000
#: Files the import reads (geo.addresses.read_addresses).
SUFFIXES = (".csv", ".txt", ".gpkg", ".geojson", ".json", ".zip")

#: progress(stage, done, total): stage "read" (bytes of the file) or "store" (addresses written).
Progress = Callable[[str, int, int], None]


def upload_folder() -> Path:
    """Where uploaded address lists wait for their import job (shared by all servers)."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / "address-uploads"


def import_addresses(town: Municipality, path: Path, user=None, progress: Progress | None = None, *,
                     filename: str | None = None, crs: int | None = None) -> AddressList:
    """Read an address list and make it the town's list, replacing the one before.

    All or nothing: the file is read and checked completely before anything is
    written, so a refused file (GeoInputError) changes nothing; the old list is
    replaced in the caller's transaction, which commits once.

    Parameters
    ----------
    path : Path
        HK-DE house coordinates, a simple CSV or a point layer (see geo.addresses).
    filename : str, optional
        The name the file was uploaded as (default: the path's name).
    crs : int, optional
        EPSG code of x/y columns the file does not state, e.g. 25833.
    """
    path = Path(path)

    def read_progress(done: int, total: int) -> None:
        if progress is not None:
            progress("read", done, total)

    limits = Limits(max_upload_bytes=current_app.config["LAYER_UPLOAD_MAX_BYTES"])
    table = read_addresses(path, crs=crs, limits=limits, progress=read_progress)
    frame = table.frame
    address_list = db.session.scalar(select(AddressList).where(AddressList.municipality_id == town.id))
    if address_list is None:
        address_list = AddressList(municipality_id=town.id)
        db.session.add(address_list)
    address_list.filename = clean_filename(filename or path.name)
    address_list.imported_at = utcnow()
    address_list.imported_by_id = getattr(user, "id", None)
    address_list.address_count = len(frame)
    address_list.report = table.report.as_dict()
    db.session.flush()
    db.session.execute(delete(Address).where(Address.municipality_id == town.id))
    total = len(frame)
    points = shapely.points(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    columns = [frame[name].tolist() for name in ("street", "house_number", "postcode", "place", "street_key",
                                                 "lon", "lat")]
    for start in range(0, total, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, total)
        rows = [
            {"list_id": address_list.id, "municipality_id": town.id, "street": street[:200],
             "house_number": number[:20], "postcode": postcode[:10], "place": place[:200], "street_key": key[:200],
             "location": point, "min_x": lon, "max_x": lon, "min_y": lat, "max_y": lat}
            for street, number, postcode, place, key, lon, lat, point in zip(
                *(column[start:stop] for column in columns), points[start:stop])
        ]
        db.session.execute(insert(Address), rows)
        if progress is not None:
            progress("store", stop, total)
    current_app.logger.info("User %s imported %s addresses for town %s from %s", getattr(user, "id", None), total,
                            town.id, address_list.filename[:100])
    return address_list


def start_import(town: Municipality, stream: BinaryIO, original_name: str, user, crs: int | None = None) -> Job:
    """Keep an uploaded address list and queue its import (handed to the queue when the caller commits)."""
    original_name = clean_filename(original_name)
    suffix = Path(original_name).suffix.lower()
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + (suffix if suffix in SUFFIXES else "")
    with open(folder / stored, "wb") as target:
        shutil.copyfileobj(stream, target, 1024 * 1024)
    job = enqueue(IMPORT_JOB, {"town_id": town.id, "stored_name": stored, "filename": original_name, "crs": crs},
                  user=user)
    current_app.logger.info("User %s uploaded address list %s for town %s (job %s)", getattr(user, "id", None),
                            original_name[:100], town.id, job.id)
    return job


def stored_path(stored_name: str) -> Path:
    """The waiting file of an import job; only names this module made (no path parts)."""
    if Path(stored_name).name != stored_name or not stored_name:
        raise ValueError("not a stored file name")
    return upload_folder() / stored_name


def clean_stale_uploads(older_than: timedelta | None = None, now: datetime | None = None) -> int:
    """Remove waiting files older than `older_than` (LAYER_UPLOAD_KEEP_HOURS): an import takes its file
    when it ends, so only a job that crashed for good leaves one. Returns how many were removed."""
    older_than = older_than or timedelta(hours=current_app.config["LAYER_UPLOAD_KEEP_HOURS"])
    cutoff = (now or utcnow()) - older_than
    folder = upload_folder()
    removed = 0
    for path in folder.iterdir() if folder.is_dir() else []:
        if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, timezone.utc) < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        current_app.logger.info("Removed %s address list uploads older than %s", removed, older_than)
    return removed
