"""The job types: a name for each function that may run in the background.

Each feature registers its own when the app is created
(`register_job_type`); this package knows none of them. A job function takes
a `JobContext` and the job's payload as keyword arguments, reports progress
through the context and returns a JSON-able result (or None). It raises
`JobFailed` with a msgid for an expected failure.

Features also register periodic tasks (`register_periodic`): housekeeping
that ``flask worker`` runs every so many seconds, next to its stale-job
reaper. A periodic function takes no arguments and leaves the commit to its
caller; it must be safe to run twice (several workers run it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app

JobFunction = Callable[..., object]
_KEY = "job_types"
_PERIODIC = "periodic_tasks"


class JobFailed(Exception):
    """An expected failure, with a message for the user (an English msgid)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


def register_job_type(app: Flask, name: str, function: JobFunction) -> None:
    """Let jobs of kind `name` run `function` in this app (and in its workers)."""
    types = app.extensions.setdefault(_KEY, {})
    if types.get(name, function) is not function:
        raise ValueError(f"job type {name!r} is registered twice")
    types[name] = function


def job_function(name: str) -> JobFunction | None:
    """The function registered for job kind `name` in the current app, if any."""
    return current_app.extensions.get(_KEY, {}).get(name)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every_seconds: float
    function: Callable[[], object]


def register_periodic(app: Flask, name: str, every_seconds: float, function: Callable[[], object]) -> None:
    """Let ``flask worker`` call `function()` every `every_seconds` (first when it starts)."""
    if not every_seconds > 0:
        raise ValueError(f"periodic task {name!r} needs a positive interval, not {every_seconds!r}")
    tasks = app.extensions.setdefault(_PERIODIC, {})
    if name in tasks and tasks[name].function is not function:
        raise ValueError(f"periodic task {name!r} is registered twice")
    tasks[name] = PeriodicTask(name, float(every_seconds), function)


def periodic_tasks(app: Flask) -> list[PeriodicTask]:
    """The periodic tasks registered in `app`, in the order of registration."""
    return list(app.extensions.get(_PERIODIC, {}).values())
