"""Fetching a document from an address a person typed, without letting the address reach inside.

Used for map services' capabilities today (`participation.layers.sources`);
meant for every server-side fetch of a user-given address (OpenID discovery,
address services). The address must not become a way to read internal
services (cloud metadata at 169.254.169.254, an admin page on localhost, a
database on 10.x). The host is resolved once, every address it resolves to
is checked, and the connection goes to the checked address itself (the Host
header and TLS server name still carry the host name), so a DNS answer that
changes between check and connect gains nothing. Redirects are followed by
hand, each hop checked the same way. One deadline covers the whole fetch,
and the body is read in chunks and abandoned as soon as it passes the size
limit.

Only the standard library is used (``requests`` is not a runtime
dependency); ``http.client`` never reads proxy settings from the
environment, so no proxy is used either. No Flask: callers pass the limits.
"""
from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin

from geo.errors import GeoInputError, N_
from geo.ows.urls import split_http_url

_log = logging.getLogger(__name__)

MAX_REDIRECTS = 3
#: Largest body read unless the caller says otherwise.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "Beteiligungspool/0.1"
_CHUNK = 64 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: IPv6 prefix of NAT64 gateways, which reach the IPv4 address in the last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: Letters IDNA 2003 maps differently from browsers (UTS 46 non-transitional).
_IDNA_DEVIATIONS = frozenset("ßς\u200c\u200d")
#: Characters left as they are when a redirect target is made ASCII-safe.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


class FetchFailed(GeoInputError):
    """No document came: the address was refused, not found or not reached, no answer
    came in time, or the document was too large.

    Asking the same host for another document (e.g. WMTS after WMS) will not help.
    """


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES, allow_private: bool = False) -> bytes:
    """GET `url` and return the body if it is a plausible XML document.

    Parameters
    ----------
    url : str
        An http(s) address without credentials.
    timeout : float
        Seconds for the whole fetch, redirects and reading included.
    max_bytes : int
        Largest body read; a longer one is abandoned after ``max_bytes + 1`` bytes.
    allow_private : bool
        Allow hosts in loopback, private, link-local and other non-public
        networks (for tests, or a service inside the operator's own network).

    Raises
    ------
    FetchFailed
        The address is refused or cannot be resolved or reached, no answer
        came in time, or the document is too large.
    GeoInputError
        The service answered with an error status, too many redirects, or
        something that is not an XML document (e.g. a web page).
    """
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        target = _Target.parse(url)
        addresses = checked_addresses(target.host, target.port, allow_private=allow_private)
        answer = _get(target, addresses, deadline, timeout, max_bytes)
        if answer.status in _REDIRECT_STATUSES:
            if not answer.location:
                raise GeoInputError(N_("The service answered with a redirect (HTTP {status}) but gave no new "
                                       "address."), status=answer.status)
            url = urljoin(url, answer.location.strip())
            continue
        _check_answer(answer)
        return answer.body
    raise GeoInputError(N_("The service redirected more than {limit} times; use the final address instead."),
                        limit=MAX_REDIRECTS)


# --------------------------------------------------------------------------- addresses

def is_public_address(address: str) -> bool:
    """Whether `address` (an IPv4 or IPv6 literal) is a public unicast address.

    Loopback, private, shared (CGNAT), link-local, multicast, reserved,
    unspecified and documentation ranges are not, nor IPv6 addresses that
    carry one of those IPv4 addresses (IPv4-mapped, NAT64, 6to4, Teredo).
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = []
        if ip.ipv4_mapped is not None:
            embedded.append(ip.ipv4_mapped)
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.append(ip.teredo[1])
        if any(not _public(v4) for v4 in embedded):
            return False
        if ip.ipv4_mapped is not None:
            return True
    return _public(ip)


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # is_global alone lets multicast through, and which ranges it covers has
    # changed between Python releases; name every property that matters.
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified or getattr(ip, "is_site_local", False))


def checked_addresses(host: str, port: int, *, allow_private: bool = False) -> list[str]:
    """Resolve `host` and return its addresses, refusing any that is not public.

    A host with even one internal address is refused: connecting only to its
    public ones would hide a misconfiguration or an attack.

    Raises
    ------
    FetchFailed
        If the host cannot be resolved or has a non-public address (unless
        `allow_private`).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise FetchFailed(N_('The host "{host}" could not be found. Check the address.'), host=host) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchFailed(N_('The host "{host}" could not be found. Check the address.'), host=host)
    if not allow_private and not all(is_public_address(a) for a in addresses):
        _log.warning("Refused map service host %s: it resolves to %s", host, ", ".join(addresses))
        # The address itself is not shown: it would reveal the internal network's names.
        raise FetchFailed(N_('The host "{host}" is in a private or local network. Only public map '
                                    'services can be used.'), host=host)
    return addresses


