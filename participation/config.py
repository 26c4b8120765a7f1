"""Configuration read from the environment.

Every setting has a safe default for the embedded (SQLite) mode; production
overrides them through environment variables documented in `.env.example`.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"
DEV_SECRET_KEY = "dev-only-secret-key-change-me"


def _get(name: str, default: str) -> str:
    """The variable's value; an empty value (as in a copied .env.example) counts as unset."""
    return os.environ.get(name) or default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_env() -> dict:
    """Return the configuration mapping for `create_app` from `os.environ`."""
    instance = Path(_get("INSTANCE_PATH", str(DEFAULT_INSTANCE)))
    redis_url = _get("REDIS_URL", "")
    return {
        "ENV_NAME": _get("APP_ENV", "development"),
        "SECRET_KEY": _get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": _get(
            "DATABASE_URL", f"sqlite:///{instance / 'participation.sqlite'}"
        ),
        "INSTANCE_PATH": str(instance),
        "MAIL_SERVER": _get("MAIL_SERVER", ""),
        "MAIL_PORT": int(_get("MAIL_PORT", "25")),
        "MAIL_USE_STARTTLS": _bool("MAIL_USE_STARTTLS", False),
        "MAIL_USERNAME": _get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": _get("MAIL_PASSWORD", ""),
        "MAIL_SENDER": _get("MAIL_SENDER", "beteiligung@localhost"),
        "BASEMAP_URL": _get("BASEMAP_URL", "/basemap/{z}/{x}/{y}.png"),
        "BASEMAP_ATTRIBUTION": _get(
            "BASEMAP_ATTRIBUTION", "Offline-Hintergrund (kein Kartendienst konfiguriert)"
        ),
        "TIME_ZONE": _get("TIME_ZONE", "Europe/Berlin"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        #: The site's canonical address; every absolute link (in mails) is built from it, never
        #: from the request's Host. Required in production; empty means http://localhost.
        "BASE_URL": _get("BASE_URL", "").rstrip("/"),
        #: Host names the app answers to (comma-separated); empty means BASE_URL's host.
        "TRUSTED_HOSTS": [h.strip() for h in _get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None,
        #: How long "stay logged in" lasts, in days in the environment.
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(_get("REMEMBER_COOKIE_DURATION", "14"))),
        #: Optional; when set it stores rate limits, caches map data and queues jobs.
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": _get("RATELIMIT_STORAGE_URI", redis_url or "memory://"),
        #: Empty means INSTANCE_PATH/uploads.
        "UPLOAD_FOLDER": _get("UPLOAD_FOLDER", ""),
        #: How long browsers and the reverse proxy may keep map data whose address names no version (and
        #: the current version's number), in seconds: the longest anyone sees an old pin after a change.
        "MAP_DATA_MAX_AGE": int(_get("MAP_DATA_MAX_AGE", "10")),
        #: How long an export's download link lives; then the worker deletes its file.
        "EXPORT_RETENTION_HOURS": int(_get("EXPORT_RETENTION_HOURS", "48")),
        #: The towns' own PDF templates (<slug>/report.html …); empty means INSTANCE_PATH/report-templates.
        "REPORT_TEMPLATES": _get("REPORT_TEMPLATES", ""),
        #: A running job whose heartbeat is older than this lost its worker.
        "JOB_STALE_SECONDS": int(_get("JOB_STALE_SECONDS", "60")),
        #: How often a worker looks for such jobs.
        "JOB_REAP_SECONDS": float(_get("JOB_REAP_SECONDS", "15")),
        #: Trust this many proxies for X-Forwarded-For/-Proto (0 when not behind a proxy).
        "PROXY_COUNT": int(_get("PROXY_COUNT", "0")),
        #: A published layer with more features than this is drawn from vector tiles, not GeoJSON.
        #: bench/layer_tiles.py (parcels of 8 vertices with two popup attributes, 2 cores) measured the
        #: whole layer as GeoJSON at zoom 14: 5 000 features 1.8 MB (0.4 MB gzipped), built in 0.3–0.5 s
        #: once per version, drawn by Leaflet in Chromium in 0.5–0.6 s; 10 000: 3.6 MB, 1.2 s and 1.1 s;
        #: 20 000: 7.2 MB, 1.8 s and 1.3–3.5 s. Phones are slower still, so past 5 000 the map loads tiles.
        "LAYER_VECTOR_TILE_THRESHOLD": int(_get("LAYER_VECTOR_TILE_THRESHOLD", "5000")),
        #: …and so is one with more vertices in all (features of many vertices make large documents:
        #: GeoJSON costs about 40 bytes per vertex, so 50 000 vertices are about 2 MB, as 5 000 parcels above).
        "LAYER_VECTOR_TILE_MAX_VERTICES": int(_get("LAYER_VECTOR_TILE_MAX_VERTICES", "50000")),
        #: The public GeoJSON of a layer is refused (422) past this many vertices (about 8 MB); tiles serve it.
        "LAYER_GEOJSON_MAX_VERTICES": int(_get("LAYER_GEOJSON_MAX_VERTICES", "200000")),
        #: Browser uploads neither published nor discarded are removed after this many hours.
        "LAYER_UPLOAD_KEEP_HOURS": float(_get("LAYER_UPLOAD_KEEP_HOURS", "72")),
        #: How often a worker removes them (seconds); without a worker: ``flask layers clean-uploads``.
        "LAYER_UPLOAD_CLEAN_SECONDS": float(_get("LAYER_UPLOAD_CLEAN_SECONDS", "3600")),
        #: Seconds for fetching a WMS/WMTS capabilities document, redirects included.
        "OWS_FETCH_TIMEOUT_SECONDS": float(_get("OWS_FETCH_TIMEOUT_SECONDS", "10")),
        #: Let the GIS team register map services on loopback or private-network
        #: addresses (tests, a service inside the operator's network). Off: only public hosts.
        "OWS_ALLOW_PRIVATE_HOSTS": _bool("OWS_ALLOW_PRIVATE_HOSTS", False),
        "OPERATOR_NAME": _get("OPERATOR_NAME", "Zweckverband Beispiel"),
        "OPERATOR_ADDRESS": _get("OPERATOR_ADDRESS", "Musterstraße 1, 12345 Musterstadt"),
        "OPERATOR_EMAIL": _get("OPERATOR_EMAIL", "beteiligung@localhost"),
        "ACCESSIBILITY_CONTACT": _get("ACCESSIBILITY_CONTACT", "barrierefreiheit@localhost"),
    }


