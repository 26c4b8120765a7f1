"""Photos on a comment: checked and encoded again (participation.images), stored, served, removed.

A resident attaches up to PHOTOS_PER_COMMENT photos to a top-level comment. Each is decoded and
written again as a JPEG without any metadata, with a thumbnail; the uploaded name is never used
for the file. The files live under ``UPLOAD_FOLDER/photos/`` with random names. They are written
only once every photo of the comment has passed, and go again if the transaction rolls back; a
comment's photos are shown only to those who may see the comment (`can_view_photos`), so they go
through moderation with it.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from participation.comments.models import Comment, CommentPhoto, Visibility
from participation.comments.permissions import can_moderate
from participation.comments.subjects import can_view_subject, of_subject
from participation.database.after_commit import after_commit
from participation.extensions import db
from participation.projects.models import Project
from participation.statutes.models import Statute
from participation.images import CleanImage, ImageRefused, Limits, clean_image, fit_within
from participation.web.i18n import translated
from participation.web.text import strip_bidi_controls

#: Files written in the current transaction, removed if it rolls back.
_WRITTEN = "comment_photo_files"


class PhotosRefused(ValueError):
    """One or more photos are not taken; `messages` says why, translated, one per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


def limits() -> Limits:
    config = current_app.config
    return Limits(max_bytes=int(config["PHOTO_MAX_BYTES"]), max_pixels=int(config["PHOTO_MAX_PIXELS"]),
                  max_edge=int(config["PHOTO_MAX_EDGE"]), thumb_edge=int(config["PHOTO_THUMB_EDGE"]))


def max_photos() -> int:
    return int(current_app.config["PHOTOS_PER_COMMENT"])


def request_limit() -> int:
    """The largest request body a comment with photos needs: the photos and room for the text."""
    return max_photos() * int(current_app.config["PHOTO_MAX_BYTES"]) + 2**20


def photo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "photos"


def photo_path(photo: CommentPhoto) -> Path:
    return photo_folder() / photo.stored_name


def thumbnail_path(photo: CommentPhoto) -> Path:
    return photo_folder() / photo.thumbnail_name


def thumbnail_size(photo: CommentPhoto) -> tuple[int, int]:
    """The thumbnail's width and height (for the img tag), as `clean_image` made it."""
    return fit_within(photo.width, photo.height, int(current_app.config["PHOTO_THUMB_EDGE"]))


def uploads(files: Iterable[FileStorage] | None) -> list[FileStorage]:
    """The files actually chosen: a browser sends an empty part for a file input left empty."""
    return [f for f in files or () if isinstance(f, FileStorage) and (f.filename or f.content_length)]


def _shown_name(upload: FileStorage) -> str:
    """The uploaded name as a person recognises it in a message: its last part, no bidi controls, short."""
    name = strip_bidi_controls(upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:60] + ("…" if len(name) > 60 else "") or _("without a name")


def check_uploads(files: Iterable[FileStorage] | None) -> list[CleanImage]:
    """The chosen photos checked and encoded again, in their order; nothing is written.

    Raises
    ------
    PhotosRefused
        With one message per refused photo (or one about their number), for the person to fix all at once.
    """
    chosen = uploads(files)
    if len(chosen) > max_photos():
        raise PhotosRefused([_("You can attach at most {max} photos; you chose {count}.").format(
            max=max_photos(), count=len(chosen))])
    bounds, cleaned, problems = limits(), [], []
    for upload in chosen:
        data = upload.stream.read(bounds.max_bytes + 1)
        try:
            cleaned.append(clean_image(data, bounds))
        except ImageRefused as refused:
            problems.append(_("Photo “{name}”: {problem}").format(
                name=_shown_name(upload), problem=translated(refused.message, refused.params)))
    if problems:
        raise PhotosRefused(problems)
    return cleaned


def attach_photos(comment: Comment, images: list[CleanImage]) -> list[CommentPhoto]:
    """Write the photos' files and add them to the comment; the caller commits.

    The files are removed again if the transaction rolls back (a failed commit included).
    """
    if not images:
        return []
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    added = []
    for position, image in enumerate(images):
        token = secrets.token_hex(16)
        stored, thumbnail = f"{token}.jpg", f"{token}-vorschau.jpg"
        _write(folder / stored, image.data)
        _write(folder / thumbnail, image.thumbnail)
        photo = CommentPhoto(position=position, stored_name=stored, thumbnail_name=thumbnail,
                             media_type=image.media_type, width=image.width, height=image.height,
                             size=len(image.data))
        comment.photos.append(photo)
        added.append(photo)
    db.session.flush()
    current_app.logger.info("Comment %s got %d photo(s)", comment.id, len(added))
    return added


def _write(path: Path, data: bytes) -> None:
    # Remembered before writing: a half-written file goes with a rollback too.
    db.session.info.setdefault(_WRITTEN, []).append(path)
    partial = path.with_suffix(".part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def discard_photos(comment: Comment) -> None:
    """Remove the comment's photos: their rows now, their files once the transaction commits."""
    paths = [p for photo in comment.photos for p in (photo_path(photo), thumbnail_path(photo))]
    if not paths:
        return
    comment.photos.clear()
    after_commit(lambda: [path.unlink(missing_ok=True) for path in paths], key=("comment-photos", comment.id))


@event.listens_for(Project, "before_delete")
@event.listens_for(Statute, "before_delete")
def _discard_subject_photos(mapper, connection, subject) -> None:
    """A project or statute being deleted takes its comments' photo rows with it (cascade); their files
    go once the deletion is committed."""
    rows = connection.execute(select(CommentPhoto.stored_name, CommentPhoto.thumbnail_name)
                              .join(Comment, CommentPhoto.comment_id == Comment.id).where(of_subject(subject))).all()
    paths = [photo_folder() / name for row in rows for name in row]
    if paths:
        after_commit(lambda: [path.unlink(missing_ok=True) for path in paths], key=("subject-photos", id(subject)))


@event.listens_for(Session, "after_rollback")
def _forget_written_files(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_written_files(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_WRITTEN, None)


def can_view_photos(user, comment: Comment) -> bool:
    """Who may open the photos of a comment: everybody who sees its project or statute once it is
    published; while it waits for approval its author and the town's planners; once a moderator
    hid it the planners only. Deleted by its author: nobody (its photos are gone)."""
    if comment.deleted_at is not None or not can_view_subject(user, comment.subject):
        return False
    if comment.visibility is Visibility.PUBLISHED:
        return True
    if can_moderate(user, comment.subject):
        return True
    return (comment.visibility is Visibility.PENDING and getattr(user, "is_authenticated", False)
            and comment.author_id == user.id)
