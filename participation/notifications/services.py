"""Following and unfollowing, and taking back an unsubscribe. The caller commits."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import delete

from participation.addresses.models import Address
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.notifications import openings, queries
from participation.notifications.mailing import address_key
from participation.notifications.models import Follow, MailOptOut
from participation.projects.models import Project
from participation.statutes.models import Statute


def follow(user, subject: Project | Statute) -> Follow:
    """Follow a project or statute (again is harmless: the existing follow is returned).

    What is open already is not announced afterwards (`openings.mark_seen`).
    """
    existing = queries.follow_of(user, subject)
    if existing is not None:
        return existing
    kind = queries.subject_kind(subject)
    row = Follow(user_id=user.id, municipality_id=subject.municipality_id,
                 project_id=subject.id if kind == "project" else None,
                 statute_id=subject.id if kind == "statute" else None)
    db.session.add(row)
    db.session.flush()
    openings.mark_seen(row)
    current_app.logger.info("User %s follows %s %s", user.id, kind, subject.id)
    return row


def unfollow(user, subject: Project | Statute) -> bool:
    """Stop following a project or statute; False if the account did not follow it."""
    existing = queries.follow_of(user, subject)
    if existing is None:
        return False
    stop(existing)
    return True


def follow_area(user, town: Municipality, address: Address, radius_m: int) -> Follow:
    """Follow the area within `radius_m` metres of an address of the town's list (one of `openings.RADII`).
    The same place and radius again returns the existing follow."""
    if radius_m not in openings.RADII:
        raise ValueError(f"radius {radius_m!r} is not offered")
    if address.municipality_id != town.id:
        raise ValueError("the address belongs to another town")
    for existing in queries.follows_of(user):
        if (existing.municipality_id == town.id and existing.location is not None
                and existing.radius_m == radius_m and existing.location.equals(address.location)):
            return existing
    row = Follow(user_id=user.id, municipality_id=town.id, location=address.location, radius_m=radius_m,
                 label=address.label[:300])
    db.session.add(row)
    db.session.flush()
    openings.mark_seen(row)
    current_app.logger.info("User %s follows an area of %s m in %s", user.id, radius_m, town.slug)
    return row


def stop(row: Follow) -> None:
    """End one follow."""
    db.session.delete(row)
    db.session.flush()
    current_app.logger.info("User %s stopped follow %s", row.user_id, row.id)


def resubscribe(email: str, kind: str) -> bool:
    """Take back an unsubscribe from `kind`; False if the address had not unsubscribed."""
    result = db.session.execute(delete(MailOptOut).where(MailOptOut.address_key == address_key(email),
                                                         MailOptOut.kind == kind))
    return bool(result.rowcount)

