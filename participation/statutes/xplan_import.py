"""Importing an XPlanGML plan: one statute with its area, dates, plan layers, text, documents and raster plan.

`import_xplan` reads a ``.gml`` file or an XPlanArchiv (``geo.xplan.reader.read_plan``) and creates
or updates ONE statute of the town: the plan's gml:id names it (`Statute.xplan_id`), else its kind
and number. Every class of plan objects becomes a vector layer of the town on the statute's map,
styled after the XPlanung colours, with the main rules in words ("Festsetzungen") and the raw codes
kept; importing the plan again adds new versions to the same layers. All or nothing: on any refusal
the caller rolls back, and files are written only when the transaction commits.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from geo.errors import GeoInputError, N_
from geo.layers import Limits
from geo.xplan.model import XPlan
from geo.xplan.reader import read_plan
from participation.accounts.models import User
from participation.extensions import db
from participation.jobs.models import Job
from participation.jobs.registry import JobFailed
from participation.jobs.services import enqueue
from participation.layers.services import clean_filename
from participation.municipalities.models import Municipality
from participation.projects.areas import AreaOutsideBoundary, AreaSizeUnconfirmed, check_area
from participation.statutes.documents import DocumentRefused, store_document
from participation.statutes.models import (DocumentKind, LegalStatus, PeriodKind, Statute, StatuteKind,
                                           StatutePeriod)
from participation.statutes.periods import earliest_display_end
from participation.statutes.permissions import can_edit_statute
from participation.statutes.services import publish_statute, refresh_search_text
from participation.statutes.xplan_layers import ImportedClass, store_layers
from participation.statutes.text import ParagraphDraft, SectionDraft, TextInvalid, parse_text, replace_text

#: The job type that runs an import in the background (`xplan_views.run_import`).
IMPORT_JOB = "xplan_import"
#: What the upload page takes: an XPlanGML file or an XPlanArchiv.
UPLOAD_SUFFIXES = (".gml", ".xml", ".zip")
#: The reader's kinds of referenced files as document kinds (a scan of the plan is the plan).
DOCUMENT_KINDS = {
    "plan": DocumentKind.PLAN, "scan": DocumentKind.PLAN, "justification": DocumentKind.JUSTIFICATION,
    "environmental_report": DocumentKind.ENVIRONMENTAL_REPORT, "legal_text": DocumentKind.LEGAL_TEXT,
    "other": DocumentKind.OTHER,
}
#: Plan images a browser draws on the map (the others are kept as documents only).
OVERLAY_SUFFIXES = (".png", ".jpg", ".jpeg")
#: The reader's kinds (`geo.xplan.model.KINDS`) as statute kinds.
KINDS = {
    "bebauungsplan": StatuteKind.BEBAUUNGSPLAN,
    "vorhabenbezogener_bebauungsplan": StatuteKind.VORHABENBEZOGEN,
    "fnp_aenderung": StatuteKind.FNP_AENDERUNG,
    "erhaltungssatzung": StatuteKind.ERHALTUNGSSATZUNG,
    "gestaltungssatzung": StatuteKind.GESTALTUNGSSATZUNG,
    "veraenderungssperre": StatuteKind.VERAENDERUNGSSPERRE,
    "other": StatuteKind.OTHER,
}
#: The statute dates the plan may carry (XPlan.dates keys), in the order of the procedure.
DATE_FIELDS = ("planning_decision_on", "adopted_on", "in_force_from")
#: The heading of the text sections a plan gives without a § number.
TEXT_HEADING = "Textliche Festsetzungen"
_SECTION_KEY = re.compile(r"^\s*§\s*(\d+[a-z]?)\s*(.*)$")
Progress = Callable[..., None]


@dataclass
class ImportResult:
    """What an import did, for the report on the page and in the CLI (`as_dict` is stored with the job)."""

    statute: Statute
    created: bool
    version: str
    plan_class: str
    classes: list[ImportedClass] = field(default_factory=list)
    #: Presentation objects (labels and symbols of the drawn plan) left out: (class, count).
    skipped: list[tuple[str, int]] = field(default_factory=list)
    #: Classes of an earlier import the plan no longer has: their layers left the statute's map.
    removed: list[str] = field(default_factory=list)
    #: English msgids with their parameters, translated when shown (`warning_text`); a parameter may itself
    #: be a [msgid, params] pair (a document check's reason).
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    paragraphs: int = 0
    documents: int = 0
    overlays: int = 0
    period: tuple[date, date] | None = None
    published: bool = False

    def as_dict(self) -> dict:
        return {
            "statute_id": self.statute.id, "title": self.statute.title, "number": self.statute.number,
            "created": self.created, "version": self.version, "plan_class": self.plan_class,
            "classes": [vars(item) for item in self.classes],
            "skipped": [list(item) for item in self.skipped], "removed": self.removed,
            "warnings": [[message, params] for message, params in self.warnings],
            "paragraphs": self.paragraphs, "documents": self.documents, "overlays": self.overlays,
            "period": [day.isoformat() for day in self.period] if self.period else None,
            "published": self.published,
        }


def warning_text(message: str, params: dict, translate: Callable[[str], str]) -> str:
    """A stored warning in words, its nested [msgid, params] parameters translated first."""
    filled = {key: translate(value[0]).format(**value[1]) if isinstance(value, list) else value
              for key, value in params.items()}
    return translate(message).format(**filled)


def import_folder() -> Path:
    """Where uploaded plans wait for their import job (shared by all servers)."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / "xplan-imports"


