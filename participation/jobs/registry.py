"""The job types: a name for each function that may run in the background.

A job function takes a `JobContext` and the job's payload as keyword
arguments, reports progress through the context and returns a JSON-able
result (or None). It raises `JobFailed` with a msgid for an expected failure.
"""
from __future__ import annotations

from typing import Callable

#: name -> function; filled by the `job_type` decorator at import.
JOB_TYPES: dict[str, Callable] = {}


class JobFailed(Exception):
    """An expected failure, with a message for the user (an English msgid)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


def job_type(name: str):
    def register(function: Callable) -> Callable:
        JOB_TYPES[name] = function
        return function
    return register


def load_job_types() -> None:
    """Import the modules that define job types."""
    from participation.jobs import builtin  # noqa: F401
    from participation.layers import jobs  # noqa: F401
