"""The job types: a name for each function that may run in the background.

Each feature registers its own when the app is created
(`register_job_type`); this package knows none of them. A job function takes
a `JobContext` and the job's payload as keyword arguments, reports progress
through the context and returns a JSON-able result (or None). It raises
`JobFailed` with a msgid for an expected failure.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app

JobFunction = Callable[..., object]
_KEY = "job_types"


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
