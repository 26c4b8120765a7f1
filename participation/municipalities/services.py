"""Creating municipalities and their logos."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from participation.extensions import db
from participation.municipalities.models import Municipality

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
#: Path segments the app uses itself; a town cannot take them.
RESERVED = {"api", "konto", "static", "basemap", "impressum", "datenschutz", "barrierefreiheit",
            "language", "healthz", "readyz", "auftraege"}
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def logo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "logos"


def create_municipality(slug: str, name: str) -> Municipality:
    """Create a municipality; raises ValueError for a bad or taken slug."""
    if not SLUG.match(slug) or slug in RESERVED:
        raise ValueError(f"invalid slug {slug!r}: lower-case letters, digits and hyphens, not a reserved word")
    if db.session.scalar(select(Municipality.id).where(Municipality.slug == slug)) is not None:
        raise ValueError(f"a municipality with slug {slug!r} exists already")
    town = Municipality(slug=slug, name=name.strip())
    db.session.add(town)
    db.session.flush()
    current_app.logger.info("Municipality %s created", slug)
    return town


def set_logo(town: Municipality, source: str | Path) -> None:
    """Copy an SVG or PNG logo into the upload folder and attach it."""
    source = Path(source)
    suffix = source.suffix.lower()
    if suffix not in LOGO_TYPES:
        raise ValueError("the logo must be an .svg or .png file")
    folder = logo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{town.slug}{suffix}"
    shutil.copyfile(source, target)
    town.logo_filename = target.name
