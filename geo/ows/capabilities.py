"""Reading WMS 1.1.1/1.3.0 and WMTS 1.0.0 capabilities safely (size bound, no entities, hardened lxml, then OWSLib)."""
from __future__ import annotations

import math
import re
from xml.parsers import expat

from lxml import etree

from geo.errors import GeoInputError, N_
from geo.ows.model import Attribution, Capabilities, Kind, LayerInfo, MAX_CAPABILITIES_BYTES, TileMatrixSetInfo, _WEB_MERCATOR_CODES, _WEB_MERCATOR_HALF, _WMS_NS, _WMTS_NS, _ZOOM0_SCALE, _epsg_code, _http_url, _text, _wgs84_box


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
