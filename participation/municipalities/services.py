"""Creating municipalities and their logos."""
from __future__ import annotations

import re
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from participation.extensions import db
from participation.municipalities.models import Municipality

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
#: Path segments the app uses itself; a town cannot take them.
#: First path segments no town may take beyond the app's own routes (`reserved_segments`): words
#: that would read as a part of the site rather than a town.
RESERVED = frozenset({"api", "konto", "static", "basemap", "impressum", "datenschutz", "barrierefreiheit",
                      "language", "healthz", "readyz", "auftraege", "tiles", "gis", "admin", "verwaltung"})
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def reserved_segments() -> frozenset[str]:
    """Path segments a town slug cannot be: the first segment of every fixed route of the app
    (``flask routes``) and `RESERVED`."""
    fixed = set()
    for rule in current_app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            fixed.add(first.lower())
    return frozenset(fixed | RESERVED)


def logo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "logos"


def create_municipality(slug: str, name: str) -> Municipality:
    """Create a municipality; raises ValueError for a bad or taken slug."""
    if not SLUG.match(slug) or slug in reserved_segments():
        raise ValueError(f"invalid slug {slug!r}: lower-case letters, digits and hyphens, not a reserved word")
    if db.session.scalar(select(Municipality.id).where(Municipality.slug == slug)) is not None:
        raise ValueError(f"a municipality with slug {slug!r} exists already")
    town = Municipality(slug=slug, name=name.strip())
    db.session.add(town)
    db.session.flush()
    current_app.logger.info("Municipality %s created", slug)
    return town


def logo_suffix(data: bytes) -> str | None:
    """'.png' or '.svg' by content (not by file name), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (head.startswith(b"<svg") or head.startswith(b"<?xml")) and b"<svg" in head:
        return ".svg"
    return None


def set_logo(town: Municipality, data: bytes) -> None:
    """Store an SVG or PNG logo in the upload folder (shared by all app servers)."""
    suffix = logo_suffix(data)
    if suffix is None:
        raise ValueError("the logo must be an SVG or PNG file")
    folder = logo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{town.slug}{suffix}"
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(target)  # atomic: another server never serves half a file
    for old in folder.glob(f"{town.slug}.*"):
        if old != target and old.suffix in LOGO_TYPES:
            old.unlink()
    town.logo_filename = target.name
    current_app.logger.info("Logo of %s replaced", town.slug)


def update_town(town: Municipality, name: str, logo: bytes | None, editor) -> Municipality:
    town.name = name.strip()
    if logo:
        set_logo(town, logo)
    current_app.logger.info("User %s updated the settings of %s", editor.id, town.slug)
    return town
