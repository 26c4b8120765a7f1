"""Data-layer helpers shared by all feature packages."""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: How long a write waits for another to finish: below gunicorn's timeout (60 s), above any real queue.
SQLITE_BUSY_MS = 30_000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite enforces foreign keys (and so ON DELETE) only when asked to. One writer at a time: a write
    waits up to SQLITE_BUSY_MS for the others (Python's default, 5 s, gave "database is locked" and a 500
    to comments sent while 200 connections wrote at once — bench/city.py)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()