#: Values that do not depend on the environment.
STATIC = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "BABEL_DEFAULT_LOCALE": "de",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
    "LANGUAGES": {"de": "Deutsch", "en": "English"},
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    #: GIS uploads only (geo.layers.Limits checks the same bound again).
    "LAYER_UPLOAD_MAX_BYTES": 200 * 1024 * 1024,
    #: A statute's documents (plan PDF, justification, scans): a scanned plan is 10–40 MB.
    "STATUTE_DOCUMENT_MAX_BYTES": 50 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "RATELIMIT_HEADERS_ENABLED": True,
    # With Redis down, count in memory rather than refuse every request.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    "COMMENT_MAX_LENGTH": 2000,
    #: Photos on a comment (participation/images.py): each file at most this large and with at most this
    #: many pixels (checked before decoding; 40 million is more than a 12–24 megapixel phone camera makes
    #: and about 160 MB while decoded), stored at most PHOTO_MAX_EDGE pixels on its longer side.
    "PHOTOS_PER_COMMENT": 3,
    "PHOTO_MAX_BYTES": 10 * 1024 * 1024,
    "PHOTO_MAX_PIXELS": 40_000_000,
    "PHOTO_MAX_EDGE": 2048,
    "PHOTO_THUMB_EDGE": 400,
    "API_MAX_FEATURES": 5000,
    #: Hot spots (geo.hotspots, DBSCAN): at least this many comments, each within this distance of the next.
    "HOTSPOT_DISTANCE_METRES": 50,
    "HOTSPOT_MIN_COMMENTS": 5,
    "CONFIRM_TOKEN_MAX_AGE": 3 * 24 * 3600,
    "RESET_TOKEN_MAX_AGE": 2 * 3600,
    "INVITE_TOKEN_MAX_AGE": 7 * 24 * 3600,
    #: Failed logins for one account from one address; the owner elsewhere is not affected.
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per minute;20 per hour",
    #: Failed logins from one address, whatever the account.
    "LOGIN_LIMIT_PER_ADDRESS": "20 per minute;100 per hour",
    #: What one account may write (comments, replies, supports and reports together; the form and
    #: the API alike). Only what was written counts, not refused input.
    "WRITE_LIMIT_PER_ACCOUNT": "10 per minute;100 per hour",
    #: What one address may write, whatever the account (a workshop on one network stays possible).
    "WRITE_LIMIT_PER_ADDRESS": "30 per minute;300 per hour",
    "JOB_TIMEOUT_SECONDS": 3600,
    #: A project description renders (Markdown) within this many seconds when it is saved, or is refused.
    "DESCRIPTION_RENDER_SECONDS": 2.0,
    #: Repairing and merging a project area (GEOS) stops after this many seconds.
    "AREA_PARSE_SECONDS": 5.0,
}


def check_production(config: dict) -> None:
    """Refuse to run in production with settings that are only fit for a demo."""
    if config.get("ENV_NAME") != "production":
        return
    problems = []
    if config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
        problems.append("SECRET_KEY must be set to a long random value")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE must be true (serve over HTTPS)")
    if urlsplit(config.get("BASE_URL") or "").scheme != "https":
        problems.append("BASE_URL must be set to the site's https:// address (links in mails are built from it)")
    if problems:
        raise RuntimeError("Refusing to start in production: " + "; ".join(problems))


def base_url(config) -> str:
    """The canonical address, e.g. ``https://beteiligung.example.org`` (no trailing slash)."""
    return config.get("BASE_URL") or "http://localhost"


def trusted_hosts(config) -> list[str] | None:
    """The host names to accept: TRUSTED_HOSTS, else BASE_URL's host, else any (development)."""
    if config.get("TRUSTED_HOSTS"):
        return list(config["TRUSTED_HOSTS"])
    host = urlsplit(config.get("BASE_URL") or "").hostname
    return [host] if host else None
