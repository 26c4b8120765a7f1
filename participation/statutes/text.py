"""A statute's text as sections and paragraphs, edited as one plain text, with stable anchors.

The plain format (explained on the editor page):

    § 1 Art der baulichen Nutzung
    (1) Das Allgemeine Wohngebiet WA 1 …
    (2) …
    [Objekte: gml_ABC, gml_DEF]
    § 2 Maß der baulichen Nutzung
    …

A line starting with "§ n" or "Nr. n" opens a section with the rest of the line as its heading; a
line starting with "(n)" opens a paragraph; other lines continue the paragraph (or open an
unnumbered one, as in a section of a single paragraph); blank lines are ignored. A line
``[Objekte: id, id]`` names the plan objects (gml:ids) the paragraph rules.

Every paragraph keeps its `anchor` for as long as it exists (links and comments point at it): an
edit matches the old paragraphs to the new ones by identical text, then by section and paragraph
number, then by position, and updates the matched rows in place. Anchors are never reused.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from geo.errors import N_
from participation.comments.models import Comment
from participation.extensions import db
from participation.layers.models import Layer, LayerFeature
from participation.maps.models import MapLayer
from participation.statutes.models import Statute, StatuteParagraph, StatuteSection
from participation.statutes.services import refresh_search_text

#: The whole text; a long Bebauungsplan has some 30 000 characters.
TEXT_MAX_LENGTH = 200_000

_SECTION = re.compile(r"^(§+|Nr\.)\s*(\d+(?:\.\d+)*[a-z]?)(?![\w.])\s*[.:–—-]?\s*(.*)$")
#: What follows "§ 9" in a citation that a wrapped line may start with ("§ 9 Abs. 1 BauGB …"):
#: such a line continues the paragraph instead of opening a section.
_CITATION = re.compile(r"^(Abs\.|Absatz|Satz|S\.|Nr\.|ff\b|i\.\s?V\.|[a-zäöü]|[A-ZÄÖÜ][a-zäöüß]*[A-ZÄÖÜ]\w*\b)")
_PARAGRAPH = re.compile(r"^\((\d+[a-z]?)\)\s*(.*)$")
_OBJECTS = re.compile(r"^\[\s*(?:Plan)?(?:Objekte|Objects|objekte)\s*:\s*(.*?)\s*\]$", re.IGNORECASE)
_GML_ID = re.compile(r"^[A-Za-z_][\w.\-]{0,199}$")
_SPACE = re.compile(r"\s+")
_ANCHOR_WORD = re.compile(r"[^a-z0-9]")
#: Letters for the random part of an anchor: no 0/o, 1/l/i to misread when a link is typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass
class ParagraphDraft:
    number: str
    text: str
    plan_objects: list[str] = field(default_factory=list)
    #: The lines of the text where it starts and where it names its plan objects (for messages).
    line: int = field(default=0, compare=False)
    objects_line: int = field(default=0, compare=False)


@dataclass
class SectionDraft:
    number: str
    heading: str
    paragraphs: list[ParagraphDraft] = field(default_factory=list)
    line: int = field(default=0, compare=False)


@dataclass
class Problem:
    """Something wrong at a line of the text: an English msgid with its parameters."""

    line: int
    message: str
    params: dict = field(default_factory=dict)


class TextInvalid(ValueError):
    """The text cannot be taken; `problems` says what and where. Nothing was changed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message.format(**p.params) for p in problems))
        self.problems = problems


def _section_number(kind: str, digits: str) -> str:
    return ("§ " if kind.startswith("§") else "Nr. ") + digits.replace(" ", "")


