"""Creating, changing, publishing and deleting statutes. The caller commits, once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select

from geo.errors import N_
from participation.comments.models import Comment
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.areas import check_area
from participation.statutes.models import LegalStatus, Statute, StatuteKind
from participation.statutes.periods import local_date


class StatuteRefused(ValueError):
    """A change the rules do not allow; `reason` is an English msgid for the person (translated by the view)."""

    reason = N_("This change is not allowed.")


class NoArea(StatuteRefused):
    reason = N_("A statute is published with its map: draw or upload its area of application "
                "before publishing it.")


class NotADraft(StatuteRefused):
    reason = N_("Only a draft can be deleted. Withdraw the statute from publication first.")


class OnRecord(StatuteRefused):
    reason = N_("This statute has had a participation period or formal statements; they are part of the "
                "procedure's record, so it cannot be deleted. Withdraw it from publication instead.")


class InvalidSuccessor(StatuteRefused):
    """The statute named as successor cannot replace this one."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


#: The reasons InvalidSuccessor gives (msgids).
SUCCESSOR_IS_ITSELF = N_("A statute cannot replace itself.")
SUCCESSOR_ELSEWHERE = N_("The successor must be a statute of the same town.")
SUCCESSOR_CYCLE = N_("That statute is itself replaced, directly or in turn, by this one; "
                     "the chain would go round in a circle.")


@dataclass
class StatuteData:
    """Validated input for a statute."""

    title: str
    kind: StatuteKind = StatuteKind.BEBAUUNGSPLAN
    number: str = ""
    summary: str = ""
    status: LegalStatus = LegalStatus.PLANNING_DECISION
    planning_decision_on: date | None = None
    adopted_on: date | None = None
    in_force_from: date | None = None
    repealed_on: date | None = None
    #: The id of the statute that replaces this one, or None.
    replaced_by_id: int | None = None
    #: None keeps the current area when editing.
    area: BaseGeometry | None = None
    #: The planner confirmed an area larger than any town (asked only when the town has no boundary).
    size_confirmed: bool = False
    #: New comments wait for a moderator's approval.
    pre_moderation: bool = False


def _successor(statute: Statute | None, town: Municipality, successor_id: int | None) -> Statute | None:
    """The statute `successor_id` names, checked: same town, not `statute` itself, no circle."""
    if successor_id is None:
        return None
    successor = db.session.get(Statute, successor_id)
    if successor is None or successor.municipality_id != town.id:
        raise InvalidSuccessor(SUCCESSOR_ELSEWHERE)
    if statute is not None and statute.id is not None:
        if successor.id == statute.id:
            raise InvalidSuccessor(SUCCESSOR_IS_ITSELF)
        seen = {successor.id}
        step = successor.replaced_by
        while step is not None and step.id not in seen:
            if step.id == statute.id:
                raise InvalidSuccessor(SUCCESSOR_CYCLE)
            seen.add(step.id)
            step = step.replaced_by
    return successor


def _apply(statute: Statute, data: StatuteData, successor: Statute | None) -> None:
    statute.title = data.title.strip()
    statute.kind = data.kind
    statute.number = data.number.strip()
    statute.summary = data.summary.strip()
    statute.status = data.status
    statute.planning_decision_on = data.planning_decision_on
    statute.adopted_on = data.adopted_on
    statute.in_force_from = data.in_force_from
    statute.repealed_on = data.repealed_on
    statute.pre_moderation = data.pre_moderation
    statute.replaced_by = successor
    if successor is not None:
        # A replaced statute no longer applies.
        statute.status = LegalStatus.REPEALED
    if data.area is not None:
        statute.set_area(data.area)
    refresh_search_text(statute)


def create_statute(town: Municipality, data: StatuteData, author) -> Statute:
    """Add a draft statute to `town`.

    Raises AreaOutsideBoundary or AreaSizeUnconfirmed (`projects.areas.check_area`) for an area that
    does not fit the town, InvalidSuccessor for a successor that cannot replace it; nothing is added then.
    """
    if data.area is not None:
        check_area(town, data.area, size_confirmed=data.size_confirmed)
    successor = _successor(None, town, data.replaced_by_id)
    statute = Statute(municipality=town, created_by_id=author.id)
    _apply(statute, data, successor)
    db.session.add(statute)
    db.session.flush()
    current_app.logger.info("User %s created statute %s in %s", author.id, statute.id, town.slug)
    return statute


def update_statute(statute: Statute, data: StatuteData, editor) -> Statute:
    """Change a statute; raises as `create_statute` does (nothing changed then)."""
    if data.area is not None:
        check_area(statute.municipality, data.area, size_confirmed=data.size_confirmed)
    successor = _successor(statute, statute.municipality, data.replaced_by_id)
    _apply(statute, data, successor)
    current_app.logger.info("User %s updated statute %s", editor.id, statute.id)
    return statute


def set_area(statute: Statute, area: BaseGeometry, editor, *, size_confirmed: bool = False) -> Statute:
    """Give `statute` its area of application; raises AreaOutsideBoundary or AreaSizeUnconfirmed."""
    check_area(statute.municipality, area, size_confirmed=size_confirmed)
    statute.set_area(area)
    current_app.logger.info("User %s set the area of statute %s", editor.id, statute.id)
    return statute


def publish_statute(statute: Statute, editor) -> Statute:
    """Show `statute` to everyone; raises NoArea while it has no area (no statute without its map)."""
    if statute.area is None or statute.area.is_empty:
        raise NoArea()
    if statute.published_at is None:
        statute.published_at = utcnow()
        current_app.logger.info("User %s published statute %s", editor.id, statute.id)
    return statute


def unpublish_statute(statute: Statute, editor) -> Statute:
    """Take `statute` back to a draft that only the town's planners see."""
    if statute.published_at is not None:
        statute.published_at = None
        current_app.logger.info("User %s withdrew statute %s from publication", editor.id, statute.id)
    return statute


def delete_draft(statute: Statute, editor) -> None:
    """Delete a statute that was never published (or was withdrawn); raises NotADraft for a published one.

    Its text, documents' rows, periods and map go with it; statutes it replaced lose the link. One that
    has had a participation period or formal statements is on record: OnRecord.
    """
    if statute.is_published:
        raise NotADraft()
    today = local_date(utcnow())
    formal = db.session.scalar(select(Comment.id).where(Comment.statute_id == statute.id,
                                                        Comment.reference.is_not(None)).limit(1))
    if formal is not None or any(period.starts_on <= today for period in statute.periods):
        raise OnRecord()
    current_app.logger.info("User %s deleted draft statute %s (%r)", editor.id, statute.id, statute.title)
    for predecessor in list(statute.replaces):
        predecessor.replaced_by = None
    db.session.delete(statute)


def refresh_search_text(statute: Statute) -> None:
    """Put number, title, summary and the whole text (headings and paragraphs) into `search_text`,
    which the full-text index reads. Call after any change of these (the text editor does)."""
    parts = [statute.number, statute.title, statute.summary]
    for section in statute.sections:
        parts += [section.number, section.heading]
        parts += [paragraph.text for paragraph in section.paragraphs]
    statute.search_text = "\n".join(part.strip() for part in parts if part and part.strip())
