"""Work that must wait until the request's transaction is committed, and vanish if it is not.

Queuing a job and forgetting cached map data both belong after the commit:
a worker must never see a job whose row is not committed yet, and a reader
between the change and the commit must not cache the old data under the
new version. If the transaction rolls back, the work is dropped with it.
"""
from __future__ import annotations

from typing import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from participation.extensions import db

_PENDING = "after_commit"


def after_commit(callback: Callable[[], None], key: object = None) -> None:
    """Run `callback()` once the current transaction of ``db.session`` commits.

    The callback must not use ``db.session`` (the transaction is over); it
    gets plain values, not ORM objects, which are expired by the commit.
    With a `key`, a second callback under the same key is not added.
    """
    pending = db.session.info.setdefault(_PENDING, {})
    pending.setdefault(key if key is not None else object(), callback)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: the real commit is still to come
        return
    for callback in session.info.pop(_PENDING, {}).values():
        try:
            callback()
        except Exception:  # noqa: BLE001 - the data are committed; one failed follow-up must not hide the others
            current_app.logger.exception("Work after the commit failed")


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    if session.in_nested_transaction():  # back to a SAVEPOINT: the outer transaction goes on
        return
    session.info.pop(_PENDING, None)
