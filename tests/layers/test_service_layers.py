"""The GIS team registers WMS/WMTS layers in two steps; the map gets a checked origin and plain-text attribution.

The services are a real HTTP server on 127.0.0.1 serving the stored
capabilities documents; loopback is allowed only where a test says so.
"""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation import safe_http as ows_fetch
from participation.layers.sources.ows import leaflet_tile_options, service_origin, tile_origin
from participation.layers.models import Layer, LayerKind
from tests.conftest import csrf_token
from tests.layers.ows_server import OwsServer, doc

EN = {"Accept-Language": "en"}
ALKIS = "© GeoBasis-DE / LGB Musterland, dl-de/by-2-0"
BASEMAP_TILES = "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0"


@pytest.fixture
def server():
    running = OwsServer().start()
    yield running
    running.stop()


@pytest.fixture
def loopback_allowed(app, monkeypatch):
    monkeypatch.setitem(app.config, "OWS_ALLOW_PRIVATE_HOSTS", True)


@pytest.fixture
def gis(create_town, create_user, login):
    """A town and a logged-in member of its GIS team."""
    town = create_town()
    user = create_user(role="gis", towns=[town])
    login(user)
    return town, user


def page_url(town) -> str:
    return f"/{town.slug}/gis/dienste/neu"


def read_service(client, town, url: str, kind: str = ""):
    token = csrf_token(client, page_url(town))
    return client.post(page_url(town), data={"csrf_token": token, "step": "address", "url": url, "kind": kind},
                       headers=EN)


def add_layer(client, town, url: str, layer: str | None, kind: str = "", **fields):
    token = csrf_token(client, page_url(town))
    data = {"csrf_token": token, "step": "layer", "url": url, "kind": kind, **fields}
    if layer is not None:
        data["layer"] = layer
    return client.post(page_url(town), data=data, headers=EN)


def radio(html: str, value: str) -> str:
    """The radio button for `value`, as written in the page."""
    match = re.search(r'<input class="kern-form-check__radio"[^>]*value="' + re.escape(value) + '"[^>]*>', html)
    assert match, f"no radio button for {value}"
    return match.group(0)


def stored_layers(app) -> list[Layer]:
    with app.app_context():
        layers = db.session.scalars(select(Layer)).all()
        db.session.expunge_all()
        return layers


# --------------------------------------------------------------------------- registering

def test_wms_layer_registered_end_to_end(app, client, gis, server, loopback_allowed):
    town, user = gis
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    step1 = read_service(client, town, server.url("/wms"))
    assert step1.status_code == 200
    html = step1.get_data(as_text=True)
    assert "Flurstücke" in html and "adv_alkis_flurstuecke" in html and ALKIS in html
    assert "ALKIS und DOP Musterland" in html
    # The Gauß-Krüger-only layer is listed but cannot be chosen.
    assert " disabled" in radio(html, "dop_1995_gk") and " disabled" not in radio(html, "dop20")
    assert 'name="step" value="layer"' in html
    # Nothing is stored between the steps.
    assert stored_layers(app) == []

    response = add_layer(client, town, server.url("/wms"), "adv_alkis_flurstuecke", name="", attribution="",
                         description="Grenzen der Flurstücke", source="LGB Musterland")
    assert response.status_code == 302, response.get_data(as_text=True)
    [layer] = stored_layers(app)
    assert response.location == f"/{town.slug}/gis/ebenen/{layer.id}"
    assert (layer.kind, layer.name, layer.attribution) == (LayerKind.WMS, "Flurstücke", ALKIS)
    assert (layer.description, layer.source) == ("Grenzen der Flurstücke", "LGB Musterland")
    assert (layer.municipality_id, layer.created_by_id) == (town.id, user.id)
    assert layer.service["url"] == server.url("/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0")
    assert layer.service["layer"] == "adv_alkis_flurstuecke" and layer.service["kind"] == "wms"
    spec = layer.service["spec"]
    assert spec["url_template"] == "https://geodienste.musterland.example/wms/alkis_dop?"
    assert spec["params"] == {"layers": "adv_alkis_flurstuecke", "styles": "", "format": "image/png",
                              "transparent": True, "version": "1.3.0"}
    assert spec["attribution"] == {"title": ALKIS, "url": "https://www.govdata.de/dl-de/by-2-0"}
    assert (spec["min_zoom"], spec["max_zoom"]) == (16, 21)
    # Step 2 read the capabilities again instead of trusting the browser.
    assert server.paths() == ["/wms", "/wms"]
    assert all("REQUEST=GetCapabilities" in r["path"] for r in server.requests)
    assert service_origin(layer) == "https://geodienste.musterland.example"


