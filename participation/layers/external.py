"""Layers from external map services (WMS/WMTS): registering them, and what a map needs to draw them.

The capabilities document is fetched by `ows_fetch` and read by `geo.ows`;
the layer stores the capabilities address, the chosen layer and the
`geo.ows.TileLayerSpec` as JSON in `Layer.service`. Nothing the browser gets
is taken from the service unchecked: the tile address must be http(s) on a
host whose origin can go into the Content Security Policy, and attribution
is handed over as plain text for the map script to insert as text.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from flask import current_app

from geo.errors import GeoInputError, N_
from geo.ows import Capabilities, Kind, TileLayerSpec, capabilities_url, read_capabilities, tile_layer_for
from participation.extensions import db
from participation.layers import ows_fetch
from participation.layers.models import Layer, LayerKind
from participation.municipalities.models import Municipality

#: Host names as they may appear in a CSP source (IDN hosts in their ASCII form).
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: The TileLayer.WMS options a WMS spec may pass to Leaflet.
_WMS_OPTIONS = ("layers", "styles", "format", "transparent", "version")


@dataclass(frozen=True)
class ServiceDocument:
    """A service's capabilities as read, and the address they were read from."""

    url: str
    capabilities: Capabilities


def read_service(url: str, kind: Kind | None = None) -> ServiceDocument:
    """Fetch and read the capabilities of the service at `url`.

    Parameters
    ----------
    url : str
        What the GIS person pasted: a service address or a GetCapabilities URL.
    kind : {"wms", "wmts"}, optional
        The service type; None tries the likelier one first (from the
        address), then the other if the answer was not usable capabilities.

    Raises
    ------
    GeoInputError
        With a translatable message for anything that goes wrong: the
        address, the fetch (`ows_fetch.FetchFailed`) or the document.
    """
    kinds: list[Kind] = [kind] if kind else _likely_kinds(url)
    first_error: GeoInputError | None = None
    tried: set[str] = set()
    for candidate in kinds:
        address = capabilities_url(url, candidate)
        if address in tried:  # a WMTSCapabilities.xml address is the same for both
            continue
        tried.add(address)
        try:
            document = ows_fetch.fetch_capabilities(address)
            return ServiceDocument(address, read_capabilities(document, kind))
        except ows_fetch.FetchFailed:
            raise
        except GeoInputError as error:
            first_error = first_error or error
    assert first_error is not None
    raise first_error


def _likely_kinds(url: str) -> list[Kind]:
    parts = urlsplit((url or "").strip())
    service = next((v.strip().lower() for k, v in parse_qsl(parts.query) if k.lower() == "service"), "")
    if service == "wmts" or (service != "wms" and "wmts" in parts.path.lower()):
        return ["wmts", "wms"]
    return ["wms", "wmts"]


def register_service_layer(town: Municipality, url: str, kind: Kind | None, layer_name: str, *, name: str = "",
                           description: str = "", source: str = "", attribution: str = "", user,
                           document: ServiceDocument | None = None) -> Layer:
    """Add a layer of `town` drawn from an external WMS or WMTS.

    Parameters
    ----------
    town : Municipality
    url, kind
        The service as given to `read_service`.
    layer_name : str
        The WMS layer name or WMTS layer identifier.
    name, attribution : str
        Empty means the layer's title and the service's attribution text.
    description, source : str
    user
        Who registers it (logged).
    document : ServiceDocument, optional
        The capabilities already read from `url` (spares a second fetch).

    Returns
    -------
    Layer
        Added to the session and flushed; the caller commits.

    Raises
    ------
    GeoInputError
        If the service cannot be read, has no such layer, the layer cannot be
        drawn on the web map, or its images come from an unusable address.
    """
    if document is None:
        document = read_service(url, kind)
    capabilities = document.capabilities
    spec = tile_layer_for(capabilities, layer_name)
    origin = tile_origin(spec.url_template)
    if origin is None:
        raise GeoInputError(N_("The service does not give a usable http(s) address for its map images."))
    if not current_app.config["OWS_ALLOW_PRIVATE_HOSTS"]:
        # Residents' browsers load the images: they must not be sent into a local network either.
        tiles = urlsplit(spec.url_template)
        ows_fetch.checked_addresses(tiles.hostname or "", tiles.port or _DEFAULT_PORTS[tiles.scheme.lower()])
    service_attribution = spec.attribution.title if spec.attribution and spec.attribution.title else ""
    layer = Layer(
        municipality_id=town.id,
        kind=LayerKind(capabilities.kind),
        name=((name or "").strip() or spec.title)[:200],
        description=(description or "").strip(),
        source=(source or "").strip()[:300],
        attribution=((attribution or "").strip() or service_attribution)[:300],
        created_by_id=getattr(user, "id", None),
        service={
            "url": document.url,
            "kind": capabilities.kind,
            "layer": spec.layer,
            "service_title": capabilities.title,
            "spec": spec_as_dict(spec),
        },
    )
    db.session.add(layer)
    db.session.flush()
    current_app.logger.info("User %s registered %s layer %s (%s from %s) for %s", getattr(user, "id", None),
                            capabilities.kind.upper(), layer.id, spec.layer, document.url, town.slug)
    return layer


