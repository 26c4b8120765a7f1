"""Turning the HTML parts of a PDF export into one PDF, in a process of its own.

`participation.exports.pdf` writes the parts and starts ``python -m participation.exports.pdfrender
layout MANIFEST`` (and ``join MANIFEST`` for several parts); this module imports no Flask and nothing of
the app. A child process keeps WeasyPrint's
memory (hundreds of MB for a long table) out of the job runner: it goes back to the system when the
child ends, and a child that runs too long can be stopped.

The manifest (JSON) names the parts (`html`, `rows`), the output file, the folders files may be read
from (fonts, a town's template folder) and the document's title, author and language. Each part is
laid out on its own, its pages numbered on from the part before; for every part done the child prints
``rows <n>`` so that the job can show progress. A document of one part is written as tagged PDF/UA-1
(headings, tables, reading order and language for screen readers); longer ones are joined with pypdf in
a second child, which keeps bookmarks but not tags.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from pypdf import PdfWriter
from pypdf.generic import NameObject, TextStringObject
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher


class LocalFiles(URLFetcher):
    """Reads `data:` URLs, files under `folders` and files directly in `flat_folders` (not in their
    subfolders: another town's folder); refuses everything else (http, https, other files), so that
    neither a template nor a comment's text can make the server fetch anything."""

    def __init__(self, folders: list[str], flat_folders: list[str] = ()) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.folders = [Path(folder).resolve() for folder in folders]
        self.flat_folders = [Path(folder).resolve() for folder in flat_folders]

    def allows(self, path: Path) -> bool:
        return (any(path.is_relative_to(folder) for folder in self.folders)
                or any(path.parent == folder for folder in self.flat_folders))

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            if not self.allows(Path(unquote(urlparse(url).path)).resolve()):
                raise ValueError(f"file outside the allowed folders: {url}")
        elif not url.startswith("data:"):
            raise ValueError(f"only local files may be read: {url}")
        return super().fetch(url, headers)


def render(manifest: dict, report=lambda rows: None) -> int:
    """Write the manifest's PDF; returns its number of pages."""
    fetcher = LocalFiles(manifest["folders"], manifest.get("flat_folders", []))
    parts = manifest["parts"]
    out = Path(manifest["out"])
    if len(parts) == 1:
        document = _layout(parts[0], fetcher, first_page=1, tagged=True)
        document.write_pdf(out, pdf_variant="pdf/ua-1")
        report(parts[0]["rows"])
        return len(document.pages)
    pages, laid_out = 0, []
    for index, part in enumerate(parts):
        document = _layout(part, fetcher, first_page=pages + 1, tagged=False)
        piece = Path(manifest["work"]) / f"part-{index}.pdf"
        laid_out.append({"pdf": str(piece), "pages": len(document.pages),
                         "bookmarks": document.make_bookmark_tree()})
        document.write_pdf(piece)
        pages += len(document.pages)
        del document
        report(part["rows"])
    (Path(manifest["work"]) / "parts.json").write_text(json.dumps(laid_out), encoding="utf-8")
    return pages


def join(manifest: dict) -> int:
    """Join the parts `render` laid out into the manifest's PDF, with their bookmarks, title and
    language; returns its number of pages. Runs in a process of its own after `render`: the pages
    pile up in memory here, and would slow down and swell the layout if they shared its process."""
    writer, pages, table = PdfWriter(), 0, None
    for index, part in enumerate(json.loads((Path(manifest["work"]) / "parts.json").read_text(encoding="utf-8"))):
        writer.append(part["pdf"], import_outline=False)
        # The first part's bookmarks as they are (title › sections › topics); later parts' topics under
        # the first part's last section, the weighing table.
        added = _add_bookmarks(writer, part["bookmarks"], pages, None if index == 0 else table)
        if index == 0:
            sections = [item for depth, item in added if depth == 1] or [item for depth, item in added]
            table = sections[-1] if sections else None
        pages += part["pages"]
    writer.add_metadata({"/Title": manifest["title"], "/Author": manifest["author"]})
    writer._root_object[NameObject("/Lang")] = TextStringObject(manifest["lang"])
    with Path(manifest["out"]).open("wb") as file:
        writer.write(file)
    return pages


def _add_bookmarks(writer: PdfWriter, bookmarks, offset: int, parent, depth: int = 0) -> list:
    """WeasyPrint's bookmark tree of a part (label, (page, x, y), children, state) added to the joined
    document's outline, pages moved by `offset`; returns every item added with its depth, in order."""
    added = []
    for label, (page, _x, _y), children, _state in bookmarks:
        item = writer.add_outline_item(label, offset + page, parent=parent)
        added.append((depth, item))
        added += _add_bookmarks(writer, children, offset, item, depth + 1)
    return added


def _layout(part: dict, fetcher: LocalFiles, first_page: int, tagged: bool):
    numbering = CSS(string=f"@page :first {{ counter-reset: page {int(first_page)} }}")
    html = HTML(filename=part["html"], url_fetcher=fetcher, base_url=part.get("base_url"))
    return html.render(stylesheets=[numbering], **({"pdf_variant": "pdf/ua-1"} if tagged else {}))


class _PageProgress(logging.Handler):
    """WeasyPrint's progress log as lines on stdout: ``page <n>`` for each page laid out, ``writing`` when
    the PDF is being written (a parent that knows the number of pages can show a moving bar)."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Step 5 - Creating layout - Page") and record.args:
            print(f"page {record.args[0]}", flush=True)
        elif record.msg.startswith("Step 6"):
            print("writing", flush=True)


def main(argv: list[str]) -> int:
    """``pdfrender layout MANIFEST`` (then, for several parts, ``pdfrender join MANIFEST``)."""
    step, manifest = argv[1], json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    progress = logging.getLogger("weasyprint.progress")
    progress.setLevel(logging.INFO)
    progress.addHandler(_PageProgress())

    def report(rows: int) -> None:
        print(f"rows {rows}", flush=True)

    pages = render(manifest, report) if step == "layout" else join(manifest)
    print(f"pages {pages} peak {_peak_mb():.0f} parts {len(manifest['parts'])}", flush=True)
    return 0


def _peak_mb() -> float:
    """This process's peak resident memory in MB (Linux), for the job's log; 0 where unknown."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    found = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(found[0]) / 1024 if found else 0.0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