def parse_text(text: str) -> list[SectionDraft]:
    """The sections and paragraphs of `text` in the plain format; raises TextInvalid."""
    problems: list[Problem] = []
    sections: list[SectionDraft] = []
    paragraph: ParagraphDraft | None = None
    lines: list[str] = []

    def close() -> None:
        nonlocal paragraph
        if paragraph is not None:
            paragraph.text = "\n".join(lines).strip()
            if not paragraph.text:
                section = sections[-1]
                problems.append(Problem(paragraph.line, N_("Paragraph {paragraph} of {section} has no text."),
                                        {"paragraph": paragraph.number or "–", "section": section.number or "–"}))
        paragraph = None
        lines.clear()

    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if (match := _SECTION.match(line)) and not _CITATION.match(match[3]):
            close()
            section = SectionDraft(_section_number(match[1], match[2]), match[3].strip(), line=number)
            if len(section.heading) > 300:
                problems.append(Problem(number, N_("The heading is longer than {max} characters."), {"max": 300}))
            if section.number in {s.number for s in sections}:
                problems.append(Problem(number, N_("{section} appears twice."), {"section": section.number}))
            sections.append(section)
            continue
        if not sections:
            sections.append(SectionDraft("", "", line=number))  # a preamble before the first §
        section = sections[-1]
        if match := _OBJECTS.match(line):
            if paragraph is None:
                paragraph = ParagraphDraft("", "", line=number)
                section.paragraphs.append(paragraph)
            ids = [part.strip() for part in re.split(r"[,;\s]+", match[1]) if part.strip()]
            bad = [i for i in ids if not _GML_ID.match(i)]
            if bad:
                problems.append(Problem(number, N_("“{id}” is not a plan object id (gml:id)."), {"id": bad[0]}))
            paragraph.plan_objects += [i for i in ids if i not in paragraph.plan_objects and i not in bad]
            paragraph.objects_line = number
            continue
        if match := _PARAGRAPH.match(line):
            close()
            paragraph = ParagraphDraft(f"({match[1]})", "", line=number)
            if paragraph.number in {p.number for p in section.paragraphs}:
                problems.append(Problem(number, N_("{section} has two paragraphs {paragraph}."),
                                        {"section": section.number or "–", "paragraph": paragraph.number}))
            section.paragraphs.append(paragraph)
            line = match[2]
            if not line:
                continue
        elif paragraph is None:
            paragraph = ParagraphDraft("", "", line=number)
            section.paragraphs.append(paragraph)
        lines.append(line)
    close()
    if problems:
        raise TextInvalid(problems)
    return sections


