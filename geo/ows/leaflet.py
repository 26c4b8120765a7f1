"""From a capabilities layer to what Leaflet needs: a tile URL template or WMS parameters."""
from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from geo.errors import GeoInputError, N_
from geo.ows.model import Capabilities, LayerInfo, TileLayerSpec, TileMatrixSetInfo, _BROWSER_FORMATS, _ZOOM0_SCALE, _http_url


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