def spec_as_dict(spec: TileLayerSpec) -> dict:
    """`spec` as JSON-able values (tuples become lists)."""
    data = dataclasses.asdict(spec)
    if data["bbox_wgs84"] is not None:
        data["bbox_wgs84"] = list(data["bbox_wgs84"])
    return data


def tile_origin(url: object) -> str | None:
    """``scheme://host[:port]`` of an http(s) tile address, or None if it is not one.

    The result goes into a Content-Security-Policy header, so only plain
    host names and IPv4 addresses pass; user info, wildcards and anything a
    header could be bent with are refused.
    """
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or "@" in parts.netloc or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = ows_fetch.ascii_host(parts.hostname)
    if host is None:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not _HOST_NAME.match(host):
            return None
    else:
        # CSP host sources can name IPv4 addresses but not IPv6 ones.
        if address.version == 6:
            return None
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def _spec(layer: Layer) -> dict | None:
    if layer.kind not in (LayerKind.WMS, LayerKind.WMTS) or not isinstance(layer.service, dict):
        return None
    spec = layer.service.get("spec")
    return spec if isinstance(spec, dict) else None


def service_origin(layer: Layer) -> str | None:
    """The origin a page showing `layer` must allow images from, for `security.allow_images_from`.

    None for vector layers and for a stored tile address that is not usable.
    """
    spec = _spec(layer)
    return tile_origin(spec.get("url_template")) if spec else None


def leaflet_tile_options(layer: Layer) -> dict | None:
    """What the map script needs to draw `layer`, or None if it is not a usable service layer.

    Returns
    -------
    dict
        ``{"type": "wms" | "wmts", "url": str, "options": dict, "attribution": {"text": str, "url": str | None},
        "bounds": [[south, west], [north, east]] | None}``.
        For WMS, ``url`` is the GetMap address for ``L.tileLayer.wms`` and
        ``options`` holds ``layers``, ``styles``, ``format``, ``transparent``,
        ``version`` and, when the service says, ``minZoom``/``maxZoom`` (the
        layer is not drawn beyond its scale range). For WMTS, ``url`` is an
        ``L.tileLayer`` template with ``{z}/{x}/{y}`` and ``options`` may hold
        ``minZoom`` and ``maxNativeZoom`` (deeper zooms enlarge the last
        tiles). ``attribution.text`` is the layer's attribution as plain
        text, to be inserted with ``textContent``; ``attribution.url`` is an
        http(s) address or None.
    """
    spec = _spec(layer)
    if spec is None or tile_origin(spec.get("url_template")) is None:
        return None
    options: dict[str, object] = {}
    min_zoom, max_zoom = _zoom(spec.get("min_zoom")), _zoom(spec.get("max_zoom"))
    if spec.get("kind") == "wms":
        params = spec.get("params") or {}
        for key in _WMS_OPTIONS:
            value = params.get(key)
            if isinstance(value, (str, bool)):
                options[key] = value
        if min_zoom is not None:
            options["minZoom"] = min_zoom
        if max_zoom is not None:
            options["maxZoom"] = max_zoom
        kind = "wms"
    else:
        if min_zoom is not None:
            options["minZoom"] = min_zoom
        if max_zoom is not None:
            options["maxNativeZoom"] = max_zoom
        kind = "wmts"
    attribution = spec.get("attribution") or {}
    link = attribution.get("url") if isinstance(attribution, dict) else None
    return {
        "type": kind,
        "url": spec["url_template"],
        "options": options,
        "attribution": {"text": layer.attribution or "", "url": link if tile_origin(link) else None},
        "bounds": _bounds(spec.get("bbox_wgs84")),
    }


def _zoom(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 30 else None


def _bounds(box: object) -> list[list[float]] | None:
    if not isinstance(box, (list, tuple)) or len(box) != 4:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in box):
        return None
    west, south, east, north = box
    return [[south, west], [north, east]]
