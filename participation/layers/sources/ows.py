"""WMS and WMTS layers on a map: image tiles from the service, drawn by Leaflet.

Nothing the browser gets is taken from the service unchecked: the tile
address must be http(s) on a host whose origin can go into the Content
Security Policy, and attribution is handed over as plain text for the map
script to insert as text.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from participation import safe_http
from participation.layers.models import Layer, LayerKind
from participation.layers.sources.base import SourceType

#: Host names as they may appear in a CSP source (IDN hosts in their ASCII form).
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
DEFAULT_PORTS = {"http": 80, "https": 443}
#: The TileLayer.WMS options a WMS spec may pass to Leaflet.
_WMS_OPTIONS = ("layers", "styles", "format", "transparent", "version")


class ServiceSource(SourceType):
    """A layer of an external WMS or WMTS: drawn as image tiles, styled by the service."""

    stylable = False
    versioned = False

    def __init__(self, kind: LayerKind) -> None:
        self.kind = kind
        self.label = kind.value.upper()

    def map_source(self, layer: Layer, version=None) -> dict | None:
        options = leaflet_tile_options(layer)
        return None if options is None else {"source": {"type": self.kind.value, **options}}

    def image_origin(self, layer: Layer) -> str | None:
        return service_origin(layer)


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
    if scheme not in DEFAULT_PORTS or "@" in parts.netloc or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = safe_http.ascii_host(parts.hostname)
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
    if port is not None and port != DEFAULT_PORTS[scheme]:
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
