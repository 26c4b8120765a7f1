"""The child process: time and memory limits, crashes, and error transport."""
from __future__ import annotations

import logging
import os
import time

import pytest

from geo.errors import GeoInputError, N_
from geo.layers import Limits
from geo.layers.sandbox import run_limited
from tests.geo.layers.conftest import HOSTILE


def sleep_for(seconds):
    time.sleep(seconds)
    return "woke up"


def allocate(megabytes):
    return len(bytearray(megabytes * 2**20))


def crash():
    os.abort()


def refuse():
    raise GeoInputError(N_("Layer {name} is bad."), name="x")


def fail():
    raise KeyError("surprise")


def test_result_comes_back():
    assert run_limited(sleep_for, 0, timeout=30, memory_bytes=2**31) == "woke up"


def test_timeout_kills_the_child():
    started = time.monotonic()
    with pytest.raises(GeoInputError) as caught:
        run_limited(sleep_for, 60, timeout=0.5, memory_bytes=2**31)
    assert caught.value.message.startswith("Reading the file took longer than")
    assert time.monotonic() - started < 30


def test_memory_limit():
    assert run_limited(allocate, 100, timeout=30, memory_bytes=2**31) == 100 * 2**20
    with pytest.raises(GeoInputError) as caught:
        run_limited(allocate, 4096, timeout=30, memory_bytes=2**31)
    assert caught.value.message.startswith("Reading the file needed more than {megabytes} MB")


def test_each_child_logs_its_time_and_peak_memory(caplog):
    caplog.set_level(logging.INFO, logger="geo.layers.sandbox")
    run_limited(allocate, 200, timeout=30, memory_bytes=2**31)
    [record] = [r for r in caplog.records if r.name == "geo.layers.sandbox"]
    name, kind, _seconds, peak = record.args
    assert (name, kind) == ("allocate", "ok") and 200 <= float(peak) < 1000


def test_crash_becomes_a_geo_input_error():
    with pytest.raises(GeoInputError) as caught:
        run_limited(crash, timeout=30, memory_bytes=2**31)
    assert "stopped unexpectedly" in caught.value.message and caught.value.params["code"] != 0


def test_child_refusal_keeps_msgid_and_params():
    with pytest.raises(GeoInputError) as caught:
        run_limited(refuse, timeout=30, memory_bytes=2**31)
    assert (caught.value.message, caught.value.params) == ("Layer {name} is bad.", {"name": "x"})


def test_unexpected_error_becomes_a_geo_input_error():
    with pytest.raises(GeoInputError) as caught:
        run_limited(fail, timeout=30, memory_bytes=2**31)
    assert caught.value.params["reason"] == "KeyError: 'surprise'"


def test_timeout_in_inspect_file_leaves_no_work_folder(refused):
    error = refused(HOSTILE / "swapped_axes.geojson", limits=Limits(parse_timeout_seconds=0.001))
    assert error.message.startswith("Reading the file took longer than")
