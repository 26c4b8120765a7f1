"""The XML prolog check that runs before GDAL sees KML/GML."""
from __future__ import annotations

import pytest

from geo.errors import GeoInputError
from geo.layers.xmlguard import root_element


def _write(tmp_path, data: bytes):
    path = tmp_path / "a.gml"
    path.write_bytes(data)
    return path


def test_comments_and_instructions_before_the_root_are_fine(tmp_path):
    path = _write(tmp_path, b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by X -->\n<?pi x?>\n<xplan:XPlanAuszug '
                            b'xmlns:xplan="urn:x"><x/></xplan:XPlanAuszug>')
    assert root_element(path) == "XPlanAuszug"


def test_utf16_is_understood(tmp_path):
    path = _write(tmp_path, '<?xml version="1.0" encoding="UTF-16"?><kml/>'.encode("utf-16"))
    assert root_element(path) == "kml"


def test_doctype_without_entities_is_refused_too(tmp_path):
    with pytest.raises(GeoInputError, match="DOCTYPE"):
        root_element(_write(tmp_path, b'<!DOCTYPE kml SYSTEM "http://127.0.0.1:9/x.dtd"><kml/>'))


def test_only_the_prolog_is_read(tmp_path):
    # Broken XML after the root start tag is GDAL's problem, not the guard's.
    assert root_element(_write(tmp_path, b"<kml><Document><unclosed>" + b"x" * 200_000)) == "kml"


def test_root_must_come_early(tmp_path):
    with pytest.raises(GeoInputError, match="no root element"):
        root_element(_write(tmp_path, b"<!--" + b"x" * 300_000 + b"-->\n<kml/>"), max_prolog_bytes=65536)


def test_garbage_is_not_xml(tmp_path):
    with pytest.raises(GeoInputError) as caught:
        root_element(_write(tmp_path, b"\x00\x01PK garbage"))
    assert caught.value.message.startswith("The file is not well-formed XML")


def test_path_type_is_checked():
    with pytest.raises(TypeError):
        root_element("a.kml")
