"""Every hostile or broken fixture in tests/data/hostile/ is refused with its own reason."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.layers import Limits
from tests.geo.layers.conftest import HOSTILE

CASES = {
    "zip_bomb_ratio.zip": "looks like a zip bomb",
    "zip_many_entries.zip": "The zip archive has {count} entries",
    "zip_traversal.zip": "which points outside the archive",
    "zip_absolute_path.zip": "contains the absolute path",
    "zip_backslash_path.zip": "with backslashes",
    "zip_symlink.zip": "contains the symbolic link",
    "zip_encrypted.zip": "is encrypted",
    "zip_nested.zip": "contains another archive",
    "zip_shp_without_shx_dbf.zip": "has no {missing} file; export it again with all side files",
    "zip_no_dataset.zip": "contains no supported GIS file",
    "kml_billion_laughs.kml": "DOCTYPE or ENTITY declaration",
    "kml_xxe_passwd.kml": "DOCTYPE or ENTITY declaration",
    "gml_xxe_passwd.gml": "DOCTYPE or ENTITY declaration",
    "kml_truncated.kml": "could not be read; it is probably incomplete or damaged",
    "kml_is_json.kml": "is not well-formed XML",
    "gdal_vrt_reads_passwd.xml": "is a GDAL control file",
    "empty.geojson": "is empty",
    "random_bytes.gpkg": "is not a valid {format} file",
    "invalid_json.geojson": "could not be read; it is probably incomplete or damaged",
    "nan_coordinates.geojson": "coordinates that are not numbers",
    "swapped_axes.geojson": "latitude and longitude are swapped",
    "drawing.dwg": "are not supported",
    "lone_part.dbf": "Upload a shapefile as one .zip file",
}


def test_the_corpus_is_complete():
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(CASES)
    assert sum(p.stat().st_size for p in HOSTILE.iterdir()) < 100_000


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_refused_with_its_reason(refused, name):
    error = refused(HOSTILE / name, limits=Limits(max_zip_entries=20))
    assert CASES[name] in error.message
    assert str(error)  # the parameters fill the message


def test_the_many_entries_zip_is_refused_only_by_the_entry_limit(refused):
    # Guards the fixture itself: with the default limit it gets past the entry count.
    assert "contains no supported GIS file" in refused(HOSTILE / "zip_many_entries.zip").message


def test_upload_over_the_size_limit_is_refused(refused):
    error = refused(HOSTILE / "swapped_axes.geojson", limits=Limits(max_upload_bytes=100))
    assert error.message.startswith("The file is {size} MB; at most {limit} MB")


def test_total_uncompressed_size_is_checked_before_extracting(refused):
    error = refused(HOSTILE / "zip_bomb_ratio.zip",
                    limits=Limits(max_uncompressed_bytes=10 * 2**20, max_compression_ratio=10_000))
    assert error.message.startswith("The zip archive would unpack to {size} MB")
    assert error.params == {"size": 20, "limit": 10}


def test_traversal_writes_nothing_outside(refused, tmp_path):
    target = Path("/tmp/evil.geojson")
    existed = target.exists()
    refused(HOSTILE / "zip_traversal.zip")
    assert target.exists() == existed
    assert not list(tmp_path.glob("**/evil.geojson"))


def test_messages_do_not_leak_server_paths(refused):
    error = refused(HOSTILE / "kml_truncated.kml")
    assert "/tmp" not in str(error) and "geo-layer-" not in str(error)