def ascii_host(host: str) -> str | None:
    """`host` lower-case in ASCII (IDNA), or None if browsers might encode it differently.

    Python's codec follows IDNA 2003, which turns "ß" into "ss"; browsers keep
    it (``xn--…``). Fetching or allowing the other name would mean another host.
    """
    host = host.lower()
    if host.isascii():
        return host
    if any(ch in _IDNA_DEVIATIONS for ch in host):
        return None
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


# --------------------------------------------------------------------------- HTTP

@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    #: Path and query, ASCII only, as sent in the request line.
    path: str

    @classmethod
    def parse(cls, url: str) -> "_Target":
        parts = split_http_url(url)
        scheme = parts.scheme.lower()
        try:
            port = parts.port
        except ValueError:
            raise GeoInputError(N_("The service address is not a valid web address.")) from None
        host = ascii_host(parts.hostname or "")
        if not host:
            raise GeoInputError(N_("The service address is not a valid web address."))
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return cls(scheme, host, port or (443 if scheme == "https" else 80), quote(path, safe=_URL_SAFE))


@dataclass(frozen=True)
class _Answer:
    status: int
    location: str | None
    content_type: str
    body: bytes


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address, cut by a watchdog at the deadline.

    Socket timeouts bound each read, not the whole answer: a server sending
    a byte every few seconds would never trip them. The watchdog shuts the
    socket down when the deadline passes, which ends any blocked read.
    """

    def __init__(self, host: str, port: int, address: str, deadline: float) -> None:
        super().__init__(host, port, timeout=_remaining(deadline))
        self._address = address
        self._deadline = deadline
        self._watchdog: threading.Timer | None = None
        #: The socket the watchdog cuts; the response keeps using it after
        #: http.client hands the connection over and sets `sock` to None.
        self._live: socket.socket | None = None
        self.expired = False

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), timeout=_remaining(self._deadline))
        self.sock = self._live = sock
        self._watchdog = threading.Timer(_remaining(self._deadline), self._expire)
        self._watchdog.daemon = True
        self._watchdog.start()
        return sock

    def connect(self) -> None:
        self._open()

    def _expire(self) -> None:
        self.expired = True
        if self._live is not None:
            try:
                # The plain socket's shutdown, also for TLS: it leaves the TLS
                # object alone, which the reading thread is still using.
                socket.socket.shutdown(self._live, socket.SHUT_RDWR)
            except OSError:
                pass

    def dispose(self) -> None:
        """Close the connection and stop the watchdog."""
        if self._watchdog is not None:
            self._watchdog.cancel()
        self.close()
        self._live = None


class _PinnedTLSConnection(_PinnedConnection):
    default_port = 443

    def connect(self) -> None:
        sock = self._open()
        # Certificate and server name are checked against the host name, not the address.
        self.sock = self._live = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _get(target: _Target, addresses: list[str], deadline: float, timeout: float, max_bytes: int) -> _Answer:
    connection_class = _PinnedTLSConnection if target.scheme == "https" else _PinnedConnection
    failure: OSError | None = None
    for address in addresses:
        try:
            connection = _connect(connection_class, target, address, deadline)
        except ssl.SSLCertVerificationError as exc:
            raise FetchFailed(N_('The secure connection to "{host}" failed: its certificate is not valid '
                                        '({reason}).'), host=target.host, reason=exc.verify_message or "-") from None
        except ssl.SSLError:
            raise FetchFailed(N_('A secure connection to "{host}" could not be established.'),
                                     host=target.host) from None
        except TimeoutError:
            raise _timed_out(target, timeout) from None
        except OSError as exc:
            # Refused or unroutable: the host may have another address that works.
            failure = exc
            continue
        try:
            return _exchange(connection, target, max_bytes)
        except (OSError, http.client.HTTPException) as exc:
            if connection.expired or isinstance(exc, TimeoutError):
                raise _timed_out(target, timeout) from None
            raise FetchFailed(N_('The service at "{host}" broke off the connection or did not answer with '
                                        'valid HTTP.'), host=target.host) from None
        finally:
            connection.dispose()
    _log.info("Capabilities host %s unreachable: %s", target.host, failure)
    raise FetchFailed(N_('The service at "{host}" could not be reached.'), host=target.host)


def _connect(connection_class: type[_PinnedConnection], target: _Target, address: str,
             deadline: float) -> _PinnedConnection:
    connection = connection_class(target.host, target.port, address, deadline)
    try:
        connection.connect()
    except BaseException:
        connection.dispose()
        raise
    return connection


def _timed_out(target: _Target, timeout: float) -> FetchFailed:
    return FetchFailed(N_('The service at "{host}" did not answer within {seconds} seconds.'),
                              host=target.host, seconds=f"{timeout:g}")


def _exchange(connection: _PinnedConnection, target: _Target, max_bytes: int) -> _Answer:
    connection.request("GET", target.path, headers={
        "User-Agent": USER_AGENT,
        "Accept": "application/xml, text/xml;q=0.9, */*;q=0.1",
        "Connection": "close",
    })
    # With "Connection: close" the socket belongs to the response, which must be closed itself.
    with connection.getresponse() as response:
        return _read(connection, response, max_bytes)


def _read(connection: _PinnedConnection, response: http.client.HTTPResponse, max_bytes: int) -> _Answer:
    status = response.status
    content_type = (response.getheader("Content-Type") or "").strip()
    if status in _REDIRECT_STATUSES:
        return _Answer(status, response.getheader("Location"), content_type, b"")
    if status != 200:
        return _Answer(status, None, content_type, b"")
    too_big = FetchFailed(N_("The capabilities document is larger than {limit} MB and was not read."),
                          limit=round(max_bytes / (1024 * 1024), 1))
    declared = (response.getheader("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks, size = [], 0
    while True:
        chunk = response.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise too_big
    if connection.expired:
        raise TimeoutError
    if declared.isdigit() and size < int(declared):
        # http.client returns what came when reading in chunks; a body cut short is an error.
        raise http.client.IncompleteRead(b"", int(declared) - size)
    return _Answer(status, None, content_type, b"".join(chunks))


def _check_answer(answer: _Answer) -> None:
    if answer.status in (401, 403):
        raise GeoInputError(N_("The service requires a login (HTTP {status}). Only open map services can be "
                               "used."), status=answer.status)
    if answer.status == 404:
        raise GeoInputError(N_("There is no service at this address (HTTP 404). Check the address."))
    if answer.status != 200:
        raise GeoInputError(N_("The service answered with HTTP status {status} instead of its capabilities."),
                            status=answer.status)
    body = answer.body
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    html_type = answer.content_type.lower().startswith(("text/html", "application/xhtml"))
    if head.startswith((b"<!doctype html", b"<html")) or (html_type and not head.startswith(b"<?xml")):
        raise GeoInputError(N_("The address leads to a web page, not to the capabilities of a map service. "
                               "Enter the address of the WMS or WMTS itself."))
    # UTF-16 and UTF-32 documents start with a byte order mark; everything else with "<".
    if not head.startswith(b"<") and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GeoInputError(N_("The service did not answer with an XML document (content type: {type})."),
                            type=answer.content_type or "-")