def test_wmts_layer_registered_with_own_name_and_attribution(app, client, gis, server, loopback_allowed):
    town, _user = gis
    server.document("/wmts_basemapde/1.0.0/WMTSCapabilities.xml", doc("wmts_basemapde.xml"))
    url = server.url("/wmts_basemapde/1.0.0/WMTSCapabilities.xml")
    step1 = read_service(client, town, url, kind="wmts")
    assert step1.status_code == 200
    assert "basemap.de Web Raster Grau" in step1.get_data(as_text=True)
    response = add_layer(client, town, url, "de_basemapde_web_raster_grau", kind="wmts", name="Grundkarte grau",
                         attribution="© basemap.de / BKG 2026")
    assert response.status_code == 302
    [layer] = stored_layers(app)
    assert (layer.kind, layer.name, layer.attribution) == (LayerKind.WMTS, "Grundkarte grau", "© basemap.de / BKG 2026")
    assert layer.service["url"] == url  # a WMTSCapabilities.xml address is used as it is
    assert layer.service["spec"]["url_template"] == (
        f"{BASEMAP_TILES}/de_basemapde_web_raster_grau/default/GLOBAL_WEBMERCATOR/{{z}}/{{y}}/{{x}}.png")
    assert service_origin(layer) == "https://sgx.geodatenzentrum.de"
    assert leaflet_tile_options(layer) == {
        "type": "wmts",
        "url": f"{BASEMAP_TILES}/de_basemapde_web_raster_grau/default/GLOBAL_WEBMERCATOR/{{z}}/{{y}}/{{x}}.png",
        "options": {"minZoom": 0, "maxNativeZoom": 18},
        "attribution": {"text": "© basemap.de / BKG 2026", "url": "https://basemap.de/"},
        "bounds": [[47.2, 5.5], [55.1, 15.6]],
    }


def test_wmts_detected_automatically_from_the_address(app, client, gis, server, loopback_allowed):
    town, _user = gis
    server.document("/geoserver/gwc/service/wmts", doc("wmts_geowebcache_kvp.xml"))
    url = server.url("/geoserver/gwc/service/wmts")
    assert read_service(client, town, url).status_code == 200
    assert "SERVICE=WMTS" in server.requests[0]["path"]
    assert add_layer(client, town, url, "stadtplan:stadtplan").status_code == 302
    [layer] = stored_layers(app)
    assert layer.kind is LayerKind.WMTS
    # The provider's javascript: address was dropped; its name is the attribution.
    assert layer.attribution == "Stadt Musterstadt, Fachbereich Geoinformation"
    assert leaflet_tile_options(layer)["attribution"] == {"text": layer.attribution, "url": None}


def test_automatic_detection_falls_back_to_the_other_kind(app, client, gis, server, loopback_allowed):
    town, _user = gis

    def route(handler):
        # Like a server that speaks only WMTS and answers a WMS request with an exception.
        body = doc("wmts_basemapde.xml") if "SERVICE=WMTS" in handler.path else doc("service_exception.xml")
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.routes["/ows"] = route
    response = read_service(client, town, server.url("/ows"))
    assert response.status_code == 200
    assert "basemap.de Web Raster Farbe" in response.get_data(as_text=True)
    assert ["SERVICE=WMS" in r["path"] for r in server.requests] == [True, False]


def test_single_usable_layer_is_preselected_and_prefilled(client, gis, server, loopback_allowed):
    town, _user = gis
    server.document("/gwc/service/wmts", doc("wmts_geowebcache_kvp.xml"))
    html = read_service(client, town, server.url("/gwc/service/wmts")).get_data(as_text=True)
    assert " checked" in radio(html, "stadtplan:stadtplan")
    assert " disabled" in radio(html, "stadtplan:flurkarte")
    assert re.search(r'<input[^>]*id="name"[^>]*value="Stadtplan"', html)
    assert re.search(r'<input[^>]*id="attribution"[^>]*value="Stadt Musterstadt, Fachbereich Geoinformation"', html)


