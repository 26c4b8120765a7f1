"""What the admin area reads: towns with their member counts, pages of accounts."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from participation.accounts.models import Role, User
from participation.extensions import db
from participation.municipalities.models import Municipality, memberships

PAGE_SIZE = 25


def whole_number(text: str | None) -> int | None:
    """A number from 1 to 999 999 999 in ASCII digits (a page, an id from a query string), else None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        return None
    return int(text) or None


def all_towns() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name, Municipality.id)))


def towns_with_member_counts() -> list[tuple[Municipality, int]]:
    """Every town with the number of accounts that work for it, by name."""
    members = (select(memberships.c.municipality_id, func.count().label("n"))
               .group_by(memberships.c.municipality_id).subquery())
    rows = db.session.execute(
        select(Municipality, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.municipality_id == Municipality.id)
        .order_by(Municipality.name, Municipality.id)
    )
    return [(town, count) for town, count in rows.all()]


@dataclass(frozen=True)
class AccountFilter:
    """The account list's choice: text in the address or public name, role, town, page."""

    text: str = ""
    role: Role | None = None
    town_id: int | None = None
    page: int = 1

    def to_args(self) -> dict[str, str]:
        """The non-default values as query-string arguments (for the pagination links)."""
        args = {"q": self.text, "role": self.role.value if self.role else "",
                "town": str(self.town_id) if self.town_id else "", "seite": str(self.page) if self.page > 1 else ""}
        return {key: value for key, value in args.items() if value}

    def at_page(self, number: int) -> AccountFilter:
        return AccountFilter(self.text, self.role, self.town_id, number)


@dataclass
class AccountPage:
    items: list[User]
    number: int
    pages: int
    total: int


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def account_page(choice: AccountFilter) -> AccountPage:
    """One page of accounts as `choice` filters them, newest first, with their towns loaded."""
    query = select(User)
    if choice.text:
        pattern = f"%{_escape_like(choice.text.lower())}%"
        query = query.where(or_(User.email.like(pattern, escape="\\"),
                                func.lower(User.pseudonym).like(pattern, escape="\\")))
    if choice.role is not None:
        query = query.where(User.role == choice.role)
    if choice.town_id is not None:
        query = query.where(User.municipalities.any(Municipality.id == choice.town_id))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(choice.page, 1), pages)
    items = db.session.scalars(
        query.options(selectinload(User.municipalities))
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    ).all()
    return AccountPage(items=list(items), number=number, pages=pages, total=total)


def count_accounts() -> dict[str, int]:
    """Numbers for the admin overview."""
    return {
        "accounts": db.session.scalar(select(func.count(User.id))) or 0,
        "invited": db.session.scalar(select(func.count(User.id)).where(User.invited_at.is_not(None))) or 0,
        "locked": db.session.scalar(select(func.count(User.id)).where(User.is_blocked.is_(True))) or 0,
        "towns": db.session.scalar(select(func.count(Municipality.id))) or 0,
    }
