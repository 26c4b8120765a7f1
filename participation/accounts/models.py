from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from participation.accounts.names import name_skeleton
from participation.database.mixins import TimestampMixin
from participation.database.types import UTCDateTime, text_enum
from participation.extensions import db
from participation.municipalities.models import memberships


class Role(enum.StrEnum):
    RESIDENT = "resident"
    PLANNER = "planner"
    GIS = "gis"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; never shown publicly, never exported pseudonymised.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: The public name shown beside comments.
    pseudonym: Mapped[str] = mapped_column(String(40), unique=True)
    #: Argon2id hash (memory-hard).
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        text_enum(Role),
        default=Role.RESIDENT,
    )
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Blocked accounts cannot log in.
    is_blocked: Mapped[bool] = mapped_column(default=False)
    #: Set when an admin invites the account; cleared when the invitee sets a password.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Counted up by logout, password change and reset: sessions and "stay logged in" cookies
    #: made under an older generation no longer log in.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The public name's Unicode TR 39 skeleton, unique: no two names that look alike.
    pseudonym_skeleton: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)

    municipalities: Mapped[list["Municipality"]] = relationship(  # noqa: F821
        secondary=memberships, back_populates="members"
    )

    @validates("pseudonym")
    def _keep_skeleton(self, _key: str, pseudonym: str) -> str:
        # On every create and rename, whoever sets the name: the unique index does the refusing.
        self.pseudonym_skeleton = name_skeleton(pseudonym)
        return pseudonym

    def get_id(self) -> str:
        """The identity in the session and the "stay logged in" cookie: the id with the session
        generation, so that counting the generation up ends every older session (`session.py`)."""
        return f"{self.id}:{self.session_generation or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return not self.is_blocked

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