def test_several_usable_layers_leave_the_choice_open(client, gis, server, loopback_allowed):
    town, _user = gis
    server.document("/mapserv", doc("wms111_mapserver_bplan.xml"))
    html = read_service(client, town, server.url("/mapserv?map=/srv/maps/bplan.map")).get_data(as_text=True)
    assert " checked" not in radio(html, "bplan") + radio(html, "bplan_geltungsbereiche")
    assert re.search(r'<input[^>]*id="name"[^>]*value=""', html)


# --------------------------------------------------------------------------- who may

@pytest.mark.parametrize(("role", "member", "status"), [
    ("resident", True, 403),
    ("gis", False, 403),
    ("planner", False, 403),
    ("gis", True, 200),
    ("planner", True, 200),
    ("admin", False, 200),
])
def test_who_may_open_the_page(client, create_town, create_user, login, role, member, status):
    town = create_town()
    login(create_user(role=role, towns=[town] if member else []))
    assert client.get(page_url(town)).status_code == status


def test_anonymous_visitors_are_sent_to_the_login(client, create_town):
    town = create_town()
    response = client.get(page_url(town))
    assert response.status_code == 302 and "/konto/anmelden" in response.location


def test_unknown_town_is_404(client, gis):
    assert client.get("/nirgendwo/gis/dienste/neu").status_code == 404


@pytest.mark.parametrize("step", ["address", "layer"])
def test_others_cannot_make_the_server_fetch(client, create_town, create_user, login, server, loopback_allowed,
                                             step):
    town, other = create_town(), create_town()
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    login(create_user(role="gis", towns=[other]))
    token = csrf_token(client, f"/{other.slug}/gis/dienste/neu")
    response = client.post(page_url(town), data={"csrf_token": token, "step": step, "url": server.url("/wms"),
                                                 "layer": "dop20"})
    assert response.status_code == 403
    assert server.requests == []


# --------------------------------------------------------------------------- refused addresses

@pytest.mark.parametrize("url", [
    "http://10.0.0.1/wms",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/wms",
    "http://localhost/wms",
])
def test_private_addresses_are_refused(client, gis, url):
    town, _user = gis
    response = read_service(client, town, url)
    assert response.status_code == 400
    assert "is in a private or local network" in response.get_data(as_text=True)


def test_loopback_server_is_refused_unless_configured(client, gis, server):
    town, _user = gis
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    response = read_service(client, town, server.url("/wms"))
    assert response.status_code == 400
    assert "private or local network" in response.get_data(as_text=True)
    assert server.requests == []


def test_redirect_to_a_private_address_is_refused(client, gis, server, monkeypatch):
    town, _user = gis
    # The test server stands in for a public host; the redirect target is internal.
    monkeypatch.setattr(ows_fetch, "is_public_address", lambda address: address == "127.0.0.1")
    server.redirect("/wms", "http://169.254.169.254/latest/meta-data/")
    response = read_service(client, town, server.url("/wms"), kind="wms")
    assert response.status_code == 400
    assert "169.254.169.254" in response.get_data(as_text=True)
    assert "is in a private or local network" in response.get_data(as_text=True)
    assert server.paths() == ["/wms"]


def test_step_two_checks_the_address_again(app, client, gis):
    town, _user = gis
    response = add_layer(client, town, "http://10.0.0.1/wms", "dop20")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "private or local network" in html and 'name="step" value="address"' in html
    assert stored_layers(app) == []


# --------------------------------------------------------------------------- bad answers

def test_too_big_document_is_refused_without_reading_it_all(client, gis, server, loopback_allowed):
    town, _user = gis
    server.flood("/wms", total=64 * 1024 * 1024)
    response = read_service(client, town, server.url("/wms"), kind="wms")
    server.released.set()
    assert response.status_code == 400
    assert "larger than 5.0 MB" in response.get_data(as_text=True)
    assert server.sent["/wms"] < 32 * 1024 * 1024
    assert len(server.requests) == 1  # no second try as WMTS: the size would not change