def write_text(statute: Statute) -> str:
    """The statute's text in the plain format: `parse_text` reads it back to the same sections."""
    blocks = []
    for section in statute.sections:
        lines = [f"{section.number} {section.heading}".strip()] if section.number or section.heading else []
        for paragraph in section.paragraphs:
            body = paragraph.text
            lines.append(f"{paragraph.number} {body}" if paragraph.number else body)
            if paragraph.plan_objects:
                lines.append("[Objekte: " + ", ".join(paragraph.plan_objects) + "]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _same_text(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _match(old: list[tuple[str, str, str]], new: list[tuple[str, str, str]]) -> dict[int, int]:
    """new index → old index, for (section number, paragraph number, text) rows: first identical
    text, then the same section and paragraph number, then the same position."""
    matched: dict[int, int] = {}
    taken: set[int] = set()

    def pair(key) -> None:
        free: dict = {}
        for i, row in enumerate(old):
            if i not in taken:
                free.setdefault(key(i, row), []).append(i)
        for j, row in enumerate(new):
            if j in matched:
                continue
            candidates = free.get(key(j, row))
            if candidates:
                i = candidates.pop(0)
                matched[j] = i
                taken.add(i)

    pair(lambda i, row: ("text", _same_text(row[2])))
    pair(lambda i, row: ("number", row[0], row[1]))
    pair(lambda i, row: ("position", i))
    return matched


def _anchor_base(section: SectionDraft, paragraph: ParagraphDraft) -> str:
    words = [_ANCHOR_WORD.sub("", section.number.lower().replace("nr.", "n"))[:8],
             _ANCHOR_WORD.sub("", paragraph.number.lower())[:4]]
    return "p-" + "-".join(w for w in words if w)


def new_anchor(section: SectionDraft, paragraph: ParagraphDraft, used: set[str]) -> str:
    """A short URL-safe anchor, readable ("p-1-2-k7mq" for § 1 (2)) and never used in the statute."""
    base = _anchor_base(section, paragraph)
    while True:
        anchor = f"{base}-{''.join(secrets.choice(_ALPHABET) for _ in range(4))}"
        if anchor not in used:
            used.add(anchor)
            return anchor


def unknown_plan_objects(statute: Statute, ids: set[str]) -> list[str]:
    """The ids among `ids` that name no feature (by `properties["gml_id"]`) of the published
    versions of the layers on the statute's map, sorted."""
    if not ids:
        return []
    found = set(db.session.scalars(
        select(LayerFeature.properties["gml_id"].as_string())
        .join(Layer, Layer.current_version_id == LayerFeature.version_id)
        .join(MapLayer, MapLayer.layer_id == Layer.id)
        .where(MapLayer.map_id == statute.map_id, LayerFeature.properties["gml_id"].as_string().in_(sorted(ids)))
    ))
    return sorted(ids - found)


def check_plan_objects(statute: Statute, drafts: list[SectionDraft]) -> None:
    """Raise TextInvalid naming every plan object id not on the statute's map."""
    wanted = {i for s in drafts for p in s.paragraphs for i in p.plan_objects}
    unknown = set(unknown_plan_objects(statute, wanted))
    problems = [
        Problem(p.objects_line or p.line, N_("{section} {paragraph}: these plan objects are not on the statute's map: {ids}."),
                {"section": s.number, "paragraph": p.number, "ids": ", ".join(i for i in p.plan_objects if i in unknown)})
        for s in drafts for p in s.paragraphs if unknown.intersection(p.plan_objects)
    ]
    if problems:
        raise TextInvalid(problems)


def _used_anchors(statute: Statute) -> set[str]:
    """Anchors the statute has or had: those of its paragraphs and those its comments keep."""
    kept = db.session.scalars(select(Comment.paragraph_anchor).where(
        Comment.statute_id == statute.id, Comment.paragraph_anchor.is_not(None)))
    return {p.anchor for s in statute.sections for p in s.paragraphs} | set(kept)


def replace_text(statute: Statute, drafts: list[SectionDraft], editor=None) -> Statute:
    """Make `drafts` the statute's text, keeping each surviving paragraph's row and anchor.

    Plan object ids are checked against the statute's map first (TextInvalid, nothing changed).
    Removed paragraphs are deleted; their comments keep `paragraph_anchor`. The caller commits.
    """
    if statute.id is None:
        db.session.flush()  # a statute made in the same transaction (the XPlanGML import)
    check_plan_objects(statute, drafts)
    old = [p for s in statute.sections for p in s.paragraphs]
    old_rows = [(p.section.number, p.number, p.text) for p in old]
    new_rows = [(s.number, p.number, p.text) for s in drafts for p in s.paragraphs]
    matched = _match(old_rows, new_rows)
    used = _used_anchors(statute)

    sections = list(statute.sections)
    # Every paragraph is taken off its section first and put back where the drafts want it,
    # so that a kept paragraph may change section without being deleted as an orphan.
    for section in sections:
        section.paragraphs = []
    index = 0
    for position, draft in enumerate(drafts):
        if position < len(sections):
            section = sections[position]
        else:
            section = StatuteSection(statute=statute)
            sections.append(section)
        section.position, section.number, section.heading = position, draft.number, draft.heading
        for place, draft_paragraph in enumerate(draft.paragraphs):
            paragraph = old[matched[index]] if index in matched else StatuteParagraph(
                statute_id=statute.id, anchor=new_anchor(draft, draft_paragraph, used))
            paragraph.position, paragraph.number = place, draft_paragraph.number
            paragraph.text, paragraph.plan_objects = draft_paragraph.text, list(draft_paragraph.plan_objects)
            section.paragraphs.append(paragraph)
            index += 1
    statute.sections = sections[:len(drafts)]
    kept = set(matched.values())
    for i, paragraph in enumerate(old):
        if i not in kept:
            db.session.delete(paragraph)
    refresh_search_text(statute)
    if editor is not None:
        current_app.logger.info("User %s replaced the text of statute %s (%d paragraphs, %d new, %d removed)",
                                editor.id, statute.id, len(new_rows), len(new_rows) - len(matched),
                                len(old) - len(kept))
    return statute


def paragraph_label(section: StatuteSection, paragraph: StatuteParagraph) -> str:
    """How a person names the paragraph: "§ 1 Abs. 2", "§ 3", "Nr. 2 Abs. 1"."""
    where = section.number or section.heading or _("Preamble")
    if paragraph.number:
        return _("{section} para. {number}").format(section=where, number=paragraph.number.strip("()"))
    return where


def plan_objects_on_map(statute: Statute, limit: int = 1000) -> list[tuple[str, list[str]]]:
    """(layer name, gml:ids) of the plan objects on the statute's map, for the editor's list."""
    rows = db.session.execute(
        select(Layer.name, LayerFeature.properties["gml_id"].as_string())
        .join(LayerFeature, Layer.current_version_id == LayerFeature.version_id)
        .join(MapLayer, MapLayer.layer_id == Layer.id)
        .where(MapLayer.map_id == statute.map_id, LayerFeature.properties["gml_id"].as_string().is_not(None))
        .order_by(MapLayer.position, LayerFeature.id)
        .limit(limit)
    )
    layers: dict[str, list[str]] = {}
    for name, gml_id in rows:
        layers.setdefault(name, []).append(gml_id)
    return list(layers.items())
