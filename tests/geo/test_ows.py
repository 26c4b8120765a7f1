"""geo.ows: reading stored WMS/WMTS capabilities and building Leaflet tile layers (no network)."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import GeoInputError
from geo.ows import capabilities_url, read_capabilities, tile_layer_for
from tests.geo import german_msgids

DATA = Path(__file__).resolve().parents[1] / "data" / "ows"
BASEMAP_TILES = "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0"


def doc(name: str) -> bytes:
    return (DATA / name).read_bytes()


def refused(function, *args, **kwargs) -> GeoInputError:
    with pytest.raises(GeoInputError) as caught:
        function(*args, **kwargs)
    error = caught.value
    # The web layer translates `message` and fills in `params` afterwards.
    assert error.message in german_msgids(), f"not in the German catalog: {error.message!r}"
    assert str(error) == error.message.format(**error.params)
    return error


# --------------------------------------------------------------------------- WMTS

def test_basemap_wmts_layers_and_metadata():
    caps = read_capabilities(doc("wmts_basemapde.xml"))
    assert (caps.kind, caps.version, caps.title) == ("wmts", "1.0.0", "basemap.de Web Raster")
    assert [layer.name for layer in caps.layers] == ["de_basemapde_web_raster_farbe", "de_basemapde_web_raster_grau"]
    farbe = caps.layer("de_basemapde_web_raster_farbe")
    assert farbe.title == "basemap.de Web Raster Farbe"
    assert farbe.abstract.startswith("Kombinierte Darstellung")
    assert farbe.bbox_wgs84 == (5.5, 47.2, 15.6, 55.1)
    assert farbe.tile_matrix_sets == ("DE_EPSG_25832_ADV", "GLOBAL_WEBMERCATOR")
    assert farbe.web_mercator_matrix_sets == ("GLOBAL_WEBMERCATOR",)
    assert farbe.formats == ("image/png",)
    assert (farbe.attribution.title, farbe.attribution.url) == ("basemap.de / BKG", "https://basemap.de/")
    assert "CC BY 4.0" in caps.access_constraints
    assert not caps.tile_matrix_sets["DE_EPSG_25832_ADV"].web_mercator


def test_basemap_restful_template_puts_row_before_column():
    spec = tile_layer_for(read_capabilities(doc("wmts_basemapde.xml")), "de_basemapde_web_raster_farbe")
    assert spec.kind == "wmts"
    assert spec.url_template == (f"{BASEMAP_TILES}/de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR"
                                 "/{z}/{y}/{x}.png")
    assert (spec.min_zoom, spec.max_zoom) == (0, 18)
    assert spec.params == {}
    assert spec.attribution.title == "basemap.de / BKG"


def test_template_follows_the_placeholders_not_their_position():
    swapped = doc("wmts_basemapde.xml").replace(b"{TileRow}/{TileCol}", b"{TileCol}/{TileRow}")
    spec = tile_layer_for(read_capabilities(swapped), "de_basemapde_web_raster_grau")
    assert spec.url_template.endswith("/GLOBAL_WEBMERCATOR/{z}/{x}/{y}.png")


def test_matrix_ids_that_are_not_zoom_numbers_make_a_set_unusable():
    padded = doc("wmts_basemapde.xml").replace(b"<ows:Identifier>7</ows:Identifier>",
                                               b"<ows:Identifier>07</ows:Identifier>")
    caps = read_capabilities(padded)
    assert not caps.tile_matrix_sets["GLOBAL_WEBMERCATOR"].web_mercator
    error = refused(tile_layer_for, caps, "de_basemapde_web_raster_farbe")
    assert error.params == {"name": "de_basemapde_web_raster_farbe", "sets": "DE_EPSG_25832_ADV, GLOBAL_WEBMERCATOR"}


def test_unknown_template_placeholder_is_refused():
    odd = doc("wmts_basemapde.xml").replace(b"{TileCol}.png", b"{TileCol}.png?key={ApiKey}")
    error = refused(tile_layer_for, read_capabilities(odd), "de_basemapde_web_raster_farbe")
    assert error.params["placeholder"] == "{ApiKey}"


def test_geowebcache_kvp_template_with_prefixed_matrix_ids_and_limits():
    caps = read_capabilities(doc("wmts_geowebcache_kvp.xml"), kind="wmts")
    assert caps.gettile_url == "https://geodienste.musterstadt.example/geoserver/gwc/service/wmts?"
    assert caps.tile_matrix_sets["EPSG:900913"].zoom_prefix == "EPSG:900913:"
    spec = tile_layer_for(caps, "stadtplan:stadtplan", style="grau", format="image/jpeg")
    assert spec.url_template == (
        "https://geodienste.musterstadt.example/geoserver/gwc/service/wmts?SERVICE=WMTS&REQUEST=GetTile"
        "&VERSION=1.0.0&LAYER=stadtplan%3Astadtplan&STYLE=grau&TILEMATRIXSET=EPSG%3A900913&FORMAT=image%2Fjpeg"
        "&TILEMATRIX=EPSG%3A900913%3A{z}&TILEROW={y}&TILECOL={x}")
    # TileMatrixSetLimits list levels 10-16 only.
    assert (spec.min_zoom, spec.max_zoom) == (10, 16)
    assert "STYLE=farbe" in tile_layer_for(caps, "stadtplan:stadtplan").url_template


def test_provider_site_with_javascript_url_is_dropped():
    caps = read_capabilities(doc("wmts_geowebcache_kvp.xml"))
    assert caps.provider.title == "Stadt Musterstadt, Fachbereich Geoinformation"
    assert caps.provider.url is None


def test_wmts_layer_without_web_mercator_set_is_refused():
    caps = read_capabilities(doc("wmts_geowebcache_kvp.xml"))
    assert caps.layer("stadtplan:flurkarte").web_mercator is False
    error = refused(tile_layer_for, caps, "stadtplan:flurkarte")
    assert error.params == {"name": "stadtplan:flurkarte", "sets": "EPSG:25833"}
    assert "Web Mercator" in error.message


def test_wmts_unknown_style_is_refused():
    error = refused(tile_layer_for, read_capabilities(doc("wmts_geowebcache_kvp.xml")), "stadtplan:stadtplan",
                    style="nacht")
    assert error.params == {"name": "stadtplan:stadtplan", "style": "nacht"}


# --------------------------------------------------------------------------- WMS

def test_wms130_nested_layers_crs_and_inherited_attribution():
    caps = read_capabilities(doc("wms130_alkis_dop.xml"))
    assert (caps.kind, caps.version) == ("wms", "1.3.0")
    assert caps.getmap_url == "https://geodienste.musterland.example/wms/alkis_dop?"
    assert [layer.name for layer in caps.layers] == [
        "alkis", "adv_alkis_flurstuecke", "adv_alkis_gebaeude", "dop20", "dop_1995_gk"]
    flurstuecke = caps.layer("adv_alkis_flurstuecke")
    assert flurstuecke.parents == ("ALKIS und DOP Musterland", "ALKIS Liegenschaftskarte")
    assert {"EPSG:25832", "EPSG:25833", "EPSG:3857"} <= set(flurstuecke.crs)
    assert flurstuecke.web_mercator
    # Inherited from the root layer, which OWSLib alone would not do.
    assert flurstuecke.attribution.title == "© GeoBasis-DE / LGB Musterland, dl-de/by-2-0"
    assert flurstuecke.attribution.url == "https://www.govdata.de/dl-de/by-2-0"
    assert caps.layer("adv_alkis_gebaeude").attribution.title == "© GeoBasis-DE / LGB Musterland (Hausumringe)"
    assert caps.layer("dop20").bbox_wgs84 == (11.25, 51.35, 14.77, 53.56)
    assert caps.layer("dop_1995_gk").web_mercator is False
    assert caps.provider.title == "Landesamt für Geobasisinformation Musterland"


def test_wms_params_for_leaflet():
    caps = read_capabilities(doc("wms130_alkis_dop.xml"))
    spec = tile_layer_for(caps, "adv_alkis_gebaeude", style="grau")
    assert spec.kind == "wms"
    assert spec.url_template == "https://geodienste.musterland.example/wms/alkis_dop?"
    assert spec.params == {"layers": "adv_alkis_gebaeude", "styles": "grau", "format": "image/png",
                           "transparent": True, "version": "1.3.0"}
    assert spec.crs == "EPSG:3857"
    jpeg = tile_layer_for(caps, "dop20", format="image/jpeg")
    assert (jpeg.params["format"], jpeg.params["transparent"], jpeg.params["styles"]) == ("image/jpeg", False, "")


def test_wms_scale_denominators_become_zoom_levels():
    spec = tile_layer_for(read_capabilities(doc("wms130_alkis_dop.xml")), "adv_alkis_flurstuecke")
    # 1:10 000 is first undercut at zoom 16 (1:8 531), 1:250 last reached at zoom 21 (1:267).
    assert (spec.min_zoom, spec.max_zoom) == (16, 21)


def test_wms_layer_without_3857_is_refused():
    error = refused(tile_layer_for, read_capabilities(doc("wms130_alkis_dop.xml")), "dop_1995_gk")
    assert error.params["name"] == "dop_1995_gk"
    assert "EPSG:31468" in error.params["crs"] and "EPSG:3857" not in error.params["crs"]


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"format": "image/tiff"}, {"format": "image/tiff"}),
    ({"format": "image/webp"}, {"format": "image/webp", "name": "dop20"}),
    ({"style": "nacht"}, {"name": "dop20", "style": "nacht"}),
])
def test_wms_format_and_style_must_be_usable(kwargs, expected):
    error = refused(tile_layer_for, read_capabilities(doc("wms130_alkis_dop.xml")), "dop20", **kwargs)
    assert error.params == expected


def test_unknown_layer_is_refused():
    error = refused(tile_layer_for, read_capabilities(doc("wms130_alkis_dop.xml")), "gibt_es_nicht")
    assert error.params == {"name": "gibt_es_nicht"}


def test_wms111_mapserver_with_element_doctype_and_latin1():
    caps = read_capabilities(doc("wms111_mapserver_bplan.xml"), kind="wms")
    assert (caps.version, caps.title) == ("1.1.1", "Bebauungspläne Gemeinde Musterdorf")
    layer = caps.layer("bplan_geltungsbereiche")
    assert layer.parents == ("Bebauungspläne",)
    assert layer.bbox_wgs84 == (9.81, 52.21, 9.95, 52.29)
    # A javascript: address is dropped; the text is kept.
    assert (layer.attribution.title, layer.attribution.url) == ("Gemeinde Musterdorf, Bauamt", None)
    spec = tile_layer_for(caps, "bplan_geltungsbereiche")
    assert spec.url_template == "http://gis.musterdorf.example/cgi-bin/mapserv?map=/srv/maps/bplan.map&"
    assert spec.params["version"] == "1.1.1"


# --------------------------------------------------------------------------- refused documents

@pytest.mark.parametrize("name", ["hostile_billion_laughs.xml", "hostile_xxe_passwd.xml",
                                  "hostile_parameter_entity.xml"])
def test_entity_declarations_are_refused(name):
    assert "entities" in refused(read_capabilities, doc(name)).message


def test_entity_declarations_are_refused_in_utf16_too():
    text = doc("hostile_billion_laughs.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert "entities" in refused(read_capabilities, text.encode("utf-16")).message


def test_truncated_document_is_refused():
    error = refused(read_capabilities, doc("broken_truncated.xml"))
    assert "well-formed" in error.message and error.params["line"] > 1


def test_oversized_document_is_refused_before_parsing():
    padding = b"<!--" + b"x" * (5 * 1024 * 1024) + b"-->"
    assert refused(read_capabilities, doc("wmts_basemapde.xml") + padding).params == {"limit": 5.0}
    assert "larger" in refused(read_capabilities, doc("wmts_basemapde.xml"), max_bytes=1000).message


def test_service_exception_is_reported():
    error = refused(read_capabilities, doc("service_exception.xml"))
    assert "Missing required parameter LAYERS" in error.params["detail"]


def test_wrong_kind_is_refused():
    error = refused(read_capabilities, doc("wmts_basemapde.xml"), kind="wms")
    assert error.params == {"found": "WMTS", "expected": "WMS"}


@pytest.mark.parametrize(("xml", "param"), [
    (b"", None),
    (b'<kml xmlns="http://www.opengis.net/kml/2.2"/>', {"root": "kml"}),
    (b'<WMT_MS_Capabilities version="1.0.0"/>', {"version": "1.0.0"}),
    (b'<WMS_Capabilities xmlns="http://www.opengis.net/wms" version="1.3.0"><Service/></WMS_Capabilities>', {}),
])
def test_other_documents_are_refused(xml, param):
    error = refused(read_capabilities, xml)
    if param is not None:
        assert error.params == param


def test_text_instead_of_bytes_is_a_programming_error():
    with pytest.raises(TypeError):
        read_capabilities(doc("wmts_basemapde.xml").decode("utf-8"))


# --------------------------------------------------------------------------- capabilities_url

@pytest.mark.parametrize(("pasted", "kind", "expected"), [
    ("https://sgx.geodatenzentrum.de/wms_basemapde", "wms",
     "https://sgx.geodatenzentrum.de/wms_basemapde?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0"),
    ("  http://gis.musterdorf.example/cgi-bin/mapserv?map=/srv/maps/bplan.map&service=wms&Request=GetMap#x ", "wms",
     "http://gis.musterdorf.example/cgi-bin/mapserv?map=%2Fsrv%2Fmaps%2Fbplan.map&SERVICE=WMS"
     "&REQUEST=GetCapabilities&VERSION=1.3.0"),
    ("https://Example.ORG/ows?version=1.1.1&token=abc", "wms",
     "https://example.org/ows?token=abc&SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1"),
    ("https://example.org/gwc/service/wmts?VERSION=2.0&service=WMS", "wmts",
     "https://example.org/gwc/service/wmts?SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0"),
    ("https://sgx.geodatenzentrum.de/wmts_basemapde/1.0.0/WMTSCapabilities.xml", "wmts",
     "https://sgx.geodatenzentrum.de/wmts_basemapde/1.0.0/WMTSCapabilities.xml"),
])
def test_capabilities_url(pasted, kind, expected):
    assert capabilities_url(pasted, kind) == expected


@pytest.mark.parametrize(("pasted", "word"), [
    ("", "Enter"),
    ("javascript:alert(1)", "http"),
    ("file:///etc/passwd", "http"),
    ("ftp://example.org/wms", "http"),
    ("example.org/wms", "http"),
    ("https://user:secret@example.org/wms", "password"),
    ("https://token@example.org/wms", "password"),
    ("https://example.org:99999/wms", "valid"),
    ("https://exa mple.org/wms", "valid"),
    ("https:///wms", "valid"),
])
def test_capabilities_url_refusals(pasted, word):
    assert word in refused(capabilities_url, pasted, "wms").message
