"""Reading follows: what one account follows, and who follows a subject or an area of a town."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from participation.extensions import db
from participation.notifications.mailing import address_key
from participation.notifications.models import Follow, MailOptOut
from participation.projects.models import Project
from participation.statutes.models import Statute

#: The kinds of subject one can follow, by the name used in URLs and keys.
SUBJECT_KINDS = ("project", "statute")


def subject_kind(subject: Project | Statute) -> str:
    return "project" if isinstance(subject, Project) else "statute"


def _subject_column(kind: str):
    return Follow.project_id if kind == "project" else Follow.statute_id


def follow_of(user, subject: Project | Statute) -> Follow | None:
    """The account's follow of this project or statute, if any."""
    column = _subject_column(subject_kind(subject))
    return db.session.scalar(select(Follow).where(Follow.user_id == user.id, column == subject.id)
                             .order_by(Follow.id).limit(1))


def follows_of(user) -> list[Follow]:
    """Everything the account follows, oldest first, with subject and town loaded."""
    return list(db.session.scalars(
        select(Follow).where(Follow.user_id == user.id)
        .options(selectinload(Follow.project), selectinload(Follow.statute))
        .order_by(Follow.created_at, Follow.id)))


def subject_followers(subject: Project | Statute) -> list[Follow]:
    """The follows of one project or statute, with their accounts, in a stable order."""
    column = _subject_column(subject_kind(subject))
    return list(db.session.scalars(select(Follow).where(column == subject.id)
                                   .options(selectinload(Follow.user)).order_by(Follow.id)))


def area_follows(municipality_id: int) -> list[Follow]:
    """The areas followed in one town, with their accounts."""
    return list(db.session.scalars(
        select(Follow).where(Follow.municipality_id == municipality_id, Follow.location.is_not(None))
        .options(selectinload(Follow.user)).order_by(Follow.id)))


def opted_out_kinds(email: str) -> set[str]:
    """The kinds of notice this address unsubscribed from."""
    return set(db.session.scalars(select(MailOptOut.kind).where(MailOptOut.address_key == address_key(email))))
