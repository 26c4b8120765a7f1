"""Likely duplicates among a subject's comments: close in place and similar in text.

Computed here on the server (rapidfuzz, pyproj); no text leaves it. Two top-level comments
(published or waiting for approval, not deleted) are likely duplicates when

- both are pinned within `RADIUS_M` metres of each other, or neither has a place, and
- their texts are similar: rapidfuzz's ``token_set_ratio`` of the case-folded texts is at least
  `THRESHOLD`. It compares the words the texts share, so a letter that repeats an online comment
  and adds a sentence still scores high, where the plain ratio would fall with every added word.
  80 is where, in the comments of the demo and of the tests, reworded versions of the same concern
  ("Bitte mehr Bäume am Markt" / "Mehr Bäume auf dem Markt, bitte!") are found and different
  concerns about the same place are not. It is a hint for the planner, not a verdict: "more
  parking" and "less parking" at the same place score high too. A text of fewer than `MIN_WORDS` words shares all its
  words with too many others ("Ja"), so such a pair must also be similar as a whole
  (``ratio`` ≥ `THRESHOLD`).

It stays far from comparing every pair: pins are put in a grid of `RADIUS_M` cells in a local
metric projection, and each comment is compared only with those in its own and the eight
neighbouring cells; the texts of a block are compared at once in C (``rapidfuzz.process.cdist``).
At most the newest `MAX_COMPARED` comments of a subject are looked at, and of those without a
place the newest `MAX_UNPLACED` (they have no cells and are compared all with all); the page says
when a subject has more.
"""
from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyproj import Geod
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import func, select

from participation.comments.models import Comment, Visibility
from participation.comments.subjects import Subject, of_subject
from participation.extensions import db

RADIUS_M = 75.0
THRESHOLD = 80
MIN_WORDS = 3
MAX_COMPARED = 10_000
MAX_UNPLACED = 2_000
#: Pairs shown on the subject's page, the most similar first.
MAX_PAIRS = 300
_EARTH_RADIUS_M = 6_371_008.8
_GEOD = Geod(ellps="WGS84")
_CONSIDERED = (Visibility.PUBLISHED, Visibility.PENDING)


@dataclass(frozen=True)
class Likely:
    """One comment that looks like another: its text score (0–100) and distance in metres (None: no places)."""

    comment: Comment
    score: int
    distance_m: float | None


@dataclass(frozen=True)
class DuplicatePair:
    first: Comment
    second: Comment
    score: int
    distance_m: float | None


@dataclass(frozen=True)
class DuplicateReport:
    pairs: list[DuplicatePair]
    #: How many comments were compared, and how many the subject has (more: only the newest were compared).
    compared: int
    total: int
    #: More pairs were found than `MAX_PAIRS`.
    truncated: bool


def normalised(text: str) -> str:
    """The text as compared: case-folded (ß → ss), punctuation gone, spaces collapsed."""
    return " ".join(default_process((text or "").casefold()).split())


def text_score(a: str, b: str) -> int:
    """How alike two normalised texts are, 0–100, by the rule above."""
    score = fuzz.token_set_ratio(a, b)
    if score >= THRESHOLD and min(len(a.split()), len(b.split())) < MIN_WORDS:
        score = min(score, fuzz.ratio(a, b))
    return round(score)


def distance_m(a: Comment, b: Comment) -> float | None:
    """Metres between two pins on the WGS84 ellipsoid; None if either has no place."""
    if a.location is None or b.location is None:
        return None
    _az, _back, metres = _GEOD.inv(a.location.x, a.location.y, b.location.x, b.location.y)
    return float(metres)


def _candidates(subject: Subject, limit: int) -> list[Comment]:
    return list(db.session.scalars(
        select(Comment).where(of_subject(subject), Comment.parent_id.is_(None), Comment.deleted_at.is_(None),
                              Comment.visibility.in_(_CONSIDERED))
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)))


def _count(subject: Subject) -> int:
    return db.session.scalar(select(func.count(Comment.id)).where(
        of_subject(subject), Comment.parent_id.is_(None), Comment.deleted_at.is_(None),
        Comment.visibility.in_(_CONSIDERED))) or 0


class _Grid:
    """Pins in cells of `RADIUS_M` in an equirectangular projection about the subject's middle:
    within a town its distortion is far below a metre at these distances."""

    def __init__(self, comments: Sequence[Comment]) -> None:
        latitudes = [c.location.y for c in comments]
        self.lat0 = math.radians(sum(latitudes) / len(latitudes)) if latitudes else 0.0
        self.cells: dict[tuple[int, int], list[Comment]] = defaultdict(list)
        for comment in comments:
            self.cells[self.cell_of(comment)].append(comment)

    def cell_of(self, comment: Comment) -> tuple[int, int]:
        x = math.radians(comment.location.x) * math.cos(self.lat0) * _EARTH_RADIUS_M
        y = math.radians(comment.location.y) * _EARTH_RADIUS_M
        return math.floor(x / RADIUS_M), math.floor(y / RADIUS_M)

    def around(self, cell: tuple[int, int]) -> list[Comment]:
        cx, cy = cell
        return [c for dx in (-1, 0, 1) for dy in (-1, 0, 1) for c in self.cells.get((cx + dx, cy + dy), ())]


