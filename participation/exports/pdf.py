"""The PDF documents for the council: the weighing table, and the participation report (figures, charts,
map, hot spots and the weighing table), from HTML templates a town can adjust.

The rows are read in chunks and written as HTML parts of `PART_ROWS` statements each; a child process
(`participation.exports.pdfrender`) lays them out with WeasyPrint and joins them. A town's adjustments
live in ``REPORT_TEMPLATES/<town slug>/`` (else ``REPORT_TEMPLATES/``): a ``report.html`` or
``weighing.html`` there that extends ``exports/pdf/report.html`` (or ``weighing.html``) and fills its
blocks (``cover``, ``introduction``, ``closing``, ``styles``), with images beside it (a coat of arms).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from flask import current_app
from flask_babel import get_locale, gettext, gettext as _, ngettext
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, Template, TemplateError, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from geo.errors import N_
from participation.accounts.models import User
from participation.comments.models import Visibility
from participation.comments.subjects import is_statute, subject_title
from participation.database.mixins import utcnow
from participation.exports import rows
from participation.exports.models import Export, ExportFormat
from participation.exports.report import report_context
from participation.extensions import db
from participation.jobs.registry import JobFailed
from participation.moderation.labels import visibility_label

#: Statements per part. A document of one part is tagged PDF/UA; each part is laid out in memory
#: (about 150 MB for 500 long statements).
PART_ROWS = 500
ROOT = Path(__file__).resolve().parents[2]
#: The interpreter the renderer runs in: this one.
PYTHON = sys.executable
#: What the renderer may see of the environment (never the secret key or the database's address).
CHILD_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "FONTCONFIG_FILE",
                     "FONTCONFIG_PATH", "XDG_CACHE_HOME")


def town_folders(slug: str) -> list[Path]:
    """Where a town's own templates and images are looked for, its own folder first."""
    base = Path(current_app.config["REPORT_TEMPLATES"])
    return [base / slug, base]


def document_template(export: Export) -> Template:
    """The town's ``report.html``/``weighing.html`` if it has one, else the default.

    Templates are rendered in a sandbox that sees only the plain data `write_pdf` passes and a few
    filters: no configuration, no request, no database objects, no Python internals."""
    name = "report.html" if export.format is ExportFormat.REPORT_PDF else "weighing.html"
    loader = ChoiceLoader([
        PrefixLoader({"town": FileSystemLoader([str(f) for f in town_folders(export.municipality.slug)])}),
        current_app.jinja_loader,
    ])
    environment = ImmutableSandboxedEnvironment(loader=loader, autoescape=select_autoescape(["html"]),
                                                extensions=["jinja2.ext.i18n"])
    environment.install_gettext_callables(gettext, ngettext, newstyle=True)
    environment.filters.update({"date": current_app.jinja_env.filters["date"],
                                "datetime": current_app.jinja_env.filters["datetime"],
                                "safe_color": current_app.jinja_env.filters["safe_color"]})
    return environment.select_template([f"town/{name}", f"exports/pdf/{name}"])


def css_string(text: str) -> str:
    """`text` as the inside of a double-quoted CSS string in a <style> element."""
    return "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r\f' else c for c in text)


def write_pdf(export: Export, path: Path, report=lambda done, total: None) -> int:
    """Write the weighing table or the report of `export` to `path` in the current locale, calling
    `report(done, total)` as parts are laid out. Returns the number of statements in it."""
    scope = rows.Scope(town=export.municipality, subject=export.subject, since=export.since, until=export.until)
    words = rows.Words(export.municipality.id)
    total, _replies = rows.count_comments(scope)
    by_topic = export.grouping == "thema"
    no_topic = _("Without a paragraph") if is_statute(export.subject) else _("Without a category")
    template = document_template(export)
    town_folder, shared_folder = town_folders(export.municipality.slug)
    statute = is_statute(export.subject)
    kind = _("Participation report") if export.format is ExportFormat.REPORT_PDF else _("Weighing table")
    context = {
        "town": {"name": export.municipality.name, "slug": export.municipality.slug},
        "subject_title": subject_title(export.subject), "subject_summary": export.subject.summary or "",
        "statute": statute, "kind": kind, "since": export.since, "until": export.until,
        "lang": export.locale or str(get_locale() or "de"), "by_topic": by_topic, "total": total,
        "order": (_("By paragraph") if statute else _("By category")) if by_topic else _("By date of receipt"),
        "maker": _maker(export), "made": export.created_at or utcnow(), "fonts": fonts_folder().as_uri(),
        "published": words.label(visibility_label, Visibility.PUBLISHED),
        "page_word": css_string(_("Page")),
        "report": report_context(scope, words) if export.format is ExportFormat.REPORT_PDF else None,
    }
    # Beside the export files, so that a worker killed half-way leaves it to the periodic clean-up.
    with tempfile.TemporaryDirectory(prefix="pdf-", dir=path.parent) as work:
        parts, group, base_url = [], None, _base_url(export)
        for index, (part, last) in enumerate(_parts(rows.weighing_rows(scope, words, by_topic, no_topic))):
            groups, group = _grouped(part, by_topic, group)
            html = Path(work) / f"part-{index}.html"
            try:
                page = template.render(part=index, last_part=last, groups=groups, **context)
            except TemplateError:
                current_app.logger.exception("The PDF template of %s failed", export.municipality.slug)
                raise JobFailed(N_("The PDF could not be made: the town's template has an error.")) from None
            html.write_text(page, encoding="utf-8")
            parts.append({"html": str(html), "rows": len(part), "base_url": base_url})
        manifest = Path(work) / "manifest.json"
        manifest.write_text(json.dumps({
            "parts": parts, "out": str(path), "work": work, "lang": context["lang"],
            "folders": [str(town_folder), str(fonts_folder())], "flat_folders": [str(shared_folder)],
            "title": f"{kind} – {context['subject_title']}", "author": export.municipality.name}),
            encoding="utf-8")
        _render(manifest, Path(work) / "errors.log", total, report)
    return total


