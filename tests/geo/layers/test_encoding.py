"""Encoding detection for .dbf files without a .cpg."""
from __future__ import annotations

import struct

import pytest

from geo.layers.encoding import dbf_encoding, shapefile_encoding


def _dbf(path, value: bytes, ldid: int = 0):
    """A one-field, one-record dBASE III table."""
    width = 40
    header = struct.pack("<B3BIHH", 3, 124, 1, 1, 1, 32 + 32 + 1, 1 + width) + bytes(17) + bytes([ldid]) + bytes(2)
    field = b"NAME".ljust(11, b"\0") + b"C" + bytes(4) + bytes([width, 0]) + bytes(14)
    path.write_bytes(header + field + b"\r" + b" " + value.ljust(width, b" ") + b"\x1a")
    return path


@pytest.mark.parametrize(("value", "expected"), [
    ("Straße am Mühlbach".encode("utf-8"), "UTF-8"),
    ("Straße am Mühlbach".encode("cp1252"), "CP1252"),
    ("Gr\u00fcne Tanne \u2013 Quelle".encode("cp1252"), "CP1252"),  # en dash: only in CP1252, not Latin-1
    (b"Marktplatz", None),
])
def test_detection(tmp_path, value, expected):
    assert dbf_encoding(_dbf(tmp_path / "a.dbf", value)) == expected


def test_a_named_code_page_is_left_to_gdal(tmp_path):
    assert dbf_encoding(_dbf(tmp_path / "a.dbf", "Straße".encode("cp850"), ldid=0x02)) is None


def test_cpg_wins(tmp_path):
    _dbf(tmp_path / "a.dbf", "Straße".encode("cp1252"))
    (tmp_path / "a.shp").write_bytes(b"")
    assert shapefile_encoding(tmp_path / "a.shp") == ("CP1252", "detected")
    (tmp_path / "A.CPG").write_text("UTF-8")
    assert shapefile_encoding(tmp_path / "a.shp") == (None, "cpg")
