"""Documents published with a statute: plan PDFs, justification, environmental report, scans.

Only PDF and PNG/JPEG/TIFF images are taken, recognised by their content (the first bytes), not by the
name. Office files (ODT, DOCX) are not: they are zip containers that may carry macros and need a
parser of their own to check, browsers cannot show them, and statutes are announced as PDF anyway.

A PDF must be complete (an ``%%EOF`` at its end) and is refused when it is encrypted or names
JavaScript, launch actions, embedded files, rich media or XFA forms anywhere — in its objects and in
its compressed object streams (see `check_pdf`). Files are kept under
``UPLOAD_FOLDER/statute-documents/`` with a random name and their SHA-256.
"""
from __future__ import annotations

import hashlib
import math
import re
import secrets
import unicodedata
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from flask import current_app, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from geo.errors import N_
from participation.database.after_commit import after_commit
from participation.extensions import db
from participation.statutes.models import DocumentKind, Statute, StatuteDocument
from participation.web.text import strip_bidi_controls


#: media type → (what a person reads, file name suffix), in the order of the checks.
MEDIA_TYPES = {
    "application/pdf": ("PDF", ".pdf"),
    "image/png": ("PNG", ".png"),
    "image/jpeg": ("JPEG", ".jpg"),
    "image/tiff": ("TIFF", ".tif"),
}
#: Browsers draw these on a map (L.imageOverlay); a TIFF must be converted first.
OVERLAY_TYPES = {"image/png", "image/jpeg"}
_KNOWN_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}

#: PDF names refused anywhere in the file: scripts, actions that start programs or open other files,
#: embedded files, Flash/3D rich media, XFA forms (which carry scripts).
FORBIDDEN_PDF_NAMES = ("JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA")
#: Decompressed object streams are read up to this many bytes in all; past it the PDF is refused.
PDF_INFLATE_LIMIT = 256 * 2**20


