"""Zip checks before extraction, extraction clean-up and dataset discovery."""
from __future__ import annotations

import zipfile

import pytest

from geo.errors import GeoInputError
from geo.layers.archive import check_zip, extract_zip, find_datasets
from geo.layers.limits import Limits


def _zip(path, entries, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_macos_metadata_and_folders_are_skipped(tmp_path):
    path = _zip(tmp_path / "a.zip", {"plan/": b"", "plan/a.geojson": b"{}", "__MACOSX/plan/._a.geojson": b"x"})
    assert [i.filename for i in check_zip(path, Limits())] == ["plan/a.geojson"]


def test_small_well_compressed_dbf_is_not_a_bomb(tmp_path):
    # 1 MB of padding compresses ~1000:1 but is below ratio_check_min_bytes.
    path = _zip(tmp_path / "a.zip", {"a.dbf": b" " * 2**20})
    assert len(check_zip(path, Limits())) == 1


def test_total_ratio_is_checked(tmp_path):
    entries = {f"part{i}.json": b" " * (2**20) for i in range(8)}  # each below the per-entry minimum
    with pytest.raises(GeoInputError, match="compressed .* to 1"):
        check_zip(_zip(tmp_path / "a.zip", entries), Limits())


def test_not_a_zip(tmp_path):
    (tmp_path / "a.zip").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(GeoInputError, match="not a valid zip"):
        check_zip(tmp_path / "a.zip", Limits())


def test_drive_letter_path_is_absolute(tmp_path):
    with pytest.raises(GeoInputError) as caught:
        check_zip(_zip(tmp_path / "a.zip", {"C:/Temp/a.geojson": b"{}"}), Limits())
    assert "absolute path" in caught.value.message


def test_corrupt_entry_removes_the_extraction_folder(tmp_path):
    path = _zip(tmp_path / "a.zip", {"a.geojson": b"{}" * 1000, "b.geojson": b"[]" * 1000}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    position = data.rfind(b"PK\x03\x04")  # second local header: damage its data, so the CRC fails
    data[position + 100:position + 104] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(GeoInputError, match="damaged"):
        extract_zip(path, work, Limits())
    assert list(work.iterdir()) == []


def test_shapefile_side_files_are_matched_case_insensitively(tmp_path):
    for name in ("Plan.SHP", "plan.shx", "PLAN.dbf", "plan.prj"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "plan.shp.xml").write_text("<metadata/>")
    assert [p.name for p in find_datasets(tmp_path)] == ["Plan.SHP"]


def test_shapefile_without_dbf_is_named(tmp_path):
    (tmp_path / "a.shp").write_bytes(b"x")
    (tmp_path / "a.shx").write_bytes(b"x")
    with pytest.raises(GeoInputError) as caught:
        find_datasets(tmp_path)
    assert caught.value.params == {"name": "a.shp", "missing": ".dbf"}


def test_xplan_archive_finds_only_the_gml(tmp_path):
    (tmp_path / "xplan.gml").write_text('<a xmlns:gml="http://www.opengis.net/gml/3.2"/>')
    (tmp_path / "plan.png").write_bytes(b"\x89PNG")
    (tmp_path / "plan.pgw").write_text("1\n0\n0\n-1\n0\n0\n")
    (tmp_path / "notes.xml").write_text("<notes/>")
    assert [p.name for p in find_datasets(tmp_path)] == ["xplan.gml"]


def test_limits_reject_nonsense():
    with pytest.raises(ValueError):
        Limits(max_zip_entries=0)
    with pytest.raises(TypeError):
        check_zip("a.zip", limits=None)