def start_import(town: Municipality, stream: BinaryIO, original_name: str, user) -> Job:
    """Keep an uploaded plan under a random name and queue its import (handed over when the caller commits)."""
    original_name = clean_filename(original_name)
    suffix = Path(original_name).suffix.lower()
    stored = secrets.token_hex(16) + (suffix if suffix in UPLOAD_SUFFIXES else "")
    folder = import_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / stored, "wb") as target:
        shutil.copyfileobj(stream, target, 1024 * 1024)
    job = enqueue(IMPORT_JOB, {"town_id": town.id, "stored_name": stored, "original_name": original_name,
                               "user_id": getattr(user, "id", None)}, user=user)
    current_app.logger.info("User %s uploaded %s for an XPlanGML import (job %s)", getattr(user, "id", None),
                            original_name[:100], job.id)
    return job


def run_import(ctx, town_id: int, stored_name: str, original_name: str, user_id: int | None = None) -> dict:
    """The import job: import the uploaded plan, then remove the file; the report is the job's result.

    A refusal (GeoInputError) fails the job with its message; the runner rolls back, nothing is stored.
    """
    path = import_folder() / stored_name
    if not path.is_file():
        raise JobFailed(N_("The uploaded file is gone; please upload it again."))
    town = db.session.get(Municipality, town_id)
    user = db.session.get(User, user_id) if user_id else None
    try:
        result = import_xplan(town, path, user, ctx.progress, original_name=original_name)
    except GeoInputError as error:
        raise JobFailed(error.message, **error.params) from error
    finally:
        path.unlink(missing_ok=True)
    return result.as_dict()


def import_limits() -> Limits:
    """The reader's limits: the layer upload's size, the geo defaults for everything else."""
    return Limits(max_upload_bytes=current_app.config["LAYER_UPLOAD_MAX_BYTES"])


def import_xplan(town: Municipality, path: Path, user, progress: Progress | None = None, *,
                 original_name: str | None = None, publish: bool = False) -> ImportResult:
    """Create or update the statute of an XPlanGML plan in `town`, with its layers, text and documents.

    Parameters
    ----------
    path : the ``.gml`` file or XPlanArchiv ``.zip`` (read, never changed).
    progress : ``progress(fraction, msgid, **params)`` as `jobs.runner.JobContext.progress` takes it.
    original_name : the uploaded file's name (for the layer versions); the file's own name by default.
    publish : publish the statute (a new statute is a draft otherwise; a published one stays published).

    Raises GeoInputError (an English msgid) when the file cannot be imported; the caller then rolls
    back and nothing is stored. The caller commits.
    """
    report = progress or (lambda fraction, message="", **params: None)
    original_name = clean_filename(original_name or path.name)
    workdir = Path(tempfile.mkdtemp(prefix="xplan-"))
    try:
        report(0.02, N_("Reading the plan …"))
        plan = read_plan(Path(path), workdir, import_limits(),
                         progress=lambda done, total: report(0.05 + 0.35 * done / max(total, 1),
                                                             N_("Reading plan objects: class {done} of {total}"),
                                                             done=done, total=total))
        _check_area(town, plan)
        statute, created = _statute_for(town, plan, user)
        result = ImportResult(statute=statute, created=created, version=plan.version, plan_class=plan.plan_class)
        result.warnings += [(warning.message, warning.params) for warning in plan.warnings]
        _apply_plan(statute, plan, result)
        stored = store_layers(town, statute, plan, original_name, user, report)
        result.classes, result.skipped, result.removed = stored.classes, stored.skipped, stored.removed
        stored_ids = stored.gml_ids
        report(0.9, N_("Storing text and documents …"))
        _store_text(statute, plan, stored_ids, user, result)
        _store_documents(statute, plan, user, result)
        _store_period(statute, plan, user, result)
        refresh_search_text(statute)
        if publish:
            publish_statute(statute, user)
        result.published = statute.is_published
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    current_app.logger.info("User %s imported XPlanGML %s (%s) as statute %s: %s classes", getattr(user, "id", None),
                            plan.gml_id[:100], plan.version, statute.id, len(result.classes))
    return result


