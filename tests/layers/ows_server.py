"""A real HTTP server on 127.0.0.1 that plays a map service: stored documents, redirects, stalls, floods."""
from __future__ import annotations

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

DATA = Path(__file__).resolve().parents[1] / "data" / "ows"

Route = Callable[["_Handler"], None]


def doc(name: str) -> bytes:
    return (DATA / name).read_bytes()


class OwsServer:
    """Routes by path (the query is ignored); records every request it gets.

    Handlers that stall wait on `released`, which `stop` sets, so no thread
    outlives the test.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[dict] = []
        #: Bytes of body each streaming route managed to send, by path.
        self.sent: dict[str, int] = {}
        self.released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = False  # joined in stop()
        self._server.owner = self
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [urlsplit(r["path"]).path for r in self.requests]

    def start(self) -> "OwsServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # ---- routes

    def document(self, path: str, body: bytes, content_type: str = "text/xml; charset=utf-8",
                 status: int = 200) -> None:
        def route(handler: _Handler) -> None:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        self.routes[path] = route

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        def route(handler: _Handler) -> None:
            handler.send_response(status)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        self.routes[path] = route

    def flood(self, path: str, total: int, declared: int | None = None) -> None:
        """Send `total` bytes of a never-ending XML comment, without Content-Length unless `declared`."""
        def route(handler: _Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/xml")
            if declared is not None:
                handler.send_header("Content-Length", str(declared))
            handler.end_headers()
            self.sent[path] = 0
            chunk = b"<!--" + b"x" * (64 * 1024 - 4)
            try:
                while self.sent[path] < total and not self.released.is_set():
                    handler.wfile.write(chunk)
                    self.sent[path] += len(chunk)
            except OSError:
                pass  # the client stopped reading and closed
        self.routes[path] = route

    def stall(self, path: str) -> None:
        """Accept the request and never answer."""
        self.routes[path] = lambda handler: self.released.wait(30)

    def drip(self, path: str, interval: float = 0.05) -> None:
        """Answer with headers, then one byte of body every `interval` seconds."""
        def route(handler: _Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/xml")
            handler.end_headers()
            try:
                handler.wfile.write(b"<")
                while not self.released.wait(interval):
                    handler.wfile.write(b" ")
            except OSError:
                pass
        self.routes[path] = route


class _Handler(BaseHTTPRequestHandler):
    server_version = "TestOWS/1.0"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        owner: OwsServer = self.server.owner
        owner.requests.append({"path": self.path, "headers": dict(self.headers), "time": time.monotonic()})
        route = owner.routes.get(urlsplit(self.path).path)
        if route is None:
            self.send_error(404)
            return
        route(self)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the signature http.server uses)
        pass
