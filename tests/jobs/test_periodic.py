"""Periodic tasks: registered by features, run by the worker loop next to the stale-job reaper."""
from __future__ import annotations

import pytest
from flask import Flask

from participation.jobs.registry import periodic_tasks, register_periodic
from participation.jobs.worker import run_due_tasks


def test_due_tasks_run_by_their_interval_and_a_failure_does_not_stop_the_others(app):
    other = Flask("periodic-test")
    calls = []

    def broken():
        calls.append("broken")
        raise RuntimeError("boom")

    register_periodic(other, "broken", 10, broken)
    register_periodic(other, "hourly", 3600, lambda: calls.append("hourly"))
    register_periodic(other, "minutely", 60, lambda: calls.append("minutely"))
    last: dict[str, float] = {}
    with app.app_context():
        assert run_due_tasks(other, last, now=0.0) == ["broken", "hourly", "minutely"]
        assert run_due_tasks(other, last, now=59.0) == ["broken"]
        assert run_due_tasks(other, last, now=60.0) == ["minutely"]
    assert calls == ["broken", "hourly", "minutely", "broken", "minutely"]
    assert [task.name for task in periodic_tasks(other)] == ["broken", "hourly", "minutely"]


def test_a_name_is_registered_once_and_intervals_are_positive():
    other = Flask("periodic-test")
    register_periodic(other, "task", 5, print)
    register_periodic(other, "task", 5, print)  # the same function again is harmless
    with pytest.raises(ValueError):
        register_periodic(other, "task", 5, len)
    with pytest.raises(ValueError):
        register_periodic(other, "zero", 0, print)
