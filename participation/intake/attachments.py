"""Scans of letters and workshop notes entered with a comment on someone's behalf.

They hold personal data (a name, an address, a signature): only the town's planners open them
(`views.attachment`), always as a download. Only PDF, PNG and JPEG are taken, recognised by their
first bytes, not by the name; a PDF is checked like a statute's documents (`statutes.documents.check_pdf`:
no scripts, launch actions, embedded files, no encryption). Files are kept under
``UPLOAD_FOLDER/intake/`` with a random name and their SHA-256.

A file is checked first (`check_upload`, kept as ``<token>.part``) and only named for good when its
comment is saved (`attach`); a refused form discards it (`discard`), and a transaction that rolls back
takes the file along, so that no file outlives a row that was never written.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from geo.errors import N_
from participation.comments.models import Comment, CommentAttachment
from participation.comments.subjects import of_subject
from participation.database.after_commit import after_commit
from participation.extensions import db
from participation.projects.models import Project
from participation.statutes.models import Statute
from participation.statutes.documents import DocumentRefused, check_pdf, clean_filename, format_size, media_type_of

#: What a scan may be; a TIFF (as statutes take) is left out: browsers do not show it and scanners
#: write PDF or JPEG anyway.
MEDIA_TYPES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
DEFAULT_MAX_BYTES = 20 * 2**20
#: Files named for good in the current transaction, removed if it rolls back.
_STORED = "intake_attachment_files"


class AttachmentRefused(DocumentRefused):
    """A file that is not taken; `message` is an English msgid, `params` its values."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, waiting under its temporary name for its comment."""

    partial: Path
    token: str
    filename: str
    media_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(current_app.config["INTAKE_ATTACHMENT_MAX_BYTES"])


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "intake"


def attachment_path(attachment: CommentAttachment) -> Path:
    return folder() / attachment.stored_name


def check_upload(stream: BinaryIO, filename: str) -> CheckedFile:
    """Copy an uploaded scan to a temporary file and check it; raises AttachmentRefused (nothing kept)
    for an empty file, one too large, of another type (by content) or an unsafe PDF."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    partial = target / f"{token}.part"
    limit = max_bytes()
    digest, size = hashlib.sha256(), 0
    try:
        with partial.open("wb") as out:
            for chunk in iter(lambda: stream.read(2**20), b""):
                size += len(chunk)
                if size > limit:
                    raise AttachmentRefused(N_("The file is larger than {max}. Please scan it at a lower "
                                               "resolution or split it."), max=format_size(limit))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise AttachmentRefused(N_("The file is empty."))
        with partial.open("rb") as stored:
            media_type = media_type_of(stored.read(16))  # the statute documents' sniffing; TIFF is not taken here
        if media_type not in MEDIA_TYPES:
            raise AttachmentRefused(N_("The scan must be a PDF, JPEG or PNG file (checked by its content, not its "
                                       "name)."))
        if media_type == "application/pdf":
            try:
                check_pdf(partial.read_bytes())
            except DocumentRefused as refused:
                raise AttachmentRefused(refused.message, **refused.params) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return CheckedFile(partial, token, clean_filename(filename, media_type), media_type, size, digest.hexdigest())


def discard(checked: CheckedFile | None) -> None:
    """Remove a checked file whose form was refused."""
    if checked is not None:
        checked.partial.unlink(missing_ok=True)


def attach(comment: Comment, checked: CheckedFile) -> CommentAttachment:
    """Name the checked file for good and add it to `comment`; the caller commits (a rollback removes it)."""
    stored_name = checked.token + MEDIA_TYPES[checked.media_type]
    path = folder() / stored_name
    checked.partial.replace(path)
    db.session.info.setdefault(_STORED, []).append(path)
    attachment = CommentAttachment(filename=checked.filename, stored_name=stored_name,
                                   media_type=checked.media_type, size=checked.size, sha256=checked.sha256)
    comment.attachments.append(attachment)
    db.session.flush()
    current_app.logger.info("Attachment %s (%s, %d bytes) added to comment %s", attachment.id, checked.media_type,
                            checked.size, comment.id)
    return attachment


@event.listens_for(Project, "before_delete")
@event.listens_for(Statute, "before_delete")
def _discard_subject_files(mapper, connection, subject) -> None:
    """A project or statute being deleted takes its comments' attachment rows with it (cascade); the
    scans, which hold personal data, go once the deletion is committed."""
    names = connection.execute(select(CommentAttachment.stored_name)
                               .join(Comment, CommentAttachment.comment_id == Comment.id)
                               .where(of_subject(subject))).scalars().all()
    paths = [folder() / name for name in names]
    if paths:
        after_commit(lambda: [path.unlink(missing_ok=True) for path in paths], key=("subject-scans", id(subject)))


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
