"""Security headers on every response, a per-request CSP nonce, the host names the app answers to."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g
from werkzeug.exceptions import SecurityError

from participation import config as settings


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def basemap_origin() -> str:
    """The origin of the configured basemap, the only other host a page may load from."""
    parts = urlsplit(current_app.config["BASEMAP_URL"])
    if parts.scheme in ("http", "https") and parts.netloc:
        # Tile URLs may use {s} subdomains; allow them with a wildcard.
        host = parts.netloc.replace("{s}.", "*.")
        return f"{parts.scheme}://{host}"
    return ""


def allow_images_from(origin: str) -> None:
    """Let this response's page load images from `origin` (an external WMS/WMTS layer on its map).

    `origin` must be ``scheme://host[:port]`` as checked when the service was registered.
    """
    g.setdefault("csp_image_origins", set()).add(origin)


def content_security_policy() -> str:
    nonce = csp_nonce()
    tiles = " ".join([basemap_origin(), *sorted(g.get("csp_image_origins", ()))])
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        f"img-src 'self' data: {tiles}".strip(),
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=()"
    response.headers.setdefault("Cache-Control", "no-store" if response.mimetype == "text/html" else "no-cache")
    return response


def _unknown_host(error: SecurityError):
    # Plain text: without a trusted host there is no address to build a page's links from.
    return "Unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    # A request for any other Host is refused (400) before a view sees it.
    app.config["TRUSTED_HOSTS"] = settings.trusted_hosts(app.config)
    app.register_error_handler(SecurityError, _unknown_host)
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
