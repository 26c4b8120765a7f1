"""Backups: the database and the uploaded files in one archive, and back.

The archive is a .tar.gz with ``manifest.json``, the database (an SQLite copy
made with SQLite's online backup, or a ``pg_dump`` custom-format dump) and
``uploads/``. Restore only into the same kind of database, with the app
servers stopped.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from participation.extensions import db

FORMAT = 1


class BackupError(RuntimeError):
    pass


def _libpq(url_text: str) -> tuple[str, dict]:
    """A libpq URL without the password, and an environment carrying it."""
    url = make_url(url_text)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _sqlite_path() -> Path:
    return Path(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database)


def _revision() -> str | None:
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def create_backup(target: Path, step=lambda message: None) -> Path:
    """Write a backup archive to `target` and return its path."""
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        step("database")
        if dialect == "postgresql":
            url, env = _libpq(current_app.config["SQLALCHEMY_DATABASE_URI"])
            dump = work / "database.dump"
            result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", url],  # noqa: S603, S607 - argument list, no shell; pg_dump from the PATH the operator set
                                    env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            database = dump.name
        else:
            database = "database.sqlite"
            with sqlite3.connect(_sqlite_path()) as source, sqlite3.connect(work / database) as copy:
                source.backup(copy)
        step("uploads")
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(timezone.utc).isoformat(),
            "dialect": dialect,
            "revision": _revision(),
            "database": database,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        step("archive")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(work / database, database)
            if uploads.is_dir():
                archive.add(uploads, "uploads", filter=lambda info: None if info.name.endswith(".part") else info)
        partial.replace(target)
    current_app.logger.info("Backup written to %s", target)
    return target


def restore_backup(source: Path, step=lambda message: None) -> dict:
    """Replace the database and the uploads with those in the archive `source`."""
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        step("unpack")
        try:
            with tarfile.open(source, "r:gz") as archive:
                archive.extractall(work, filter="data")  # refuses absolute paths, ../ and links out
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"not a readable backup archive: {error}") from None
        try:
            manifest = json.loads((work / "manifest.json").read_text())
        except (OSError, ValueError):
            raise BackupError("the archive has no manifest.json") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest.get("dialect") != dialect:
            raise BackupError(f"the backup is of a {manifest.get('dialect')} database; this one is {dialect}")
        step("database")
        db.session.remove()
        db.engine.dispose()
        database = work / Path(manifest["database"]).name
        if dialect == "postgresql":
            url, env = _libpq(current_app.config["SQLALCHEMY_DATABASE_URI"])
            result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",  # noqa: S603, S607 - as pg_dump above
                                     f"--dbname={url}", str(database)], env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            with sqlite3.connect(database) as copy, sqlite3.connect(_sqlite_path()) as live:
                copy.backup(live)
        step("uploads")
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        restored = work / "uploads"
        if uploads.exists():
            shutil.rmtree(uploads)
        if restored.is_dir():
            shutil.copytree(restored, uploads)
        else:
            uploads.mkdir(parents=True, exist_ok=True)
    current_app.logger.info("Backup %s restored (revision %s)", source, manifest.get("revision"))
    return manifest
