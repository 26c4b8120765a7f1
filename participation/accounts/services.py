"""Account changes: registration, confirmation, password reset."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from participation.accounts import tokens
from participation.accounts.models import Role, User
from participation.accounts.passwords import hash_password, needs_rehash, verify_password
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.builtin import queue_mail


#: Not an Argon2 hash, so no password ever matches it.
UNUSABLE_PASSWORD = "!"


class AccountError(ValueError):
    """A translated message for the form."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def pseudonym_taken(pseudonym: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.pseudonym) == pseudonym.strip().lower())) is not None


def create_user(email: str, pseudonym: str, password: str | None, role: Role = Role.RESIDENT, confirmed: bool = False) -> User:
    """Create an account; raises AccountError if the address or name is taken."""
    if find_by_email(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."))
    if pseudonym_taken(pseudonym):
        raise AccountError(_("This public name is already taken. Please choose another."))
    user = User(
        email=normalise_email(email),
        pseudonym=pseudonym.strip(),
        # No password: the account cannot log in with one (demo people, later single sign-on).
        password_hash=hash_password(password) if password is not None else UNUSABLE_PASSWORD,
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    current_app.logger.info("User %s created with role %s", user.id, role)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None. Upgrades outdated hashes."""
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def send_confirmation(user: User) -> None:
    link = url_for("accounts.confirm", token=tokens.make_token(user, tokens.CONFIRM), _external=True)
    queue_mail(
        user.email,
        _("Please confirm your e-mail address"),
        render_template("mail/confirm.txt", user=user, link=link),
    )


def send_already_registered(user: User) -> None:
    """Someone tried to register an existing address: tell its owner, not the visitor."""
    queue_mail(
        user.email,
        _("You already have an account"),
        render_template("mail/already_registered.txt", user=user, login=url_for("accounts.login", _external=True),
                        reset=url_for("accounts.forgot_password", _external=True)),
    )


def confirm_email(token: str) -> User | None:
    user = tokens.load_token(token, tokens.CONFIRM, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    if user is not None and user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        current_app.logger.info("User %s confirmed the e-mail address", user.id)
    return user


def send_reset(user: User) -> None:
    link = url_for("accounts.reset_password", token=tokens.make_token(user, tokens.RESET), _external=True)
    queue_mail(user.email, _("Reset your password"), render_template("mail/reset.txt", user=user, link=link))


def reset_password(token: str, password: str) -> User | None:
    user = tokens.load_token(token, tokens.RESET, current_app.config["RESET_TOKEN_MAX_AGE"])
    if user is None:
        return None
    user.password_hash = hash_password(password)
    # The link proved control of the mailbox.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    current_app.logger.info("User %s reset the password", user.id)
    return user
