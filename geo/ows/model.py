"""What a capabilities document offers: layers, tile matrix sets, attribution; small shared helpers."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from geo.errors import GeoInputError, N_


Kind = Literal["wms", "wmts"]

#: Default upper bound for a capabilities document; national services stay far below.
MAX_CAPABILITIES_BYTES = 5 * 1024 * 1024

#: Scale denominator of zoom 0 in Web Mercator with 256-pixel tiles and the
#: OGC's 0.28 mm pixel (WMTS "GoogleMapsCompatible" / "WebMercatorQuad").
_ZOOM0_SCALE = 559082264.0287178
_WEB_MERCATOR_HALF = 20037508.342789244
#: EPSG codes (and the unofficial aliases servers still use) for Web Mercator.
_WEB_MERCATOR_CODES = frozenset({3857, 900913, 102100, 102113, 3785})
#: Image formats a browser can draw, best first.
_BROWSER_FORMATS = ("image/png", "image/png8", "image/png; mode=8bit", "image/jpeg", "image/webp", "image/gif")

_WMS_NS = "http://www.opengis.net/wms"
_WMTS_NS = "http://www.opengis.net/wmts/1.0"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@dataclass(frozen=True)
class Attribution:
    """Who to credit for a layer: text and, if given, a web address."""

    title: str | None
    url: str | None = None


@dataclass(frozen=True)
class TileMatrixSetInfo:
    """One WMTS tile matrix set and whether Leaflet can use it as z/x/y tiles.

    ``zooms`` maps each tile matrix identifier to its Leaflet zoom level and
    is empty when the set is not Web Mercator with 256-pixel tiles.
    ``zoom_prefix`` is what precedes the zoom number in the identifiers
    (``""`` for ``0, 1, 2…``, ``"EPSG:3857:"`` for ``EPSG:3857:0…``).
    """

    identifier: str
    crs: str
    web_mercator: bool
    zoom_prefix: str | None = None
    zooms: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LayerInfo:
    """A layer a person can pick from a service.

    ``name`` is the WMS ``Name`` or WMTS ``Identifier``; ``parents`` are the
    titles of the enclosing WMS group layers, outermost first.
    ``web_mercator`` says whether the layer can be drawn on the web map: for
    WMS, EPSG:3857 is among its CRS; for WMTS, one of ``tile_matrix_sets``
    fits Leaflet's z/x/y grid. ``bbox_wgs84`` is (west, south, east, north)
    in degrees.
    """

    name: str
    title: str
    abstract: str | None
    attribution: Attribution | None
    crs: tuple[str, ...]
    web_mercator: bool
    formats: tuple[str, ...]
    styles: tuple[str, ...]
    default_style: str | None
    bbox_wgs84: tuple[float, float, float, float] | None
    parents: tuple[str, ...] = ()
    tile_matrix_sets: tuple[str, ...] = ()
    web_mercator_matrix_sets: tuple[str, ...] = ()
    min_scale_denominator: float | None = None
    max_scale_denominator: float | None = None
    #: WMTS RESTful templates as (format, template), document order.
    resource_urls: tuple[tuple[str, str], ...] = ()
    #: WMTS dimension defaults by identifier (e.g. ``{"Time": "2024"}``).
    dimensions: dict[str, str] = field(default_factory=dict)
    #: WMTS TileMatrixSetLimits: the matrices present for each linked set.
    matrix_limits: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Capabilities:
    """What a WMS or WMTS says about itself, reduced to what the map needs.

    ``getmap_url`` (WMS) and ``gettile_url`` (WMTS, KVP encoding) are the
    request addresses from the document, or None when it gives no usable
    http(s) address.
    """

    kind: Kind
    version: str
    title: str | None
    abstract: str | None
    access_constraints: str | None
    fees: str | None
    provider: Attribution | None
    layers: tuple[LayerInfo, ...]
    getmap_url: str | None = None
    getmap_formats: tuple[str, ...] = ()
    gettile_url: str | None = None
    tile_matrix_sets: dict[str, TileMatrixSetInfo] = field(default_factory=dict)

    def layer(self, name: str) -> LayerInfo:
        """Return the layer called `name`.

        Raises
        ------
        GeoInputError
            If the service has no such layer.
        """
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise GeoInputError(N_('The service has no layer named "{name}".'), name=name)


@dataclass(frozen=True)
class TileLayerSpec:
    """What Leaflet needs to draw an external layer.

    For ``kind == "wmts"``, ``url_template`` is an ``L.tileLayer`` template
    with ``{z}``, ``{x}`` and ``{y}`` and ``params`` is empty. For
    ``kind == "wms"``, it is the GetMap address for ``L.tileLayer.wms`` and
    ``params`` holds ``layers``, ``styles``, ``format``, ``transparent`` and
    ``version``, ready to pass as its options. ``crs`` is the CRS the
    service is asked for (``"EPSG:3857"``); it is kept out of ``params``
    because Leaflet's ``crs`` option must be an ``L.CRS`` object, and Leaflet
    itself sends the map's CRS code (as ``srs`` below WMS 1.3.0).
    ``min_zoom``/``max_zoom`` are the zoom levels the service has images
    for, None when it does not say. ``attribution`` is plain text and an
    address; the caller escapes it before putting it into Leaflet's HTML.
    """

    kind: Kind
    layer: str
    title: str
    url_template: str
    params: dict[str, str | bool] = field(default_factory=dict)
    crs: str | None = None
    attribution: Attribution | None = None
    min_zoom: int | None = None
    max_zoom: int | None = None
    bbox_wgs84: tuple[float, float, float, float] | None = None



def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _http_url(value: object) -> str | None:
    """Return `value` if it is an absolute http(s) URL without credentials."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return url


def _epsg_code(crs: str) -> int | None:
    # "EPSG:3857", "urn:ogc:def:crs:EPSG::3857", "urn:ogc:def:crs:EPSG:6.18.3:3857",
    # "http://www.opengis.net/def/crs/EPSG/0/3857"
    if "EPSG" not in crs.upper():
        return None
    match = re.search(r"(\d+)\s*$", crs)
    return int(match.group(1)) if match else None


def _wgs84_box(box: object) -> tuple[float, float, float, float] | None:
    if not box:
        return None
    try:
        west, south, east, north = (float(v) for v in list(box)[:4])
    except (TypeError, ValueError):
        return None
    values = (west, south, east, north)
    if not all(math.isfinite(v) for v in values):
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return values
