"""The GetCapabilities address built from what a GIS person pasted."""
from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from geo.errors import GeoInputError, N_
from geo.ows.model import Kind


_VERSIONS: dict[str, tuple[str, ...]] = {"wms": ("1.3.0", "1.1.1"), "wmts": ("1.0.0",)}


def split_http_url(url: str) -> SplitResult:
    """Split a pasted service address, refusing what no service address may be.

    Raises
    ------
    GeoInputError
        If it is empty or has spaces or control characters, is not http(s),
        or carries a user name or password. The port is left to the caller.
    """
    text = url.strip() if isinstance(url, str) else ""
    if not text or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise GeoInputError(N_("The service address is not a valid web address."))
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise GeoInputError(N_("The service address must start with http:// or https://."))
    if "@" in parts.netloc:
        raise GeoInputError(N_("The service address must not contain a user name or password."))
    return parts


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
    if not (service_url or "").strip():
        raise GeoInputError(N_("Enter the address of the map service."))
    parts = split_http_url(service_url)
    scheme = parts.scheme.lower()
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
