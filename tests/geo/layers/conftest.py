"""Shared helpers for the layer-upload tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import GeoInputError
from geo.layers import inspect_file

HOSTILE = Path(__file__).resolve().parents[2] / "data" / "hostile"
REAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "real"


@pytest.fixture
def inspect(tmp_path):
    """inspect_file with a private temp root that must be empty afterwards."""
    root = tmp_path / "work"
    root.mkdir()

    def run(path, name=None, **kwargs):
        path = Path(path)
        try:
            return inspect_file(path, name or path.name, tmp_root=root, **kwargs)
        finally:
            assert list(root.iterdir()) == [], "the work folder was not removed"

    return run


@pytest.fixture
def refused(inspect):
    """Run inspect and return the GeoInputError it must raise."""

    def run(path, name=None, **kwargs):
        with pytest.raises(GeoInputError) as caught:
            inspect(path, name, **kwargs)
        return caught.value

    return run
