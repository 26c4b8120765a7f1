"""External map services: read WMS/WMTS capabilities, build Leaflet tile layers.

Pure functions on bytes and strings; fetching the document (with a timeout,
a size limit and protection against requests to internal hosts) is the web
layer's job. Capabilities are parsed with OWSLib, but only after the bytes
have passed our own checks: a size bound, no entity declarations (XML bombs,
XXE), and a parse with a hardened lxml parser that never touches the network.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit
from xml.parsers import expat

from lxml import etree

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


# --------------------------------------------------------------------------- reading

def read_capabilities(xml_bytes: bytes, kind: Kind | None = None, *,
                      max_bytes: int = MAX_CAPABILITIES_BYTES) -> Capabilities:
    """Parse a WMS 1.1.1/1.3.0 or WMTS 1.0.0 capabilities document.

    Parameters
    ----------
    xml_bytes : bytes
        The document as fetched (any XML encoding).
    kind : {"wms", "wmts"}, optional
        The service type the person chose; None detects it from the root
        element. A document of the other type is refused.
    max_bytes : int
        Largest document accepted.

    Returns
    -------
    Capabilities
        Named layers in document order, with their CRS, formats, styles,
        attribution and WGS84 bounding box.

    Raises
    ------
    GeoInputError
        If the document is too large, empty, declares entities, is not
        well-formed, is a service exception, is not WMS/WMTS capabilities of
        a supported version, is not of `kind`, or cannot be read by OWSLib.
    """
    if not isinstance(xml_bytes, (bytes, bytearray)):
        raise TypeError("xml_bytes must be bytes")
    if kind not in (None, "wms", "wmts"):
        raise ValueError(f"kind must be 'wms', 'wmts' or None, not {kind!r}")
    if len(xml_bytes) > max_bytes:
        raise GeoInputError(N_("The capabilities document is larger than {limit} MB and was not read."),
                            limit=round(max_bytes / (1024 * 1024), 1))
    if not bytes(xml_bytes).strip():
        raise GeoInputError(N_("The service sent an empty capabilities document."))
    data = bytes(xml_bytes)
    _refuse_entity_declarations(data)
    root = _parse_hardened(data)
    found, version = _identify(root)
    if kind is not None and found != kind:
        raise GeoInputError(N_("This is a {found} capabilities document, but {expected} was chosen."),
                            found=found.upper(), expected=kind.upper())
    # OWSLib re-parses what we hand it; serialising the root element drops
    # any DOCTYPE, so it only ever sees the checked tree.
    clean = etree.tostring(root)
    if found == "wms":
        return _read_wms(clean, version)
    return _read_wmts(clean)


class _Refused(Exception):
    pass


class _RootReached(Exception):
    pass


def _refuse_entity_declarations(data: bytes) -> None:
    """Refuse entity, attribute-list and notation declarations in the prolog.

    Entities are how XML bombs and external-entity reads (XXE) work, and
    they can only be declared in the DOCTYPE. A DOCTYPE naming an external
    DTD, optionally with ``<!ELEMENT>`` declarations, is accepted because
    WMS 1.1.1 requires one and MapServer adds element declarations; the DTD
    itself is never loaded. expat reads only up to the root element, in the
    document's own encoding (so UTF-16 cannot hide a declaration).
    """
    parser = expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise _Refused

    def root_reached(*_args: object) -> None:
        raise _RootReached

    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.NotationDeclHandler = refuse
    parser.AttlistDeclHandler = refuse
    parser.StartElementHandler = root_reached
    try:
        parser.Parse(data, True)
    except _Refused:
        raise GeoInputError(N_("The capabilities document declares XML entities, which are refused because "
                               "they can expand to huge sizes or read local files.")) from None
    except _RootReached:
        return
    except expat.ExpatError as exc:
        raise GeoInputError(N_("The capabilities document is not well-formed XML ({reason}, line {line})."),
                            reason=expat.ErrorString(exc.code), line=exc.lineno) from None


def _parse_hardened(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_pis=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else 0
        reason = re.sub(r", line \d+, column \d+$", "", exc.msg or "") or "syntax error"
        raise GeoInputError(N_("The capabilities document is not well-formed XML ({reason}, line {line})."),
                            reason=reason, line=line) from None
    # Second line of defence behind the expat check: lxml's view of the DTD.
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise GeoInputError(N_("The capabilities document declares XML entities, which are refused because "
                               "they can expand to huge sizes or read local files."))
    return root


def _identify(root: etree._Element) -> tuple[Kind, str]:
    qname = etree.QName(root)
    local, namespace = qname.localname, qname.namespace
    version = (root.get("version") or "").strip()
    if local in ("ServiceExceptionReport", "ExceptionReport"):
        texts = [" ".join(t.split()) for t in root.itertext() if t.strip()]
        detail = " ".join(texts)[:300] or "-"
        raise GeoInputError(N_("The service answered with an error instead of its capabilities: {detail}"),
                            detail=detail)
    if local == "WMT_MS_Capabilities" and namespace is None or local == "WMS_Capabilities" and namespace == _WMS_NS:
        if version not in ("1.1.1", "1.3.0"):
            raise GeoInputError(N_("WMS version {version} is not supported; ask the service for 1.3.0 or 1.1.1."),
                                version=version or "?")
        return "wms", version
    if local == "Capabilities" and namespace == _WMTS_NS:
        if version != "1.0.0":
            raise GeoInputError(N_("WMTS version {version} is not supported; only 1.0.0 is."),
                                version=version or "?")
        return "wmts", version
    raise GeoInputError(N_("This is not a WMS or WMTS capabilities document (its root element is <{root}>)."),
                        root=local[:80])


def _owslib_failure(exc: Exception) -> GeoInputError:
    error = GeoInputError(N_("The capabilities document is incomplete or invalid and could not be read."))
    error.__cause__ = exc
    return error


# ---- WMS

def _read_wms(clean: bytes, version: str) -> Capabilities:
    from owslib.wms import WebMapService

    # OWSLib raises whatever its attribute lookups hit on an incomplete document.
    try:
        service = WebMapService(None, version=version, xml=clean)
        getmap = _optional_operation(service, "GetMap")
        getmap_formats = tuple(f.strip() for f in (getmap.formatOptions if getmap else []) if f and f.strip())
        getmap_url = None
        if getmap is not None:
            for method in getmap.methods:
                if method.get("type", "").lower() == "get":
                    getmap_url = _http_url(method.get("url"))
                    if getmap_url:
                        break
        layers = tuple(_wms_layer(layer, getmap_formats) for layer in service.contents.values())
        ident = service.identification
        provider = _wms_provider(service)
    except GeoInputError:
        raise
    except (AttributeError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise _owslib_failure(exc) from exc
    return Capabilities(kind="wms", version=version, title=_text(ident.title), abstract=_text(ident.abstract),
                        access_constraints=_text(ident.accessconstraints), fees=_text(ident.fees),
                        provider=provider, layers=layers, getmap_url=getmap_url, getmap_formats=getmap_formats)


def _optional_operation(service, name: str):
    try:
        return service.getOperationByName(name)
    except KeyError:
        return None


def _wms_provider(service) -> Attribution | None:
    provider = getattr(service, "provider", None)
    contact = getattr(provider, "contact", None)
    organization = _text(getattr(contact, "organization", None))
    url = _http_url(getattr(provider, "url", None))
    if organization is None and url is None:
        return None
    return Attribution(organization, url)


def _wms_layer(layer, getmap_formats: tuple[str, ...]) -> LayerInfo:
    parents = []
    ancestor = layer.parent
    while ancestor is not None:
        if ancestor.title:
            parents.append(ancestor.title)
        ancestor = ancestor.parent
    crs = tuple(sorted(c.strip() for c in layer.crsOptions if c and c.strip()))
    styles = tuple(name for name in layer.styles if name)
    return LayerInfo(
        name=layer.name,
        title=_text(layer.title) or layer.name,
        abstract=_text(layer.abstract),
        attribution=_wms_attribution(layer),
        crs=crs,
        web_mercator=any(c.upper() == "EPSG:3857" for c in crs),
        formats=getmap_formats,
        styles=styles,
        default_style=None,
        bbox_wgs84=_wgs84_box(layer.boundingBoxWGS84),
        parents=tuple(reversed(parents)),
        min_scale_denominator=_inherited_scale(layer, "min_scale_denominator"),
        max_scale_denominator=_inherited_scale(layer, "max_scale_denominator"),
    )


def _wms_attribution(layer) -> Attribution | None:
    # Attribution is inherited in WMS; OWSLib only reads the layer's own.
    while layer is not None:
        attribution = getattr(layer, "attribution", None)
        if attribution:
            title = _text(attribution.get("title"))
            url = _http_url(attribution.get("url"))
            if title or url:
                return Attribution(title, url)
        layer = layer.parent
    return None


def _inherited_scale(layer, attribute: str) -> float | None:
    # WMS 1.3.0 scale denominators are inherited too; 1.1.1 has no such elements.
    while layer is not None:
        element = getattr(layer, attribute, None)
        if element is not None and element.text:
            try:
                value = float(element.text)
            except ValueError:
                return None
            return value if math.isfinite(value) and value > 0 else None
        layer = layer.parent
    return None


# ---- WMTS

def _read_wmts(clean: bytes) -> Capabilities:
    from owslib.wmts import WebMapTileService

    try:
        service = WebMapTileService(None, xml=clean)
        matrix_sets = {identifier: _matrix_set_info(tms) for identifier, tms in service.tilematrixsets.items()}
        ident = getattr(service, "identification", None)
        provider_elem = getattr(service, "provider", None)
        provider = None
        if provider_elem is not None:
            name, url = _text(provider_elem.name), _http_url(getattr(provider_elem, "url", None))
            provider = Attribution(name, url) if name or url else None
        layers = tuple(_wmts_layer(layer, matrix_sets, provider) for layer in service.contents.values())
        gettile_url = _kvp_gettile_url(service)
    except GeoInputError:
        raise
    except (AttributeError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise _owslib_failure(exc) from exc
    return Capabilities(kind="wmts", version="1.0.0",
                        title=_text(getattr(ident, "title", None)), abstract=_text(getattr(ident, "abstract", None)),
                        access_constraints=_text(getattr(ident, "accessconstraints", None)),
                        fees=_text(getattr(ident, "fees", None)),
                        provider=provider, layers=layers, gettile_url=gettile_url, tile_matrix_sets=matrix_sets)


def _kvp_gettile_url(service) -> str | None:
    for operation in service.operations:
        if getattr(operation, "name", None) != "GetTile":
            continue
        for method in operation.methods:
            if method.get("type", "").lower() != "get":
                continue
            encodings = {value.strip().upper() for constraint in method.get("constraints", [])
                         if (constraint.name or "").lower() == "getencoding"
                         for value in constraint.values if value}
            # No constraint means KVP, the WMTS default encoding.
            if not encodings or "KVP" in encodings:
                url = _http_url(method.get("url"))
                if url:
                    return url
    return None


def _matrix_set_info(tms) -> TileMatrixSetInfo:
    crs = tms.crs or ""
    code = _epsg_code(crs)
    if code not in _WEB_MERCATOR_CODES or not tms.tilematrix:
        return TileMatrixSetInfo(tms.identifier, crs, web_mercator=False)
    zooms: dict[str, int] = {}
    prefixes = set()
    for identifier, matrix in tms.tilematrix.items():
        zoom = _web_mercator_zoom(matrix)
        if zoom is None:
            return TileMatrixSetInfo(tms.identifier, crs, web_mercator=False)
        # Leaflet puts the bare zoom number into the URL, so the identifier
        # must be that number behind a fixed prefix ("7", "EPSG:3857:7").
        number = str(zoom)
        if not identifier.endswith(number) or (identifier[:-len(number)][-1:].isdigit()):
            return TileMatrixSetInfo(tms.identifier, crs, web_mercator=False)
        prefixes.add(identifier[:-len(number)])
        zooms[identifier] = zoom
    if len(prefixes) != 1 or len(set(zooms.values())) != len(zooms):
        return TileMatrixSetInfo(tms.identifier, crs, web_mercator=False)
    return TileMatrixSetInfo(tms.identifier, crs, web_mercator=True, zoom_prefix=prefixes.pop(), zooms=zooms)


def _web_mercator_zoom(matrix) -> int | None:
    if matrix.tilewidth != 256 or matrix.tileheight != 256 or matrix.scaledenominator <= 0:
        return None
    left, top = matrix.topleftcorner
    if abs(left + _WEB_MERCATOR_HALF) > 1.0 or abs(top - _WEB_MERCATOR_HALF) > 1.0:
        return None
    exact = math.log2(_ZOOM0_SCALE / matrix.scaledenominator)
    zoom = round(exact)
    if zoom < 0 or zoom > 30 or abs(_ZOOM0_SCALE / 2 ** zoom / matrix.scaledenominator - 1) > 1e-3:
        return None
    return zoom


def _wmts_layer(layer, matrix_sets: dict[str, TileMatrixSetInfo], provider: Attribution | None) -> LayerInfo:
    linked = tuple(layer.tilematrixsetlinks)
    usable = tuple(s for s in linked if s in matrix_sets and matrix_sets[s].web_mercator)
    crs = tuple(dict.fromkeys(matrix_sets[s].crs for s in linked if s in matrix_sets))
    default_style = None
    for identifier, style in layer.styles.items():
        if style.get("isDefault"):
            default_style = identifier
            break
    if default_style is None and layer.styles:
        default_style = next(iter(layer.styles))
    resource_urls = tuple((r["format"].strip(), r["template"].strip()) for r in layer.resourceURLs
                          if r.get("resourceType", "").strip() == "tile")
    formats = tuple(dict.fromkeys([f.strip() for f in layer.formats if f] + [f for f, _ in resource_urls]))
    limits = {s: tuple(link.tilematrixlimits) for s, link in layer.tilematrixsetlinks.items()
              if link.tilematrixlimits}
    dimensions = {identifier: (dim.get("default") or "").strip() for identifier, dim in layer.dimensions.items()}
    return LayerInfo(
        name=layer.id,
        title=_text(layer.title) or layer.id,
        abstract=_text(layer.abstract),
        # WMTS has no per-layer attribution; the service provider stands in.
        attribution=provider,
        crs=crs,
        web_mercator=bool(usable),
        formats=formats,
        styles=tuple(layer.styles),
        default_style=default_style,
        bbox_wgs84=_wgs84_box(getattr(layer, "boundingBoxWGS84", None)),
        tile_matrix_sets=linked,
        web_mercator_matrix_sets=usable,
        resource_urls=resource_urls,
        dimensions=dimensions,
        matrix_limits=limits,
    )


# --------------------------------------------------------------------------- tile layers

def tile_layer_for(capabilities: Capabilities, layer_name: str, *, style: str | None = None,
                   format: str | None = None) -> TileLayerSpec:  # "format" as in OGC requests
    """Describe how Leaflet draws `layer_name` from this service.

    Parameters
    ----------
    capabilities : Capabilities
        From `read_capabilities`.
    layer_name : str
        The layer's WMS name or WMTS identifier.
    style : str, optional
        A style the layer offers; default: the server's default style.
    format : str, optional
        An image format the service offers; default: PNG if offered, else
        the first format a browser can draw.

    Returns
    -------
    TileLayerSpec

    Raises
    ------
    GeoInputError
        If the layer is unknown, offers no Web Mercator (EPSG:3857) CRS or
        tiling, the style or format is not offered, or the document gives
        no usable address for map images or tiles.
    """
    layer = capabilities.layer(layer_name)
    if capabilities.kind == "wms":
        return _wms_spec(capabilities, layer, style, format)
    return _wmts_spec(capabilities, layer, style, format)


def _pick_format(layer: LayerInfo, offered: tuple[str, ...], wanted: str | None) -> str:
    if wanted is not None:
        if wanted not in offered:
            raise GeoInputError(N_('The service does not offer the format "{format}" for layer "{name}".'),
                                format=wanted, name=layer.name)
        if wanted.lower() not in _BROWSER_FORMATS:
            raise GeoInputError(N_('Web browsers cannot show the format "{format}"; choose PNG or JPEG.'),
                                format=wanted)
        return wanted
    lowered = {f.lower(): f for f in offered}
    for candidate in _BROWSER_FORMATS:
        if candidate in lowered:
            return lowered[candidate]
    raise GeoInputError(N_('Layer "{name}" is offered only in formats web browsers cannot show: {formats}.'),
                        name=layer.name, formats=", ".join(offered) or "-")


def _pick_style(layer: LayerInfo, wanted: str | None) -> str | None:
    if wanted is None or wanted == "":
        return layer.default_style
    if wanted not in layer.styles:
        raise GeoInputError(N_('Layer "{name}" has no style "{style}".'), name=layer.name, style=wanted)
    return wanted


def _wms_spec(caps: Capabilities, layer: LayerInfo, style: str | None, format: str | None) -> TileLayerSpec:
    if not layer.web_mercator:
        raise GeoInputError(N_('Layer "{name}" is not offered in Web Mercator (EPSG:3857), which the web map '
                               'needs; it is offered in: {crs}.'),
                            name=layer.name, crs=", ".join(layer.crs) or "-")
    if caps.getmap_url is None:
        raise GeoInputError(N_("The service does not give an http(s) address for map images (GetMap)."))
    chosen_format = _pick_format(layer, caps.getmap_formats, format)
    chosen_style = _pick_style(layer, style)
    params: dict[str, str | bool] = {
        "layers": layer.name,
        "styles": chosen_style or "",
        "format": chosen_format,
        "transparent": "jpeg" not in chosen_format.lower(),
        "version": caps.version,
    }
    min_zoom, max_zoom = _zooms_from_scales(layer.min_scale_denominator, layer.max_scale_denominator)
    return TileLayerSpec(kind="wms", layer=layer.name, title=layer.title, url_template=caps.getmap_url,
                         params=params, crs="EPSG:3857", attribution=layer.attribution or caps.provider,
                         min_zoom=min_zoom, max_zoom=max_zoom, bbox_wgs84=layer.bbox_wgs84)


def _zooms_from_scales(min_scale: float | None, max_scale: float | None) -> tuple[int | None, int | None]:
    # A layer is drawn while MinScaleDenominator <= scale <= MaxScaleDenominator;
    # zoom z has the scale _ZOOM0_SCALE / 2**z in Web Mercator.
    min_zoom = max_zoom = None
    if max_scale is not None:
        min_zoom = max(0, math.ceil(math.log2(_ZOOM0_SCALE / max_scale) - 1e-9))
    if min_scale is not None:
        max_zoom = max(0, math.floor(math.log2(_ZOOM0_SCALE / min_scale) + 1e-9))
    return min_zoom, max_zoom


def _wmts_spec(caps: Capabilities, layer: LayerInfo, style: str | None, format: str | None) -> TileLayerSpec:
    if not layer.web_mercator:
        raise GeoInputError(N_('Layer "{name}" has no tile matrix set that fits the web map (Web Mercator with '
                               '256-pixel tiles numbered by zoom level); its tile matrix sets are: {sets}.'),
                            name=layer.name, sets=", ".join(layer.tile_matrix_sets) or "-")
    # Of the usable sets, prefer the one going deepest.
    sets = [caps.tile_matrix_sets[s] for s in layer.web_mercator_matrix_sets]
    zoom_lists = {s.identifier: _layer_zooms(layer, s) for s in sets}
    matrix_set = max(sets, key=lambda s: max(zoom_lists[s.identifier], default=-1))
    zooms = zoom_lists[matrix_set.identifier]
    chosen_style = _pick_style(layer, style) or ""
    if layer.resource_urls:
        chosen_format = _pick_format(layer, tuple(f for f, _ in layer.resource_urls), format)
        template = next(t for f, t in layer.resource_urls if f == chosen_format)
        url = _restful_template(layer, template, chosen_style, matrix_set)
    elif caps.gettile_url is not None:
        chosen_format = _pick_format(layer, layer.formats, format)
        url = _kvp_template(caps.gettile_url, layer, chosen_style, matrix_set, chosen_format)
    else:
        raise GeoInputError(N_("The service gives neither a tile URL template nor an http(s) address for "
                               "tiles (GetTile)."))
    return TileLayerSpec(kind="wmts", layer=layer.name, title=layer.title, url_template=url,
                         attribution=layer.attribution or caps.provider,
                         min_zoom=min(zooms, default=None), max_zoom=max(zooms, default=None),
                         bbox_wgs84=layer.bbox_wgs84)


def _layer_zooms(layer: LayerInfo, matrix_set: TileMatrixSetInfo) -> list[int]:
    limits = layer.matrix_limits.get(matrix_set.identifier)
    if limits:
        return sorted(matrix_set.zooms[m] for m in limits if m in matrix_set.zooms)
    return sorted(matrix_set.zooms.values())


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Characters that may stay unescaped in a URL path segment.
_PATH_SAFE = "-._~!$&'()*+,;=:@"


def _restful_template(layer: LayerInfo, template: str, style: str, matrix_set: TileMatrixSetInfo) -> str:
    if _http_url(template.replace("{", "").replace("}", "")) is None:
        raise GeoInputError(N_('The tile URL template of layer "{name}" is not an http(s) address.'),
                            name=layer.name)
    dimensions = {key.lower(): value for key, value in layer.dimensions.items()}
    prefix = quote(matrix_set.zoom_prefix or "", safe=_PATH_SAFE)

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1).strip().lower()
        if key == "tilematrix":
            return prefix + "{z}"
        if key == "tilerow":
            return "{y}"
        if key == "tilecol":
            return "{x}"
        if key == "style":
            return quote(style, safe=_PATH_SAFE)
        if key == "tilematrixset":
            return quote(matrix_set.identifier, safe=_PATH_SAFE)
        if key in dimensions and dimensions[key]:
            return quote(dimensions[key], safe=_PATH_SAFE)
        raise GeoInputError(N_('The tile URL template of layer "{name}" uses the unknown placeholder '
                               '{placeholder}.'), name=layer.name, placeholder=match.group(0))

    url = _PLACEHOLDER.sub(substitute, template)
    # Leaflet would read any stray brace as a placeholder of its own.
    if re.sub(r"\{[xyz]\}", "", url).count("{") or re.sub(r"\{[xyz]\}", "", url).count("}"):
        raise GeoInputError(N_('The tile URL template of layer "{name}" uses the unknown placeholder '
                               '{placeholder}.'), name=layer.name, placeholder="{")
    return url


def _kvp_template(base: str, layer: LayerInfo, style: str, matrix_set: TileMatrixSetInfo, fmt: str) -> str:
    parts = urlsplit(base)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _KVP_TILE_KEYS]
    fixed = kept + [("SERVICE", "WMTS"), ("REQUEST", "GetTile"), ("VERSION", "1.0.0"), ("LAYER", layer.name),
                    ("STYLE", style), ("TILEMATRIXSET", matrix_set.identifier), ("FORMAT", fmt)]
    for key, value in layer.dimensions.items():
        if value:
            fixed.append((key.upper(), value))
    query = urlencode(fixed, quote_via=quote)
    # The placeholders are appended unescaped so Leaflet can fill them in.
    query += "&TILEMATRIX=" + quote(matrix_set.zoom_prefix or "", safe="") + "{z}&TILEROW={y}&TILECOL={x}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


_KVP_TILE_KEYS = frozenset({"service", "request", "version", "layer", "style", "tilematrixset", "tilematrix",
                            "tilerow", "tilecol", "format"})


# --------------------------------------------------------------------------- capabilities URL

_VERSIONS: dict[str, tuple[str, ...]] = {"wms": ("1.3.0", "1.1.1"), "wmts": ("1.0.0",)}


def capabilities_url(service_url: str, kind: Kind) -> str:
    """Build the GetCapabilities address from what a GIS person pasted.

    Existing query parameters (e.g. MapServer's ``map=``) are kept;
    ``SERVICE``, ``REQUEST`` and ``VERSION`` are set whatever their case.
    A WMS version of 1.1.1 or 1.3.0 already in the address is kept, any
    other becomes 1.3.0. An address ending in ``.xml`` (a RESTful WMTS
    ``WMTSCapabilities.xml``) is returned without added parameters.

    Parameters
    ----------
    service_url : str
        The pasted service address or GetCapabilities URL.
    kind : {"wms", "wmts"}
        The service type.

    Returns
    -------
    str
        An http(s) URL without credentials or fragment.

    Raises
    ------
    GeoInputError
        If the address is empty, not http(s), carries a user name or
        password, or is malformed.
    """
    if kind not in _VERSIONS:
        raise ValueError(f"kind must be 'wms' or 'wmts', not {kind!r}")
    text = (service_url or "").strip()
    if not text:
        raise GeoInputError(N_("Enter the address of the map service."))
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise GeoInputError(N_("The service address is not a valid web address."))
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise GeoInputError(N_("The service address must start with http:// or https://."))
    if "@" in parts.netloc:
        raise GeoInputError(N_("The service address must not contain a user name or password."))
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1:
        raise GeoInputError(N_("The service address is not a valid web address."))
    path = parts.path or "/"
    query = parse_qsl(parts.query, keep_blank_values=True)
    if path.lower().endswith(".xml"):
        return urlunsplit((scheme, parts.netloc.lower(), path, parts.query, ""))
    given_version = next((v.strip() for k, v in query if k.lower() == "version"), None)
    version = given_version if given_version in _VERSIONS[kind] else _VERSIONS[kind][0]
    kept = [(k, v) for k, v in query if k.lower() not in ("service", "request", "version")]
    kept += [("SERVICE", kind.upper()), ("REQUEST", "GetCapabilities"), ("VERSION", version)]
    return urlunsplit((scheme, parts.netloc.lower(), path, urlencode(kept), ""))


# --------------------------------------------------------------------------- helpers

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
