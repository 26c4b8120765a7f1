"""Deleting a project or statute takes its comments' photo and scan rows by cascade; the files follow
once the deletion is committed (they hold people's pictures, names and signatures)."""
from __future__ import annotations

from participation.comments.models import Comment, CommentAttachment
from participation.comments import photos
from participation.extensions import db
from participation.images import clean_image
from participation.intake import attachments
from participation.statutes import services as statutes
from participation.statutes.models import Statute
from tests.photos.images import jpeg_with_gps


def test_deleting_a_draft_statute_removes_the_files_of_its_comments(app, create_statute, create_user):
    statute = create_statute(published=False)
    planner = create_user(role="planner", towns=[statute.municipality])
    with app.app_context():
        comment = Comment(statute_id=statute.id, text="Vor der Veröffentlichung erfasst")
        db.session.add(comment)
        db.session.flush()
        [photo] = photos.attach_photos(comment, [clean_image(jpeg_with_gps(), photos.limits())])
        folder = attachments.folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "scan-test.pdf").write_bytes(b"%PDF-1.4 scan")
        db.session.add(CommentAttachment(comment_id=comment.id, filename="brief.pdf", stored_name="scan-test.pdf",
                                         media_type="application/pdf", size=13))
        db.session.commit()
        files = [photos.photo_path(photo), photos.thumbnail_path(photo), folder / "scan-test.pdf"]
        assert all(path.exists() for path in files)

        statutes.delete_draft(db.session.get(Statute, statute.id), planner)
        db.session.rollback()  # a deletion that is not committed leaves the files
        assert all(path.exists() for path in files)

        statutes.delete_draft(db.session.get(Statute, statute.id), planner)
        db.session.commit()
        assert not any(path.exists() for path in files)
        assert db.session.get(Statute, statute.id) is None