def fonts_folder() -> Path:
    """KERN's Noto Sans, installed from npm with the other front-end assets."""
    return Path(current_app.static_folder) / "vendor" / "kern" / "fonts" / "noto-sans"


def _maker(export: Export) -> str:
    user = db.session.get(User, export.user_id) if export.user_id is not None else None
    return user.pseudonym if user is not None else ""


def _base_url(export: Export) -> str | None:
    """Relative addresses in a town's template (its coat of arms) point into its folder."""
    for folder in town_folders(export.municipality.slug):
        if folder.is_dir():
            return folder.as_uri() + "/"
    return None


def _parts(chunks: Iterable[list[dict]]) -> Iterator[tuple[list[dict], bool]]:
    """The rows in parts of `PART_ROWS`, each with whether it is the last; one empty part when there are
    none (the document still says so)."""
    flat = (row for chunk in chunks for row in chunk)
    part = list(islice(flat, PART_ROWS))
    while True:
        following = list(islice(flat, PART_ROWS))
        yield part, not following
        if not following:
            return
        part = following


def _grouped(part: list[dict], by_topic: bool, carried: str | None) -> tuple[list[dict], str | None]:
    """The part's rows as groups {"name", "continued", "rows"}; a group that began in the part before is
    marked `continued`. Without grouping by topic there is one group without a name."""
    if not by_topic:
        return [{"name": None, "continued": False, "rows": part}], None
    groups: list[dict] = []
    for row in part:
        if not groups or groups[-1]["name"] != row["group"]:
            groups.append({"name": row["group"], "continued": not groups and row["group"] == carried, "rows": []})
        groups[-1]["rows"].append(row)
    return groups, groups[-1]["name"] if groups else carried


def _render(manifest: Path, errors: Path, total: int, report) -> None:
    """Lay the parts out in a child process, passing on its progress, and join them in another."""
    if _run("layout", manifest, errors, total, report) > 1:
        _run("join", manifest, errors, total, report)


def _run(step: str, manifest: Path, errors: Path, total: int, report) -> int:
    """Run one step of `pdfrender` in a child process; returns the number of parts. A failure ends the
    job with a message (the child's error output goes to the log). The child gets none of the app's
    settings in its environment, and is stopped when the job's time is up or the job ends otherwise."""
    command = [PYTHON, "-m", "participation.exports.pdfrender", step, str(manifest)]
    parts = 0
    environment = {key: os.environ[key] for key in CHILD_ENVIRONMENT if key in os.environ}
    done = 0
    with errors.open("w", encoding="utf-8") as error_file, subprocess.Popen(  # noqa: S603 - argument list, no shell
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=error_file, text=True,
            env={**environment, "PYTHONPATH": str(ROOT)}) as child:
        deadline = threading.Timer(current_app.config["JOB_TIMEOUT_SECONDS"], child.kill)
        deadline.start()
        try:
            for line in child.stdout:
                if line.startswith("rows "):
                    done += int(line.split()[1])
                    report(done, total)
                elif line.startswith("pages "):
                    _pages, pages, _peak, peak, _parts, parts = line.split()
                    current_app.logger.info("PDF %s: %s statements on %s pages, renderer peak %s MB", step,
                                            total, pages, peak)
        except BaseException:
            child.kill()
            raise
        finally:
            deadline.cancel()
    if child.returncode != 0:
        error = errors.read_text(encoding="utf-8", errors="replace")
        current_app.logger.error("The PDF renderer failed (exit %s): %s", child.returncode, error[-4000:])
        raise JobFailed(N_("The PDF could not be made."))
    return int(parts)
