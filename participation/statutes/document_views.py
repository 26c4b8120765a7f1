"""A statute's documents: the planners' page to upload and remove them, and serving them."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from participation.extensions import db
from participation.loaders import get_by_id, get_visible_statute
from participation.statutes import documents
from participation.statutes.labels import DOCUMENT_KIND_LABELS
from participation.statutes.models import DocumentKind, Statute, StatuteDocument
from participation.statutes.permissions import can_edit_statute
from participation.web.i18n import translated
from participation.web.text import strip_bidi_controls

bp = Blueprint("statute_documents", __name__)

#: Room for the form's other fields beside the file in a request.
_FORM_OVERHEAD = 2**20


@bp.url_value_preprocessor
def _allow_document_sized_bodies(endpoint: str | None, values: dict | None) -> None:
    # Raised before the CSRF check reads the form (see layers/uploads/views.py); a file a little over
    # the limit still reaches the view and gets a clear message, a far larger one the 413 page.
    if endpoint == "statute_documents.manage":
        request.max_content_length = documents.max_bytes() + _FORM_OVERHEAD


def kind_choices():
    return [(kind.value, label) for kind, label in DOCUMENT_KIND_LABELS.items()]


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Kind of document"), choices=kind_choices, default=DocumentKind.JUSTIFICATION.value)
    title = StringField(_l("Title"), filters=[strip_bidi_controls], validators=[DataRequired(), Length(max=300)],
                        description=_l("As residents read it in the list, e.g. “Begründung zum Bebauungsplan”."))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("PDF, or a scanned plan as PNG, JPEG or TIFF."))


def _document(statute: Statute, document_id: int) -> StatuteDocument:
    document = get_by_id(StatuteDocument, document_id)
    if document is None or document.statute_id != statute.id:
        abort(404)
    return document


@bp.route("/<slug>/satzungen/<int:statute_id>/dokumente", methods=["GET", "POST"])
@login_required
def manage(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            document = documents.store_document(statute, DocumentKind(form.kind.data), form.title.data,
                                                upload.filename or "", upload.stream, current_user)
        except documents.DocumentRefused as refused:
            form.file.errors = [translated(refused.message, refused.params)]
        else:
            db.session.commit()
            flash(_("“{title}” has been added.").format(title=document.title), "success")
            return redirect(url_for("statute_documents.manage", slug=slug, statute_id=statute.id))
    return render_template("statutes/documents.html", town=statute.municipality, statute=statute, form=form,
                           listing=_listing(statute), max_size=documents.format_size(documents.max_bytes())
                           ), (400 if form.errors else 200)


@bp.post("/<slug>/satzungen/<int:statute_id>/dokumente/<int:document_id>/entfernen")
@login_required
def remove(slug: str, statute_id: int, document_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    document = _document(statute, document_id)
    title = document.title
    documents.remove_document(document, current_user)
    db.session.commit()
    flash(_("“{title}” has been removed.").format(title=title), "success")
    return redirect(url_for("statute_documents.manage", slug=slug, statute_id=statute.id))


@bp.get("/<slug>/satzungen/<int:statute_id>/dokumente/<int:document_id>/<filename>")
def serve(slug: str, statute_id: int, document_id: int, filename: str):
    statute = get_visible_statute(slug, statute_id)
    document = _document(statute, document_id)
    if filename != document.filename:
        return redirect(documents.document_url(document), 301)
    path = documents.document_path(document)
    if not path.is_file():
        current_app.logger.error("The file of document %s (%s) is missing", document.id, document.stored_name)
        abort(404)
    response = send_file(path, mimetype=document.media_type, conditional=True, etag=document.sha256,
                         last_modified=document.updated_at)
    # TIFF is no format browsers show; the others open in the browser's viewer.
    disposition = "attachment" if document.media_type == "image/tiff" else "inline"
    fallback = document.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(document.filename, safe='')}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Nothing in a document may run or load anything. Images get `sandbox` too; PDFs cannot: Chromium
    # refuses to start its PDF viewer in a sandboxed document (no sandbox flag re-enables it), and its
    # viewer needs inline styles. A PDF's own scripts and actions are refused on upload (check_pdf).
    policy = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'"
    if document.media_type != "application/pdf":
        policy += "; sandbox"
    response.headers["Content-Security-Policy"] = policy
    # Revalidated every time (ETag): a statute taken back from publication takes its documents along.
    response.headers["Cache-Control"] = ("public" if statute.is_published else "private") + ", no-cache"
    return response


def _listing(statute: Statute) -> list[dict]:
    return [
        {"document": d, "url": documents.document_url(d), "kind": DOCUMENT_KIND_LABELS[d.kind],
         "type": documents.type_label(d), "size": documents.format_size(d.size), "on_map": bool(d.overlay_bounds)}
        for d in statute.documents
    ]


@bp.app_template_global()
def statute_documents(statute: Statute) -> dict:
    """What templates/statutes/_documents.html shows: the documents, the plan images for the map,
    and whether the person may manage them."""
    return {
        "listing": _listing(statute),
        "overlays": documents.overlays(statute),
        "can_edit": can_edit_statute(current_user, statute),
        "manage_url": url_for("statute_documents.manage", slug=statute.municipality.slug, statute_id=statute.id),
    }