def _similar(queries: Sequence[Comment], choices: Sequence[Comment], texts: dict[int, str]):
    """(query, choice, score) for the pairs of `queries` × `choices` whose texts are similar."""
    if not queries or not choices:
        return
    matrix = process.cdist([texts[c.id] for c in queries], [texts[c.id] for c in choices],
                           scorer=fuzz.token_set_ratio, score_cutoff=THRESHOLD, dtype=np.uint8)
    for i, j in zip(*np.nonzero(matrix)):
        query, choice = queries[int(i)], choices[int(j)]
        if query.id == choice.id:
            continue
        score = text_score(texts[query.id], texts[choice.id])
        if score >= THRESHOLD:
            yield query, choice, score


def _collapsed(comments: Sequence[Comment], texts: dict[int, str]) -> tuple[list[Comment], list[tuple[Comment, Comment]]]:
    """Each text once (its first comment), and (first, repeat) for every other comment with the same text:
    a form letter sent a thousand times without a place is a thousand pairs, not half a million comparisons."""
    firsts: dict[str, Comment] = {}
    repeats = []
    for comment in comments:
        first = firsts.setdefault(texts[comment.id], comment)
        if first is not comment:
            repeats.append((first, comment))
    return list(firsts.values()), repeats


class _Found:
    """The pairs found, each once, keeping only the `MAX_PAIRS` most similar (then closest) in memory."""

    def __init__(self) -> None:
        self.seen: set[tuple[int, int]] = set()
        self.heap: list[tuple[tuple, DuplicatePair]] = []

    def add(self, a: Comment, b: Comment, score: int, metres: float | None) -> None:
        if a.id > b.id:
            a, b = b, a
        if (a.id, b.id) in self.seen:
            return
        self.seen.add((a.id, b.id))
        # The heap's first item is the least similar kept, so that it goes first when a better pair comes.
        key = (score, -(metres or 0.0), -a.id, -b.id)
        item = (key, DuplicatePair(a, b, score, metres))
        if len(self.heap) < MAX_PAIRS:
            heapq.heappush(self.heap, item)
        elif key > self.heap[0][0]:
            heapq.heapreplace(self.heap, item)

    def pairs(self) -> list[DuplicatePair]:
        return [pair for _key, pair in sorted(self.heap, key=lambda item: item[0], reverse=True)]


def likely_duplicates(subject: Subject) -> DuplicateReport:
    """Every likely duplicate pair among the subject's comments (at most `MAX_PAIRS`, the most similar,
    then closest, first)."""
    comments = _candidates(subject, MAX_COMPARED)
    texts = {c.id: normalised(c.text) for c in comments}
    placed = [c for c in comments if c.location is not None]
    unplaced = [c for c in comments if c.location is None][:MAX_UNPLACED]
    found = _Found()
    grid = _Grid(placed)
    for cell, members in grid.cells.items():
        for a, b, score in _similar(members, grid.around(cell), texts):
            metres = distance_m(a, b)
            if metres is not None and metres <= RADIUS_M:
                found.add(a, b, score, metres)
    # Without places, identical texts (a form letter sent many times) are paired with their first only.
    queries, repeats = _collapsed(unplaced, texts)
    for first, repeat in repeats:
        found.add(first, repeat, 100, None)
    for a, b, score in _similar(queries, queries, texts):
        found.add(a, b, score, None)
    return DuplicateReport(pairs=found.pairs(), compared=len(placed) + len(unplaced), total=_count(subject),
                           truncated=len(found.seen) > MAX_PAIRS)


def likely_duplicates_of(comment: Comment, limit: int = 5) -> list[Likely]:
    """The comments of the same subject that look like `comment`, the most similar first.

    A pinned comment is compared with the pins within `RADIUS_M` (found by their bounding-box
    columns, so by the index rather than the whole subject); one without a place with the
    subject's newest `MAX_UNPLACED` comments without a place.
    """
    subject = comment.subject
    query = select(Comment).where(
        of_subject(subject), Comment.id != comment.id, Comment.parent_id.is_(None), Comment.deleted_at.is_(None),
        Comment.visibility.in_(_CONSIDERED))
    if comment.location is not None:
        lon, lat = comment.location.x, comment.location.y
        dlat = math.degrees(RADIUS_M / _EARTH_RADIUS_M)
        dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
        query = query.where(Comment.min_x >= lon - dlon, Comment.max_x <= lon + dlon,
                            Comment.min_y >= lat - dlat, Comment.max_y <= lat + dlat)
    else:
        query = query.where(Comment.min_x.is_(None))
    others = list(db.session.scalars(query.order_by(Comment.created_at.desc(), Comment.id.desc())
                                     .limit(MAX_UNPLACED)))
    texts = {c.id: normalised(c.text) for c in others + [comment]}
    found = []
    for _query, other, score in _similar([comment], others, texts):
        metres = distance_m(comment, other)
        if comment.location is None or (metres is not None and metres <= RADIUS_M):
            found.append(Likely(other, score, metres))
    found.sort(key=lambda f: (-f.score, f.distance_m or 0.0, f.comment.id))
    return found[:limit]