def _check_area(town: Municipality, plan: XPlan) -> None:
    try:
        check_area(town, plan.area)
    except AreaOutsideBoundary as refused:
        raise GeoInputError(N_("The plan's area of application (Geltungsbereich) reaches {metres} m beyond the town's "
                               "boundary. Is this a plan of this town, with the right coordinate system?"),
                            metres=round(refused.metres)) from refused
    except AreaSizeUnconfirmed as refused:
        raise GeoInputError(N_("The plan's area of application (Geltungsbereich) covers {size} km², more than any "
                               "town. Check the plan's coordinate system."), size=round(refused.km2)) from refused


def _statute_for(town: Municipality, plan: XPlan, user) -> tuple[Statute, bool]:
    """The statute the plan updates (by gml:id, else by kind and number), or a new draft."""
    statute = db.session.scalar(select(Statute).where(Statute.municipality_id == town.id,
                                                      Statute.xplan_id == plan.gml_id[:200]).order_by(Statute.id))
    if statute is None and plan.number:
        same = db.session.scalars(select(Statute).where(
            Statute.municipality_id == town.id, Statute.kind == KINDS.get(plan.kind, StatuteKind.OTHER),
            Statute.number == plan.number[:60]).order_by(Statute.id)).all()
        if len(same) > 1:
            raise GeoInputError(N_("Several statutes of the town have the kind and number of this plan ({number}); "
                                   "the import cannot tell which one to update."), number=plan.number[:60])
        statute = same[0] if same else None
    if statute is not None:
        if user is not None and getattr(user, "id", None) is not None and not can_edit_statute(user, statute):
            raise GeoInputError(N_("The plan updates the statute “{title}”; only the town's planners may change an "
                                   "existing statute. Ask them to import it."), title=statute.title[:200])
        return statute, False
    statute = Statute(municipality=town, title="", created_by_id=getattr(user, "id", None))
    db.session.add(statute)
    return statute, True


def _apply_plan(statute: Statute, plan: XPlan, result: ImportResult) -> None:
    """Name, kind, status, dates and area from the plan; what the plan leaves open stays as it was."""
    statute.title = (plan.name or plan.number or plan.gml_id)[:300]
    statute.number = plan.number[:60] or statute.number
    statute.kind = KINDS.get(plan.kind, StatuteKind.OTHER)
    if plan.description:
        statute.summary = plan.description[:1000]
    if plan.legal_status:
        statute.status = LegalStatus(plan.legal_status)
    elif not plan.rechtsstand:
        result.warnings.append((N_("The plan states no legal status (rechtsstand); set the status by hand."), {}))
    for name in DATE_FIELDS:
        if name in plan.dates:
            setattr(statute, name, plan.dates[name])
    statute.xplan_id = plan.gml_id[:200]
    statute.xplan_version = plan.version[:10]
    statute.set_area(plan.area)
    db.session.flush()


def _natural(key: str) -> list:
    """"§2 Nr.10" after "§2 Nr.9": numbers compared as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", key) if part]


def _text_drafts(plan: XPlan, stored_ids: set[str]) -> list[SectionDraft]:
    """The plan's text sections (schluessel "§2 Nr.5") as sections ("§ 2") with their paragraphs ("Nr.5")."""
    sections: dict[str, SectionDraft] = {}
    for text in sorted(plan.texts, key=lambda item: _natural(item.schluessel)):
        match = _SECTION_KEY.match(text.schluessel)
        number, rest = (f"§ {match.group(1)}", match.group(2).strip()) if match else ("", text.schluessel.strip())
        section = sections.setdefault(number, SectionDraft(number=number, heading="" if number else TEXT_HEADING))
        words = text.text.strip()
        if text.gesetzliche_grundlage:
            words = f"{words}\n({text.gesetzliche_grundlage})" if words else text.gesetzliche_grundlage
        objects = [gml_id for gml_id in text.object_ids if gml_id in stored_ids]
        written = _in_paragraphs(number, words) if not rest else None
        if written is not None:  # "Art der baulichen Nutzung\n(1) …\n(2) …": its heading and paragraphs
            section.heading = section.heading or written.heading
            for paragraph in written.paragraphs:
                paragraph.plan_objects = list(objects)
                section.paragraphs.append(paragraph)
            continue
        section.paragraphs.append(ParagraphDraft(number=rest[:20], text=words, plan_objects=objects))
    return [section for section in sections.values() if section.paragraphs]


def _in_paragraphs(number: str, words: str) -> SectionDraft | None:
    """A text section whose text is written as the editor writes one (a heading line, then "(1) …"
    paragraphs), read as such; None when it is not."""
    if not number:
        return None
    try:
        parsed = parse_text(f"{number} {words}")
    except TextInvalid:
        return None
    if len(parsed) != 1 or parsed[0].number != number or not parsed[0].heading:
        return None
    return parsed[0]


