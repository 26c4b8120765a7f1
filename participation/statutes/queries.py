"""Reading statutes: the town's register (filters, full-text search, pages) and its map."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from shapely.geometry import mapping
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from participation.comments.queries import positive_int
from participation.database.fulltext import FullTextTable, matches
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.statutes.models import LegalStatus, Statute, StatuteKind
from participation.statutes.permissions import visible_statutes

PAGE_SIZE = 20
#: The full-text index over `statute.search_text` (made by the migration).
SEARCH_TEXT = FullTextTable("statute", "search_text")
#: Longer search input is cut: the index matches at most 20 words anyway.
MAX_QUERY_LENGTH = 200
#: Degrees: areas on the register map are simplified to about a metre, which no one sees at town zoom.
MAP_TOLERANCE = 1e-5


@dataclass(frozen=True)
class RegisterView:
    """What a person chose on the register: kind, legal status, search words, page.

    The URL keys are `art`, `stand`, `suche` and `seite`; an unknown value is ignored.
    """

    kind: StatuteKind | None = None
    status: LegalStatus | None = None
    query: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> RegisterView:
        kind = args.get("art") or ""
        status = args.get("stand") or ""
        return cls(
            kind=StatuteKind(kind) if kind in StatuteKind._value2member_map_ else None,
            status=LegalStatus(status) if status in LegalStatus._value2member_map_ else None,
            query=" ".join((args.get("suche") or "")[:MAX_QUERY_LENGTH].split()),
            page=positive_int(args.get("seite")) or 1,
        )

    def to_args(self, *, page: bool = True) -> dict[str, str]:
        """The non-default values with the keys `from_args` reads (for links and the map's data URL)."""
        args: dict[str, str] = {}
        if self.kind is not None:
            args["art"] = self.kind.value
        if self.status is not None:
            args["stand"] = self.status.value
        if self.query:
            args["suche"] = self.query
        if page and self.page != 1:
            args["seite"] = str(self.page)
        return args

    def at_page(self, number: int) -> RegisterView:
        return replace(self, page=number)

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.status or self.query)


@dataclass
class RegisterPage:
    items: list[Statute]
    number: int
    pages: int
    total: int


def _register(town: Municipality, user, view: RegisterView) -> Select:
    query = visible_statutes(user).where(Statute.municipality_id == town.id)
    if view.kind is not None:
        query = query.where(Statute.kind == view.kind)
    if view.status is not None:
        query = query.where(Statute.status == view.status)
    if view.query:
        found = matches(db.engine.dialect, Statute, SEARCH_TEXT, view.query)
        if found is not None:
            query = query.where(found)
    return query


def register_page(town: Municipality, user, view: RegisterView) -> RegisterPage:
    """One page of the statutes of `town` that `user` may see and `view` chose, newest first,
    with predecessors and successors loaded (the list links them)."""
    listed = _register(town, user, view)
    total = db.session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(view.page, pages)
    items = db.session.scalars(
        listed.options(selectinload(Statute.replaced_by), selectinload(Statute.replaces))
        .order_by(Statute.created_at.desc(), Statute.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    ).all()
    return RegisterPage(list(items), number, pages, total)


def register_areas(town: Municipality, user, view: RegisterView) -> list[Statute]:
    """Every statute with an area that `view` chose (all pages: the map shows them all)."""
    return list(db.session.scalars(_register(town, user, view).where(Statute.area.is_not(None))
                                   .order_by(Statute.id)))


def area_feature(statute: Statute, url: str, label: str, colour: str) -> dict:
    """A GeoJSON feature of `statute`'s area for the register map: its simplified outline, the page's
    URL, a label for the tooltip and the status colour. The browser writes the label as text."""
    return {
        "type": "Feature",
        "id": statute.id,
        "geometry": mapping(statute.area.simplify(MAP_TOLERANCE, preserve_topology=True)),
        "properties": {"url": url, "label": label, "colour": colour, "draft": not statute.is_published},
    }