def _name_pattern(names: Iterable[str]) -> re.Pattern:
    """A PDF name among `names`, each character written plainly or as ``#xx`` (PDF 1.2 escapes, either
    case of hex digit), ending where a name ends."""
    def one(name: str) -> bytes:
        return b"".join(
            b"(?:" + re.escape(c.encode()) + b"|#" + "".join(f"[{d}{d.upper()}]" for d in f"{ord(c):02x}").encode() + b")"
            for c in name
        )
    alternatives = b"|".join(one(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(b"/(" + alternatives + rb")(?![^\s/<>\[\]()%{}])")


_FORBIDDEN = _name_pattern(FORBIDDEN_PDF_NAMES)
_ENCRYPT = _name_pattern(["Encrypt"])
_OBJSTM = _name_pattern(["ObjStm"])
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
#: Files stored in the current transaction, removed if it rolls back.
_STORED = "statute_document_files"


class DocumentRefused(ValueError):
    """A file that is not taken; `message` is an English msgid, `params` its values."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


def max_bytes() -> int:
    return int(current_app.config["STATUTE_DOCUMENT_MAX_BYTES"])


def document_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "statute-documents"


def document_path(document: StatuteDocument) -> Path:
    return document_folder() / document.stored_name


def media_type_of(head: bytes) -> str | None:
    """The media type of a file by its first bytes, among the accepted ones, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # TIFF and BigTIFF
        return "image/tiff"
    return None


def check_pdf(data: bytes) -> None:
    """Raise DocumentRefused for a PDF that is cut off, encrypted, or names scripts or actions.

    The names are looked for in the file as stored and in its compressed object streams (where
    PDF 1.5+ keeps most objects), so an action cannot hide in a compressed stream; ``#xx``-escaped
    names are found too.
    """
    if b"%%EOF" not in data[-2048:]:
        raise DocumentRefused(N_("The PDF is incomplete (it has no end marker). Please save or export it again."))
    if _ENCRYPT.search(data):
        raise DocumentRefused(N_("The PDF is encrypted or protected. Please upload it without a password or "
                                 "copy protection, so that everyone can read it, with screen readers too."))
    _refuse_forbidden(data)
    budget = PDF_INFLATE_LIMIT
    view = memoryview(data)  # slices without copies: a file may have thousands of streams
    for match in _STREAM.finditer(data):
        start = match.end()
        head = data[max(0, match.start() - 1024):match.start()]
        head = head[head.rfind(b" obj") + 1:] if b" obj" in head else head
        if not _OBJSTM.search(head):
            continue  # page contents and images hold no dictionaries
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(view[start:], budget + 1)
        except zlib.error:
            raise DocumentRefused(N_("The PDF could not be checked (an unusual compression). Please export it "
                                     "again, e.g. as PDF/A.")) from None
        budget -= len(inflated)
        if budget < 0:
            raise DocumentRefused(N_("The PDF could not be checked (its compressed parts are too large). Please "
                                     "export it again, e.g. as PDF/A."))
        _refuse_forbidden(inflated)


def _refuse_forbidden(data: bytes) -> None:
    if match := _FORBIDDEN.search(data):
        name = re.sub(rb"#([0-9a-fA-F]{2})", lambda m: bytes([int(m[1], 16)]), match[1]).decode("latin-1")
        raise DocumentRefused(N_("The PDF contains “{name}” (scripts, actions that start programs, embedded files "
                                 "or interactive forms), which is not allowed. Please export it again without "
                                 "them, e.g. as PDF/A."), name=name)


def clean_filename(name: str, media_type: str) -> str:
    """A file name for the download: the last part of `name`, without control or bidi characters,
    path or shell specials, at most 120 characters, with the suffix of its real type."""
    name = unicodedata.normalize("NFC", strip_bidi_controls(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"[^\w.() +-]", "_", name).strip(" ._")
    stem, suffix = (name.rsplit(".", 1) + [""])[:2] if "." in name else (name, "")
    if "." + suffix.lower() not in _KNOWN_SUFFIXES and suffix:
        stem = f"{stem}.{suffix}"
    stem = re.sub(r"[ _]{2,}", "_", stem).strip(" ._")[:120] or "dokument"
    return stem + MEDIA_TYPES[media_type][1]


def clean_bounds(bounds) -> list[float]:
    """[west, south, east, north] in EPSG:4326, checked; raises DocumentRefused."""
    try:
        west, south, east, north = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise DocumentRefused(N_("The position of the image on the map must be four numbers: west, south, east, "
                                 "north.")) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
            -180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise DocumentRefused(N_("The position of the image on the map is not a box in longitude and latitude."))
    return [west, south, east, north]


def _copy(source: bytes | Path | BinaryIO, target: Path, limit: int) -> tuple[int, str]:
    """Write `source` to `target`, counting and hashing; DocumentRefused past `limit` bytes."""
    digest, size = hashlib.sha256(), 0
    if isinstance(source, bytes):
        chunks: Iterable[bytes] = [source]
    else:
        stream = source.open("rb") if isinstance(source, Path) else source
        chunks = iter(lambda: stream.read(2**20), b"")
    try:
        with target.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise DocumentRefused(N_("The file is larger than {max}. Please reduce it (e.g. a lower "
                                             "resolution for scans) or split it."), max=format_size(limit))
                digest.update(chunk)
                out.write(chunk)
    finally:
        if isinstance(source, Path):
            stream.close()
    return size, digest.hexdigest()


def store_document(statute: Statute, kind: DocumentKind, title: str, filename: str,
                   data_or_path: bytes | Path | BinaryIO, user, overlay_bounds=None) -> StatuteDocument:
    """Check a file and add it to the statute's documents; the caller commits.

    `data_or_path` is the content, a file path or a readable binary stream. `overlay_bounds`
    ([west, south, east, north], EPSG:4326) puts a PNG or JPEG plan on the statute's map.
    Raises DocumentRefused (nothing kept) for a file too large, of another type, an unsafe PDF,
    or bounds that are no box. The one entry for the upload page and the XPlanGML import.
    """
    if overlay_bounds is not None:
        overlay_bounds = clean_bounds(overlay_bounds)
    folder = document_folder()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    partial = folder / f"{token}.part"
    try:
        size, sha256 = _copy(data_or_path, partial, max_bytes())
        if size == 0:
            raise DocumentRefused(N_("The file is empty."))
        with partial.open("rb") as stored:
            media_type = media_type_of(stored.read(16))
        if media_type is None:
            raise DocumentRefused(N_("The file is not a PDF, PNG, JPEG or TIFF file (checked by its content, not "
                                     "its name)."))
        if media_type == "application/pdf":
            check_pdf(partial.read_bytes())
        if overlay_bounds is not None and media_type not in OVERLAY_TYPES:
            raise DocumentRefused(N_("Only a PNG or JPEG image can be shown on the map; convert the plan first."))
        stored_name = token + MEDIA_TYPES[media_type][1]
        partial.replace(folder / stored_name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    document = StatuteDocument(
        statute=statute, kind=DocumentKind(kind), title=(strip_bidi_controls(title) or "").strip()[:300] or filename,
        filename=clean_filename(filename, media_type), stored_name=stored_name, media_type=media_type, size=size,
        sha256=sha256, overlay_bounds=overlay_bounds, uploaded_by_id=getattr(user, "id", None),
        position=max((d.position for d in statute.documents if d is not None), default=-1) + 1,
    )
    # A rolled-back transaction leaves no row; the file would stay unnamed, so it goes with the rollback.
    _remove_on_rollback(folder / stored_name)
    db.session.add(document)
    db.session.flush()
    current_app.logger.info("User %s added document %s (%s, %d bytes) to statute %s", getattr(user, "id", None),
                            document.id, media_type, size, statute.id)
    return document


def _remove_on_rollback(path: Path) -> None:
    db.session.info.setdefault(_STORED, []).append(path)


@event.listens_for(Session, "after_rollback")
def _forget_stored_files(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for path in session.info.pop(_STORED, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_stored_files(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_STORED, None)


def remove_document(document: StatuteDocument, user) -> None:
    """Remove a document; its file goes once the removal is committed. The caller commits."""
    path = document_path(document)
    current_app.logger.info("User %s removed document %s of statute %s", getattr(user, "id", None), document.id,
                            document.statute_id)
    db.session.delete(document)
    after_commit(lambda: path.unlink(missing_ok=True), key=("statute-document", str(path)))


def discard_files(statute: Statute) -> None:
    """Remove the files of all the statute's documents once the transaction commits (a statute
    being deleted: the rows go with it by cascade, the files do not)."""
    paths = [document_path(d) for d in statute.documents]
    after_commit(lambda: [p.unlink(missing_ok=True) for p in paths], key=("statute-documents", statute.id))


def format_size(size: int) -> str:
    """"340 KB", "1,2 MB" in the reader's language."""
    if size < 2**20:
        return _("{number} KB").format(number=format_decimal(max(1, round(size / 1024))))
    return _("{number} MB").format(number=format_decimal(round(size / 2**20, 1), format="#,##0.0"))


def type_label(document: StatuteDocument) -> str:
    return MEDIA_TYPES.get(document.media_type, ("", ""))[0]


def document_url(document: StatuteDocument, **kwargs) -> str:
    statute = document.statute
    return url_for("statute_documents.serve", slug=statute.municipality.slug, statute_id=statute.id,
                   document_id=document.id, filename=document.filename, **kwargs)


def overlays(statute: Statute) -> list[dict]:
    """The georeferenced plan images of the statute, for the map script: url, bounds
    [[south, west], [north, east]] as Leaflet takes them, and title."""
    return [
        {"id": d.id, "url": document_url(d), "title": d.title,
         "bounds": [[d.overlay_bounds[1], d.overlay_bounds[0]], [d.overlay_bounds[3], d.overlay_bounds[2]]]}
        for d in statute.documents
        if d.overlay_bounds and d.media_type in OVERLAY_TYPES
    ]

