"""The invitee's page: the link from the invitation mail, where they choose a public name and password."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts import services as accounts
from participation.accounts.session import start_session
from participation.admin.forms import ROLE_LABELS, TOWN_ROLES, AcceptInvitationForm
from participation.extensions import db, limiter

bp = Blueprint("invitations", __name__, url_prefix="/konto/einladung")


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept(token: str):
    user = accounts.invited_user(token)
    if user is None:
        flash(_("This invitation link is invalid, has expired or has been used already. If you have set your "
                "password, log in; otherwise ask the person who invited you for a new link."), "danger")
        # The login page sends a logged-in visitor (the invitee who used the link) home anyway.
        return redirect(url_for("pages.index" if current_user.is_authenticated else "accounts.login"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            accounts.accept_invitation(user, form.pseudonym.data, form.password.data)
        except accounts.AccountError as error:
            form.pseudonym.errors.append(str(error))
        else:
            start_session(user, remember=False)
            db.session.commit()
            current_app.logger.info("User %s logged in after accepting the invitation", user.id)
            flash(_("Welcome, %(name)s! Your account is ready and you are logged in.", name=user.pseudonym), "success")
            # Straight to the work: the town's page when there is one town to work for.
            if user.role in TOWN_ROLES and len(user.municipalities) == 1:
                return redirect(url_for("municipalities.show", slug=user.municipalities[0].slug))
            return redirect(url_for("pages.index"))
    return render_template("admin/accept.html", form=form, user=user, role_labels=ROLE_LABELS), \
        400 if form.errors else 200
