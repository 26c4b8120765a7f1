"""Fetching capabilities: public addresses only, pinned to the checked address, bounded in time and size."""
from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time

import pytest

from geo.errors import GeoInputError
from geo.ows import MAX_CAPABILITIES_BYTES
from participation import safe_http as ows_fetch
from participation.safe_http import FetchFailed, fetch, is_public_address
from tests.layers.ows_server import OwsServer, doc


@pytest.fixture
def server():
    running = OwsServer().start()
    yield running
    running.stop()


@pytest.fixture
def loopback_is_public(monkeypatch):
    """Let 127.0.0.1 (only) pass the address check, as a public host would, with private hosts refused."""
    monkeypatch.setattr(ows_fetch, "is_public_address", lambda address: address == "127.0.0.1")


def refused(url: str, error=GeoInputError, **kwargs) -> GeoInputError:
    with pytest.raises(error) as caught:
        fetch(url, **kwargs)
    # The web layer translates the message and fills in the parameters afterwards.
    assert str(caught.value) == caught.value.message.format(**caught.value.params)
    return caught.value


# --------------------------------------------------------------------------- addresses

@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True),
    ("193.99.144.80", True),
    ("2001:4860:4860::8888", True),
    ("::ffff:8.8.8.8", True),
    ("127.0.0.1", False),
    ("127.8.9.10", False),
    ("10.1.2.3", False),
    ("172.16.0.1", False),
    ("192.168.178.1", False),
    ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
    ("169.254.169.254", False),  # cloud metadata
    ("0.0.0.0", False),
    ("224.0.0.1", False),
    ("239.255.255.250", False),
    ("240.0.0.1", False),
    ("255.255.255.255", False),
    ("192.0.2.10", False),  # documentation
    ("::1", False),
    ("::", False),
    ("fe80::1", False),
    ("fe80::1%2", False),
    ("fc00::1", False),
    ("fd12:3456::1", False),
    ("ff02::1", False),
    ("::ffff:127.0.0.1", False),
    ("::ffff:10.0.0.1", False),
    ("::ffff:169.254.169.254", False),
    ("64:ff9b::a00:1", False),  # NAT64 to 10.0.0.1
    ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
    ("not an address", False),
])
def test_public_addresses(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/wms",
    "http://127.0.0.2:8080/wms",
    "http://10.0.0.1/wms",
    "http://192.168.0.10/wms",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/wms",
    "http://[::ffff:127.0.0.1]/wms",
    "http://[fd00::1]/wms",
    "http://0.0.0.0/wms",
    "http://2130706433/wms",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/wms",
    "http://localhost/wms",
])
def test_private_and_local_hosts_are_refused_before_connecting(url, monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("connected although the address is refused")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    error = refused(url, FetchFailed)
    assert "private or local network" in error.message


def test_loopback_is_allowed_when_configured(server):
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    assert fetch(server.url("/wms?SERVICE=WMS"), allow_private=True) == doc("wms130_alkis_dop.xml")


def test_unknown_host_is_reported():
    error = refused("http://does-not-exist.invalid/wms", FetchFailed)
    assert error.params == {"host": "does-not-exist.invalid"} and "could not be found" in error.message


@pytest.mark.parametrize(("url", "word"), [
    ("ftp://example.org/wms", "http"),
    ("file:///etc/passwd", "http"),
    ("http://user:secret@example.org/wms", "password"),
    ("http://exa mple.org/", "valid"),
    ("http://example.org:99999/", "valid"),
    ("http://straße.example/wms", "valid"),  # browsers and Python's IDNA codec disagree on "ß"
])
def test_bad_addresses_are_refused(url, word):
    assert word in refused(url).message


# --------------------------------------------------------------------------- the connection

def test_request_goes_to_the_checked_address_with_the_host_name(server, loopback_is_public, monkeypatch):
    """DNS rebinding: the name is resolved once, and the connection goes to that answer."""
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    real = socket.getaddrinfo
    lookups = []

    def rebinding(host, *args, **kwargs):
        if host == "maps.example.test":
            lookups.append(host)
            # First a public-looking answer, then (too late) an internal one.
            return real("127.0.0.1" if len(lookups) == 1 else "10.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert fetch(server.url("/wms?REQUEST=GetCapabilities", host="maps.example.test")) == doc("wms130_alkis_dop.xml")
    assert lookups == ["maps.example.test"]
    [request] = server.requests
    assert request["headers"]["Host"] == f"maps.example.test:{server.port}"
    assert request["path"] == "/wms?REQUEST=GetCapabilities"
    assert "Beteiligungspool" in request["headers"]["User-Agent"]


def test_no_proxy_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("http_proxy", "http://10.9.9.9:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    assert fetch(server.url("/wms"), allow_private=True) == doc("wms130_alkis_dop.xml")
    assert server.requests[0]["path"] == "/wms"  # a proxy would have been sent the absolute URL


def test_closed_port_is_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = refused(f"http://127.0.0.1:{port}/wms", FetchFailed, allow_private=True)
    assert "could not be reached" in error.message


# --------------------------------------------------------------------------- redirects

def test_redirects_are_followed_with_the_same_checks(server, loopback_is_public):
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    server.redirect("/old", server.url("/wms?moved=1"), status=301)
    server.redirect("/relative", "/old")
    assert fetch(server.url("/relative")) == doc("wms130_alkis_dop.xml")
    assert server.paths() == ["/relative", "/old", "/wms"]


@pytest.mark.parametrize("location", [
    "http://10.0.0.1/wms",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.2:{port}/wms",
    "http://[::1]:{port}/wms",
])
def test_redirect_to_a_private_address_is_refused(server, loopback_is_public, location):
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    server.redirect("/jump", location.format(port=server.port))
    error = refused(server.url("/jump"), FetchFailed)
    assert "private or local network" in error.message
    assert server.paths() == ["/jump"]


def test_redirect_to_another_scheme_is_refused(server, loopback_is_public):
    server.redirect("/jump", "file:///etc/passwd")
    assert "http" in refused(server.url("/jump")).message


def test_redirects_are_limited(server, loopback_is_public):
    server.redirect("/loop", "/loop")
    error = refused(server.url("/loop"))
    assert error.params == {"limit": 3}
    assert len(server.requests) == 4


def test_redirect_without_location_is_an_error(server):
    server.routes["/jump"] = lambda handler: (handler.send_response(302), handler.send_header("Content-Length", "0"),
                                              handler.end_headers())
    assert refused(server.url("/jump"), allow_private=True).params == {"status": 302}


# --------------------------------------------------------------------------- size and time

def test_a_flood_is_cut_off_at_the_limit(server):
    server.flood("/big", total=64 * 1024 * 1024)
    started = time.monotonic()
    error = refused(server.url("/big"), FetchFailed, allow_private=True)
    assert "larger than" in error.message and error.params == {"limit": 5.0}
    assert time.monotonic() - started < 5
    server.released.set()  # lets the sender stop if the socket buffers still take data
    # It stopped reading right after the limit: the sender got nowhere near the end.
    assert server.sent["/big"] < 32 * 1024 * 1024


def test_a_declared_oversize_is_refused_before_reading(server):
    server.flood("/big", total=128 * 1024, declared=MAX_CAPABILITIES_BYTES + 1)
    assert "larger than" in refused(server.url("/big"), FetchFailed, allow_private=True).message


def test_a_smaller_limit_applies(server):
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    assert "larger than" in refused(server.url("/wms"), FetchFailed, allow_private=True, max_bytes=1000).message


@pytest.mark.parametrize("behaviour", ["stall", "drip"])
def test_a_slow_server_runs_into_the_deadline(server, behaviour):
    getattr(server, behaviour)("/slow")
    started = time.monotonic()
    error = refused(server.url("/slow"), FetchFailed, allow_private=True, timeout=0.5)
    elapsed = time.monotonic() - started
    assert "did not answer within" in error.message and error.params["seconds"] == "0.5"
    assert 0.4 < elapsed < 3


# --------------------------------------------------------------------------- answers

@pytest.mark.parametrize(("status", "word"), [(500, "HTTP status"), (502, "HTTP status"), (404, "404"),
                                              (401, "login"), (403, "login")])
def test_error_statuses(server, status, word):
    server.document("/wms", b"<html><body>Internal error</body></html>", "text/html", status=status)
    error = refused(server.url("/wms"), allow_private=True)
    assert not isinstance(error, FetchFailed)
    assert word in error.message


@pytest.mark.parametrize(("body", "content_type", "word"), [
    (b"<!DOCTYPE html>\n<html><head><title>Geoportal</title></head></html>", "text/html", "web page"),
    (b"<html><body>Willkommen</body></html>", "text/xml", "web page"),
    (b"<p>Hallo</p>", "text/html; charset=utf-8", "web page"),
    (b'{"type": "FeatureCollection"}', "application/json", "XML"),
    (b"GIF89a\x01\x00", "image/gif", "XML"),
])
def test_answers_that_are_not_xml(server, body, content_type, word):
    server.document("/wms", body, content_type)
    assert word in refused(server.url("/wms"), allow_private=True).message


def test_xml_served_as_html_is_accepted(server):
    # Some MapServer set-ups say text/html for everything.
    server.document("/wms", doc("wms130_alkis_dop.xml"), "text/html")
    assert fetch(server.url("/wms"), allow_private=True) == doc("wms130_alkis_dop.xml")


def test_utf16_document_is_passed_on(server):
    body = doc("wms130_alkis_dop.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    server.document("/wms", body.encode("utf-16"))
    assert fetch(server.url("/wms"), allow_private=True) == body.encode("utf-16")


def test_truncated_answer_is_reported(server):
    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<WMS_Capabilities>")
    server.routes["/wms"] = route
    assert "broke off" in refused(server.url("/wms"), FetchFailed, allow_private=True).message


# --------------------------------------------------------------------------- TLS

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=tiles.example.test", "-addext", "subjectAltName=DNS:tiles.example.test",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_server(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    running = OwsServer(tls=context).start()
    yield running
    running.stop()


def test_https_checks_the_certificate_against_the_host_name(tls_server, certificate, loopback_is_public,
                                                            monkeypatch):
    tls_server.document("/wmts.xml", doc("wmts_basemapde.xml"))
    real_getaddrinfo, real_context = socket.getaddrinfo, ssl.create_default_context
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: real_getaddrinfo(
        "127.0.0.1" if host == "tiles.example.test" else host, *a, **k))
    # An untrusted certificate is refused …
    error = refused(tls_server.url("/wmts.xml", host="tiles.example.test"), FetchFailed)
    assert "certificate" in error.message
    # … a trusted one is accepted for the name it was issued to, though the connection goes to an address …
    monkeypatch.setattr(ssl, "create_default_context", lambda: real_context(cafile=str(certificate[0])))
    assert fetch(tls_server.url("/wmts.xml", host="tiles.example.test")) == doc("wmts_basemapde.xml")
    # … and not for another name.
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: real_getaddrinfo("127.0.0.1", *a, **k))
    assert "certificate" in refused(tls_server.url("/wmts.xml", host="other.example.test"), FetchFailed).message