def test_stalling_service_is_given_up_within_the_timeout(app, client, gis, server, loopback_allowed, monkeypatch):
    town, _user = gis
    monkeypatch.setitem(app.config, "OWS_FETCH_TIMEOUT_SECONDS", 0.5)
    server.stall("/wms")
    started = time.monotonic()
    response = read_service(client, town, server.url("/wms"))
    assert time.monotonic() - started < 3
    assert response.status_code == 400
    assert "did not answer within 0.5 seconds" in response.get_data(as_text=True)


@pytest.mark.parametrize(("body", "content_type", "status", "message"), [
    (b"<!DOCTYPE html><html><body><h1>Geoportal</h1></body></html>", "text/html", 200, "leads to a web page"),
    (b"Service temporarily unavailable", "text/plain", 200, "did not answer with an XML document"),
    (b"<html><body>Internal Server Error</body></html>", "text/html", 500,
     "answered with HTTP status 500 instead of its capabilities"),
    (doc("service_exception.xml"), "application/vnd.ogc.se_xml", 200, "Missing required parameter LAYERS"),
    (doc("broken_truncated.xml"), "text/xml", 200, "not well-formed XML"),
    (doc("hostile_billion_laughs.xml"), "text/xml", 200, "declares XML entities"),
    (doc("hostile_xxe_passwd.xml"), "text/xml", 200, "declares XML entities"),
])
def test_bad_answers_become_form_errors(app, client, gis, server, loopback_allowed, body, content_type, status,
                                        message):
    town, _user = gis
    server.document("/wms", body, content_type, status=status)
    response = read_service(client, town, server.url("/wms"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "Please correct the marked fields." in html and 'href="#url"' in html
    assert 'aria-invalid="true"' in html


def test_messages_are_translated(client, gis, server, loopback_allowed):
    town, _user = gis
    server.document("/wms", b"<html><body>Portal</body></html>", "text/html")
    token = csrf_token(client, page_url(town))
    response = client.post(page_url(town), data={"csrf_token": token, "step": "address", "url": server.url("/wms")},
                           headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert "Bitte korrigieren Sie die markierten Felder." in response.get_data(as_text=True)


@pytest.mark.parametrize(("layer", "message"), [
    (None, "Choose a layer."),
    ("gibt_es_nicht", "The service has no layer named"),
    ("dop_1995_gk", "not offered in Web Mercator"),
])
def test_a_layer_that_cannot_be_used_is_refused(app, client, gis, server, loopback_allowed, layer, message):
    town, _user = gis
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    response = add_layer(client, town, server.url("/wms"), layer, name="Test")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'href="#layer-choices"' in html
    assert 'name="name" type="text" value="Test"' in html  # what was typed is kept
    assert stored_layers(app) == []


def test_service_gone_in_step_two_sends_back_to_step_one(app, client, gis, server, loopback_allowed):
    town, _user = gis
    server.document("/wms", b"", status=503)
    response = add_layer(client, town, server.url("/wms"), "dop20")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "HTTP status 503" in html and f'value="{server.url("/wms")}"' in html
    assert stored_layers(app) == []


def test_tampered_kind_sends_back_to_step_one(app, client, gis, server, loopback_allowed):
    town, _user = gis
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    response = add_layer(client, town, server.url("/wms"), "dop20", kind="wfs")
    assert response.status_code == 400
    assert 'name="step" value="address"' in response.get_data(as_text=True)
    assert server.requests == [] and stored_layers(app) == []


# --------------------------------------------------------------------------- escaping

HOSTILE = "<script>alert(1)</script>"


def test_titles_and_attribution_from_the_service_are_escaped(app, client, gis, server, loopback_allowed):
    town, _user = gis
    escaped = b"&lt;script&gt;alert(1)&lt;/script&gt;"
    document = (doc("wms130_alkis_dop.xml")
                .replace("<Title>Flurstücke</Title>".encode(), b"<Title>Flurst" + escaped + b"</Title>")
                .replace("<Title>© GeoBasis-DE / LGB Musterland, dl-de/by-2-0</Title>".encode(),
                         b"<Title>GeoBasis " + escaped + b"</Title>"))
    server.document("/wms", document)
    html = read_service(client, town, server.url("/wms")).get_data(as_text=True)
    assert HOSTILE not in html
    assert "Flurst&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "GeoBasis &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert add_layer(client, town, server.url("/wms"), "adv_alkis_flurstuecke").status_code == 302
    [layer] = stored_layers(app)
    # Stored and handed to the map as plain text; the map script inserts it with textContent.
    assert layer.name == f"Flurst{HOSTILE}"
    assert leaflet_tile_options(layer)["attribution"]["text"] == f"GeoBasis {HOSTILE}"


# --------------------------------------------------------------------------- origin and map options

def service_layer(kind: LayerKind, spec: dict, attribution: str = "© Someone") -> Layer:
    return Layer(kind=kind, name="x", attribution=attribution, service={"url": "https://x.example/", "spec": spec})


@pytest.mark.parametrize(("url_template", "origin"), [
    ("https://geodienste.musterland.example/wms/alkis_dop?", "https://geodienste.musterland.example"),
    ("http://gis.musterdorf.example/cgi-bin/mapserv?map=/srv/maps/bplan.map&", "http://gis.musterdorf.example"),
    (f"{BASEMAP_TILES}/farbe/default/GLOBAL_WEBMERCATOR/{{z}}/{{y}}/{{x}}.png", "https://sgx.geodatenzentrum.de"),
    ("https://Tiles.Example.ORG:8443/wmts?x=1", "https://tiles.example.org:8443"),
    ("https://tiles.example.org:443/wmts", "https://tiles.example.org"),
    ("http://93.184.216.34:8080/wms?", "http://93.184.216.34:8080"),
    ("http://[2001:db8::1]:8080/wms?", None),  # CSP cannot name IPv6 addresses
    ("https://müritz.example/wms?", "https://xn--mritz-kva.example"),
    ("https://straßenkarte.example/wms?", None),  # IDNA 2003 would say strassenkarte, browsers do not
    ("javascript:alert(1)//", None),
    ("data:image/png;base64,AAAA", None),
    ("//tiles.example.org/wmts", None),
    ("https://user:pw@tiles.example.org/wmts", None),
    ("https://tiles.example.org;script-src *;/wmts", None),
    ("https://*.example.org/wmts", None),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", None),
    ("https://tiles.example.org\r\nX-Injected: 1", None),
    ("https://tiles.example.org:99999/", None),
    (None, None),
])
def test_tile_origin(url_template, origin):
    assert tile_origin(url_template) == origin
    assert service_origin(service_layer(LayerKind.WMTS, {"kind": "wmts", "url_template": url_template})) == origin


def test_origin_and_options_only_for_service_layers():
    assert service_origin(Layer(kind=LayerKind.VECTOR, name="x")) is None
    assert leaflet_tile_options(Layer(kind=LayerKind.VECTOR, name="x")) is None
    assert service_origin(Layer(kind=LayerKind.WMS, name="x", service=None)) is None
    broken = service_layer(LayerKind.WMS, {"kind": "wms", "url_template": "javascript:alert(1)"})
    assert leaflet_tile_options(broken) is None


def test_wms_options_for_leaflet():
    layer = service_layer(LayerKind.WMS, {
        "kind": "wms", "layer": "dop20", "title": "DOP", "url_template": "https://wms.example/dop?",
        "params": {"layers": "dop20", "styles": "", "format": "image/jpeg", "transparent": False, "version": "1.3.0",
                   "onerror": "alert(1)"},
        "crs": "EPSG:3857", "attribution": {"title": "© LGB", "url": "javascript:alert(1)"},
        "min_zoom": 12, "max_zoom": None, "bbox_wgs84": [11.25, 51.35, 14.77, 53.56],
    }, attribution="© LGB <b>2026</b>")
    assert leaflet_tile_options(layer) == {
        "type": "wms",
        "url": "https://wms.example/dop?",
        "options": {"layers": "dop20", "styles": "", "format": "image/jpeg", "transparent": False, "version": "1.3.0",
                    "minZoom": 12},
        "attribution": {"text": "© LGB <b>2026</b>", "url": None},
        "bounds": [[51.35, 11.25], [53.56, 14.77]],
    }


def test_registered_layer_page_allows_the_tile_host(app, client, gis, server, loopback_allowed):
    town, _user = gis
    server.document("/wms", doc("wms130_alkis_dop.xml"))
    response = add_layer(client, town, server.url("/wms"), "dop20")
    assert response.status_code == 302
    page = client.get(response.location, headers=EN)
    assert page.status_code == 200
    assert "https://geodienste.musterland.example" in page.headers["Content-Security-Policy"]
