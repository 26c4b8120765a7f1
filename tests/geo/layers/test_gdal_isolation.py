"""GDAL in the child: only the allowed drivers, and no network requests."""
from __future__ import annotations

import http.server
import threading

import pytest

from tests.geo.layers.conftest import REAL


@pytest.fixture
def loopback():
    """A loopback HTTP server that records every request path."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()
    thread.join()


def test_remote_schema_links_and_network_links_are_not_fetched(inspect, tmp_path, loopback):
    base, hits = loopback
    gml = tmp_path / "remote.gml"
    gml.write_text(
        '<?xml version="1.0"?>\n<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" '
        'xmlns:gml="http://www.opengis.net/gml" xmlns:a="http://example.com/a" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="http://example.com/a {base}/schema.xsd http://www.opengis.net/wfs {base}/wfs.xsd">'
        f'<gml:featureMember><a:f gml:id="f1"><a:ref xlink:href="{base}/remote.gml#x"/><a:geom>'
        '<gml:Point srsName="EPSG:4326"><gml:pos>13.4 52.5</gml:pos></gml:Point></a:geom></a:f>'
        '</gml:featureMember></wfs:FeatureCollection>')
    kml = tmp_path / "remote.kml"
    kml.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><NetworkLink><Link>'
        f'<href>{base}/more.kml</href></Link></NetworkLink><Style id="s"><IconStyle><Icon><href>{base}/i.png'
        '</href></Icon></IconStyle></Style><Placemark><styleUrl>#s</styleUrl><Point><coordinates>13.4,52.5'
        '</coordinates></Point></Placemark></Document></kml>')
    assert inspect(gml).report.feature_count == 1
    assert inspect(kml).report.feature_count == 1
    assert hits == []


@pytest.mark.skipif(not REAL.is_dir(), reason=f"real GIS files not found in {REAL}")
def test_kml_is_read_by_the_plain_kml_driver_not_libkml(inspect):
    # LIBKML follows network links and external styles; the child skips it (OGR_SKIP).
    assert inspect(REAL / "kml/koeln_sanierungsgebiete_ogr.kml").report.driver == "KML"
