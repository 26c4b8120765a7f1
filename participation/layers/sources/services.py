"""Registering a layer of an external map service (WMS/WMTS).

The capabilities document is fetched by `participation.safe_http` and read
by `geo.ows`; the layer stores the capabilities address, the chosen layer
and the `geo.ows.TileLayerSpec` as JSON in `Layer.service`. How such a layer
is drawn is `participation.layers.sources.ows`.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from flask import current_app

from geo.errors import GeoInputError, N_
from geo.ows import MAX_CAPABILITIES_BYTES, Capabilities, Kind, TileLayerSpec, capabilities_url, read_capabilities, tile_layer_for
from participation.extensions import db
from participation import safe_http
from participation.layers.models import Layer, LayerKind
from participation.layers.sources.ows import DEFAULT_PORTS, tile_origin
from participation.municipalities.models import Municipality


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
        address, the fetch (`safe_http.FetchFailed`) or the document.
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
            document = fetch_capabilities(address)
            return ServiceDocument(address, read_capabilities(document, kind))
        except safe_http.FetchFailed:
            raise
        except GeoInputError as error:
            first_error = first_error or error
    assert first_error is not None  # noqa: S101 - the loop above ran at least once
    raise first_error


def fetch_capabilities(url: str) -> bytes:
    """Fetch a capabilities document with the app's deadline and private-host setting."""
    config = current_app.config
    return safe_http.fetch(url, timeout=float(config["OWS_FETCH_TIMEOUT_SECONDS"]), max_bytes=MAX_CAPABILITIES_BYTES,
                           allow_private=bool(config["OWS_ALLOW_PRIVATE_HOSTS"]))


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
        safe_http.checked_addresses(tiles.hostname or "", tiles.port or DEFAULT_PORTS[tiles.scheme.lower()])
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