def _store_text(statute: Statute, plan: XPlan, stored_ids: set[str], user, result: ImportResult) -> None:
    """The plan's text sections as the statute's text, if it has none yet or the same words (then the
    paragraphs keep their anchors and get the plan objects anew); a text a planner wrote or edited stays."""
    if not plan.texts:
        return
    drafts = _text_drafts(plan, stored_ids)
    current = [(s.number, p.number, p.text) for s in statute.sections for p in s.paragraphs]
    if current and current != [(s.number, p.number, p.text) for s in drafts for p in s.paragraphs]:
        result.warnings.append((N_("The statute already has a text of its own; the plan's {count} text sections "
                                   "were not imported."), {"count": len(plan.texts)}))
        return
    replace_text(statute, drafts, user)
    result.paragraphs = sum(len(section.paragraphs) for section in drafts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(2**20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _store_documents(statute: Statute, plan: XPlan, user, result: ImportResult) -> None:
    """The archive's referenced files as documents, and its georeferenced plan images as map overlays.

    A file the statute already has (same content) is not stored again. A PNG or JPEG with a world file
    is drawn on the map; a GeoTIFF is kept as a document only (browsers cannot draw TIFF, and the
    platform has no image library to convert it). A file the document checks refuse is named in a warning.
    """
    rasters = {raster.path.resolve(): raster for raster in plan.rasters}
    known = {document.sha256 for document in statute.documents}
    files: dict[Path, tuple[DocumentKind, str]] = {}
    for reference in plan.references:
        if reference.archive_path is None:
            if reference.url.lower().startswith(("http://", "https://")):
                result.warnings.append((N_("The plan refers to the web address {url}; documents on the web are not "
                                           "fetched. Upload the file on the documents page if it belongs to the "
                                           "statute."), {"url": reference.url[:200]}))
            continue
        files.setdefault(reference.archive_path.resolve(), (DOCUMENT_KINDS.get(reference.kind, DocumentKind.OTHER),
                                                            reference.name or reference.archive_path.name))
    for path in rasters:
        files.setdefault(path, (DocumentKind.PLAN, path.name))
    for path, (kind, title) in files.items():
        raster = rasters.get(path)
        bounds = list(raster.bounds) if raster is not None and path.suffix.lower() in OVERLAY_SUFFIXES else None
        if raster is not None and bounds is None:
            result.warnings.append((N_("The raster plan “{name}” is a GeoTIFF, which browsers cannot draw; it is kept "
                                       "as a document. Add it as a PNG or JPEG with a world file to see it on the "
                                       "map."), {"name": path.name[:200]}))
        if _sha256(path) in known:
            continue
        try:
            store_document(statute, kind, title, path.name, path, user, overlay_bounds=bounds)
        except DocumentRefused as refused:
            result.warnings.append((N_("The file “{name}” was not kept as a document: {reason}"),
                                    {"name": path.name[:200], "reason": [refused.message, refused.params]}))
            continue
        result.documents += 1
        result.overlays += bounds is not None


def _store_period(statute: Statute, plan: XPlan, user, result: ImportResult) -> None:
    """The plan's display dates as the statute's display period, if the law allows them (§ 3 Abs. 2 BauGB).

    Not through `periods.add_period`, which refuses days before today: an imported plan records its
    display as it was, and a past period admits no comment anyway.
    """
    starts, ends = plan.dates.get("display_starts_on"), plan.dates.get("display_ends_on")
    if starts is None or ends is None:
        return
    days = {"starts": starts.isoformat(), "ends": ends.isoformat()}
    if any(period.kind is PeriodKind.DISPLAY for period in statute.periods):
        if not any(period.kind is PeriodKind.DISPLAY and (period.starts_on, period.ends_on) == (starts, ends)
                   for period in statute.periods):
            result.warnings.append((N_("The statute already has a display period; the plan's dates ({starts} to "
                                       "{ends}) were not taken. Change the period, with its reason, on the periods "
                                       "page."), days))
        return
    overlapping = [p for p in statute.periods if p.starts_on <= ends and starts <= p.ends_on]
    if overlapping:
        result.warnings.append((N_("The plan's display period ({starts} to {ends}) overlaps another period of the "
                                   "statute; it was not taken. Set the periods on the periods page."), days))
        return
    if ends < earliest_display_end(starts):
        result.warnings.append((N_("The plan's display period ({starts} to {ends}) is shorter than the law allows "
                                   "(at least 30 days and one month, § 3 (2) BauGB); it was not taken."), days))
        return
    statute.periods.append(StatutePeriod(kind=PeriodKind.DISPLAY, starts_on=starts, ends_on=ends,
                                         created_by_id=getattr(user, "id", None)))
    result.period = (starts, ends)
