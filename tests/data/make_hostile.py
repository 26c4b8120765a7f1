"""Write the hostile and broken upload fixtures in tests/data/hostile/.

Run once (``.venv/bin/python tests/data/make_hostile.py``) and commit the
output; every file is deterministic and small (see tests/data/SOURCES.md).
"""
from __future__ import annotations

import io
import json
import random
import stat
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).parent / "hostile"
FEATURE = {"type": "Feature", "properties": {"name": "Marktplatz"},
           "geometry": {"type": "Point", "coordinates": [13.4, 52.5]}}
GEOJSON = json.dumps({"type": "FeatureCollection", "features": [FEATURE]})


def _zip(name: str, entries: list[tuple[zipfile.ZipInfo | str, bytes]],
         compression: int = zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(HERE / name, "w", compression, compresslevel=9) as archive:
        for info, data in entries:
            if isinstance(info, str):
                info = zipfile.ZipInfo(info, date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = 0o100644 << 16
            info.compress_type = compression
            archive.writestr(info, data)


def _shapefile_only_shp() -> bytes:
    """A one-point .shp (header + one record) without its .shx and .dbf."""
    record = struct.pack("<idd", 1, 13.4, 52.5)
    header = struct.pack(">i5ii", 9994, 0, 0, 0, 0, 0, (100 + 8 + len(record)) // 2)
    header += struct.pack("<ii4d4d", 1000, 1, 13.4, 52.5, 13.4, 52.5, 0, 0, 0, 0)
    return header + struct.pack(">ii", 1, len(record) // 2) + record


def _set_encrypted_flag(path: Path) -> None:
    """zipfile cannot encrypt; set the 'encrypted' bit in the local and central headers."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        flags = struct.unpack_from("<H", data, position + offset)[0]
        struct.pack_into("<H", data, position + offset, flags | 0x1)
    path.write_bytes(bytes(data))


def main() -> None:
    HERE.mkdir(exist_ok=True)
    # 20 MB of zeros compresses about 1000:1 — a zip bomb by ratio, 20 KB on disk.
    _zip("zip_bomb_ratio.zip", [("layer.geojson", b"\0" * (20 * 1024 * 1024))])
    _zip("zip_many_entries.zip", [(f"f{i}.txt", b"") for i in range(30)], zipfile.ZIP_STORED)
    _zip("zip_traversal.zip", [("../../../tmp/evil.geojson", GEOJSON.encode())])
    _zip("zip_absolute_path.zip", [("/etc/cron.d/evil.geojson", GEOJSON.encode())])
    _zip("zip_backslash_path.zip", [("..\\..\\evil.geojson", GEOJSON.encode())])
    link = zipfile.ZipInfo("layer.geojson", date_time=(2024, 1, 1, 0, 0, 0))
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    _zip("zip_symlink.zip", [(link, b"/etc/passwd")])
    _zip("zip_encrypted.zip", [("layer.geojson", GEOJSON.encode())])
    _set_encrypted_flag(HERE / "zip_encrypted.zip")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("layer.geojson", GEOJSON)
    _zip("zip_nested.zip", [("inner.zip", inner.getvalue())])
    _zip("zip_shp_without_shx_dbf.zip", [("flurstuecke.shp", _shapefile_only_shp())])
    _zip("zip_no_dataset.zip", [("readme.txt", b"Plan siehe PDF"), ("plan.pdf", b"%PDF-1.4\n")])
    kml_head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    lol = "".join(f'  <!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">\n' for i in range(1, 10))
    (HERE / "kml_billion_laughs.kml").write_text(
        kml_head + '<!DOCTYPE kml [\n  <!ENTITY lol0 "lol">\n' + lol + ']>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&lol9;</name></Document></kml>\n')
    placemark = ('<Placemark><name>&xxe;</name><Point><coordinates>13.4,52.5</coordinates></Point>'
                 '</Placemark>')
    (HERE / "kml_xxe_passwd.kml").write_text(
        kml_head + '<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{placemark}</Document></kml>\n')
    (HERE / "gml_xxe_passwd.gml").write_text(
        kml_head + '<!DOCTYPE gml:FeatureCollection [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml" xmlns:a="urn:a">'
        '<gml:featureMember><a:f><a:name>&xxe;</a:name><a:geom><gml:Point srsName="EPSG:4326">'
        '<gml:coordinates>52.5,13.4</gml:coordinates></gml:Point></a:geom></a:f></gml:featureMember>'
        '</gml:FeatureCollection>\n')
    (HERE / "kml_truncated.kml").write_text(
        kml_head + '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Park</name>'
        '<Polygon><outerBoundaryIs><LinearRing><coordinates>13.40,52.50 13.41,52.50 13.4')
    (HERE / "kml_is_json.kml").write_text(GEOJSON)
    (HERE / "gdal_vrt_reads_passwd.xml").write_text(
        '<OGRVRTDataSource><OGRVRTLayer name="passwd"><SrcDataSource>/etc/passwd</SrcDataSource>'
        '</OGRVRTLayer></OGRVRTDataSource>\n')
    (HERE / "empty.geojson").write_bytes(b"")
    (HERE / "random_bytes.gpkg").write_bytes(random.Random(4).randbytes(4096))
    (HERE / "invalid_json.geojson").write_text(GEOJSON[:-20] + ', "oops": }')
    (HERE / "nan_coordinates.geojson").write_text(GEOJSON.replace("[13.4, 52.5]", "[NaN, 52.5]"))
    swapped = dict(FEATURE, geometry={"type": "Point", "coordinates": [52.5, 13.4]})
    (HERE / "swapped_axes.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [swapped]}))
    (HERE / "drawing.dwg").write_bytes(b"AC1032" + bytes(58))
    (HERE / "lone_part.dbf").write_bytes(b"\x03" + bytes(31))


if __name__ == "__main__":
    main()
