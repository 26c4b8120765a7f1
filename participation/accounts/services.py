"""Account changes: registration, confirmation, password reset."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from participation.accounts import tokens
from participation.accounts.models import Role, User
from participation.accounts.names import name_skeleton
from participation.accounts.passwords import hash_password, needs_rehash, verify_password
from participation.accounts.session import end_sessions
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.builtin import queue_mail
from participation.jobs.services import enqueue
from participation.web.mail import external_url, send_mail

#: Not an Argon2 hash, so no password ever matches it.
UNUSABLE_PASSWORD = "!"
#: The job that sends a reset link, if the address has an account (`send_reset_if_known`).
RESET_MAIL_JOB = "password_reset_mail"


class AccountError(ValueError):
    """A translated message for the form."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def pseudonym_taken(pseudonym: str) -> bool:
    """Whether a name that looks like `pseudonym` is taken (same TR 39 skeleton, or the same
    letters in another case for accounts from before skeletons)."""
    name = pseudonym.strip()
    return db.session.scalar(select(User.id).where(or_(
        User.pseudonym_skeleton == name_skeleton(name), func.lower(User.pseudonym) == name.lower(),
    )).limit(1)) is not None


def create_user(email: str, pseudonym: str, password: str | None, role: Role = Role.RESIDENT, confirmed: bool = False) -> User:
    """Create an account; raises AccountError if the address or name is taken."""
    if find_by_email(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."))
    if pseudonym_taken(pseudonym):
        raise AccountError(_("This public name is already taken. Please choose another."))
    # No password: the account cannot log in with one (demo people, later single sign-on).
    return _add_user(email, pseudonym, hash_password(password) if password is not None else UNUSABLE_PASSWORD,
                     role, confirmed)


def _add_user(email: str, pseudonym: str, password_hash: str, role: Role, confirmed: bool) -> User:
    user = User(
        email=normalise_email(email),
        pseudonym=pseudonym.strip(),  # sets pseudonym_skeleton too
        password_hash=password_hash,
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    current_app.logger.info("User %s created with role %s", user.id, role)
    return user


def register(email: str, pseudonym: str, password: str) -> User | None:
    """A new resident account with a confirmation mail; for a known address, a mail to its
    owner instead (and None). Both ways hash the password and send one mail, so that neither
    the answer nor its time tells a visitor whether the address has an account.
    The caller has checked that the public name is free."""
    password_hash = hash_password(password)
    existing = find_by_email(email)
    if existing is not None:
        send_already_registered(existing)
        return None
    user = _add_user(email, pseudonym, password_hash, Role.RESIDENT, confirmed=False)
    send_confirmation(user)
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
    link = external_url("accounts.confirm", token=tokens.make_token(user, tokens.CONFIRM))
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
        render_template("mail/already_registered.txt", user=user, login=external_url("accounts.login"),
                        reset=external_url("accounts.forgot_password")),
    )


def confirm_email(token: str) -> User | None:
    user = tokens.load_token(token, tokens.CONFIRM, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    if user is not None and user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        current_app.logger.info("User %s confirmed the e-mail address", user.id)
    return user


def request_password_reset(email: str) -> None:
    """Queue the reset mail for `email` whether or not it has an account: the job looks the
    address up, so the request does the same work either way and its time tells nothing."""
    enqueue(RESET_MAIL_JOB, {"email": normalise_email(email), "locale": str(get_locale() or "de")})


def send_reset_if_known(ctx, email: str, locale: str) -> dict:
    """The job behind `request_password_reset`: a reset link if the address has an unblocked account.

    Not for a pending invitation: its name and consent come from the invitation link alone."""
    user = find_by_email(email)
    if user is None or user.is_blocked or user.invited_at is not None:
        return {"sent": False}
    with force_locale(locale):
        link = external_url("accounts.reset_password", token=tokens.make_token(user, tokens.RESET))
        send_mail(user.email, _("Reset your password"), render_template("mail/reset.txt", user=user, link=link))
    return {"sent": True}


def set_password(user: User, password: str) -> None:
    """A new password; every session and "stay logged in" cookie of the account ends."""
    user.password_hash = hash_password(password)
    end_sessions(user)


def reset_password(token: str, password: str) -> User | None:
    user = tokens.load_token(token, tokens.RESET, current_app.config["RESET_TOKEN_MAX_AGE"])
    if user is None:
        return None
    set_password(user, password)
    # The link proved control of the mailbox.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    current_app.logger.info("User %s reset the password", user.id)
    return user


def invited_user(token: str) -> User | None:
    """The unlocked account with a pending invitation that `token` is the newest link for, else None."""
    max_age = current_app.config["INVITE_TOKEN_MAX_AGE"]
    user = tokens.load_token(token, tokens.INVITE, max_age)
    if user is None or user.invited_at is None or user.is_blocked:
        return None
    return user


def accept_invitation(user: User, pseudonym: str, password: str) -> User:
    """The invitee's own public name and password; the link proved the address. Raises
    AccountError if a name like `pseudonym` is taken. Setting the password ends the link."""
    if pseudonym_taken(pseudonym):
        raise AccountError(_("This public name is already taken. Please choose another."))
    user.pseudonym = pseudonym.strip()
    set_password(user, password)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    user.invited_at = None
    current_app.logger.info("User %s accepted the invitation", user.id)
    return user
