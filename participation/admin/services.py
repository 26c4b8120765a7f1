"""What admins change: towns, roles and town memberships, locks, invitations.

Each function takes the acting admin, logs who did what, and leaves the commit to the caller.
Refusals are `AdminError` with a translated message.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from participation.accounts import services as accounts
from participation.accounts import tokens
from participation.accounts.models import Role, User
from participation.accounts.session import end_sessions
from participation.admin.forms import ROLE_LABELS, TOWN_ROLES
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.builtin import queue_mail
from participation.municipalities import services as towns
from participation.municipalities.models import Municipality
from participation.web.mail import external_url

class AdminError(ValueError):
    """A translated message: why the change was refused."""


# --- Towns -----------------------------------------------------------------------------------

def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be a new town's path segment (translated), or None if it can."""
    if not towns.SLUG.match(slug):
        return _("Use lower-case letters, digits and hyphens only, starting and ending with a letter or digit.")
    if slug in towns.reserved_segments():
        return _("“%(slug)s” is a part of the site's own addresses. Please choose another.", slug=slug)
    if db.session.scalar(select(Municipality.id).where(Municipality.slug == slug)) is not None:
        return _("A town with this address exists already.")
    return None


def create_town(name: str, slug: str, actor: User) -> Municipality:
    """A new member town; raises AdminError for a bad, reserved or taken slug."""
    problem = slug_problem(slug)
    if problem:
        raise AdminError(problem)
    town = towns.create_municipality(slug, name)
    current_app.logger.info("Admin %s created the town %s", actor.id, town.slug)
    return town


def rename_town(town: Municipality, name: str, actor: User) -> Municipality:
    town.name = name.strip()
    current_app.logger.info("Admin %s renamed the town %s", actor.id, town.slug)
    return town


# --- Accounts --------------------------------------------------------------------------------

def _other_unlocked_admins(user: User) -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.is_blocked.is_(False), User.id != user.id)) or 0


def _keep_an_admin(user: User, actor: User, action: str) -> None:
    """Refuse to demote or lock the last unlocked admin, or the acting admin themselves."""
    if user.role is Role.ADMIN and not user.is_blocked and _other_unlocked_admins(user) == 0:
        raise AdminError(_("This is the last unlocked admin account. Make another account an admin first."))
    if user.id == actor.id:
        raise AdminError(_("You cannot lock your own account.") if action == "lock"
                         else _("You cannot take the admin role from your own account."))


def set_role_and_towns(user: User, role: Role, chosen: Iterable[Municipality], actor: User) -> User:
    """A new role and town memberships. Residents keep no towns; admins keep what was chosen
    (they work for every town anyway). Raises AdminError to keep an admin in place."""
    if user.role is Role.ADMIN and role is not Role.ADMIN:
        _keep_an_admin(user, actor, "demote")
    before = (user.role, sorted(t.slug for t in user.municipalities))
    user.role = role
    user.municipalities = [] if role is Role.RESIDENT else list(chosen)
    current_app.logger.info("Admin %s changed user %s from %s %s to %s %s", actor.id, user.id, *before,
                            role, sorted(t.slug for t in user.municipalities))
    return user


def lock(user: User, actor: User) -> User:
    """Lock the account: it cannot log in, and every open session ends."""
    _keep_an_admin(user, actor, "lock")
    user.is_blocked = True
    end_sessions(user)
    current_app.logger.info("Admin %s locked user %s", actor.id, user.id)
    return user


def unlock(user: User, actor: User) -> User:
    user.is_blocked = False
    current_app.logger.info("Admin %s unlocked user %s", actor.id, user.id)
    return user


# --- Invitations -----------------------------------------------------------------------------

def invite(email: str, role: Role, chosen: Iterable[Municipality], actor: User) -> tuple[User, bool]:
    """Invite `email` as `role` for the chosen towns: a new account with a pending invitation and
    the mail with its link. For an address that has an account: that account and False, nothing changed."""
    existing = accounts.find_by_email(email)
    if existing is not None:
        return existing, False
    # A placeholder until the invitee chooses a name; no password works until they set one.
    user = accounts.create_user(email, f"invited-{secrets.token_hex(6)}", None, role)
    user.invited_at = utcnow()
    user.municipalities = list(chosen)  # the invite form offers staff roles only
    send_invitation(user, actor)
    current_app.logger.info("Admin %s invited user %s as %s", actor.id, user.id, role)
    return user, True


def invite_again(user: User, actor: User) -> User:
    """A new link for a pending invitation; the earlier link stops working."""
    if user.invited_at is None:
        raise AdminError(_("This account has accepted its invitation already."))
    if user.is_blocked:
        raise AdminError(_("This account is locked. Unlock it before inviting again."))
    user.invited_at = utcnow()
    send_invitation(user, actor)
    current_app.logger.info("Admin %s invited user %s again", actor.id, user.id)
    return user


def send_invitation(user: User, actor: User) -> None:
    """The invitation mail, in the site's default language: the invitee has not chosen one yet."""
    link = external_url("invitations.accept", token=tokens.make_token(user, tokens.INVITE))
    days = current_app.config["INVITE_TOKEN_MAX_AGE"] // (24 * 3600)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(
            "mail/invite.txt", link=link, days=days, role=str(ROLE_LABELS[user.role]),
            towns=", ".join(sorted(t.name for t in user.municipalities)) if user.role in TOWN_ROLES else "",
            inviter=actor.pseudonym,
        )
        queue_mail(user.email, _("Your invitation to the participation pool"), body)
