"""The embedded database under concurrent writes: a write waits for another instead of failing with
"database is locked" (which became a 500 for comments sent while 200 connections wrote — bench/city.py)."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, text

from participation.database import SQLITE_BUSY_MS


@pytest.fixture
def engine(tmp_path):
    # No wait from Python's sqlite3 (its default is 5 s): whatever waits below is the app's setting.
    engine = create_engine(f"sqlite:///{tmp_path / 'busy.sqlite'}", connect_args={"timeout": 0})
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    engine.dispose()


def test_every_sqlite_connection_waits_long_for_the_writer_before_it(engine):
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_MS
    assert SQLITE_BUSY_MS >= 30_000  # well above the 5 s that gave "database is locked" under load


def test_a_write_waits_for_a_long_write_and_then_succeeds(engine):
    holding = threading.Event()

    def long_write():
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO note (body) VALUES ('first')"))
            holding.set()
            time.sleep(1.5)

    writer = threading.Thread(target=long_write)
    writer.start()
    holding.wait(5)
    started = time.monotonic()
    with engine.begin() as connection:  # would raise "database is locked" without a busy timeout
        connection.execute(text("INSERT INTO note (body) VALUES ('second')"))
    waited = time.monotonic() - started
    writer.join()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM note ORDER BY id")).scalars().all() == ["first", "second"]
    assert waited > 1.0
