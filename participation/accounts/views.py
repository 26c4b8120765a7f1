from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from participation.accounts import services
from participation.accounts.forms import EmailForm, LoginForm, RegisterForm, ResetPasswordForm
from participation.accounts.session import log_out, start_session
from participation.extensions import db, limiter
from participation.web.redirects import safe_next

bp = Blueprint("accounts", __name__, url_prefix="/konto")


def _account_and_address_key() -> str:
    # Per account *and* address: guessing from one address slows that address down, while the
    # owner (elsewhere) still logs in. Every address is also bounded over all accounts.
    return f"login:{services.normalise_email(request.form.get('email', ''))}|{get_remote_address()}"


def _failed(response) -> bool:
    # Only failed attempts count towards the limits.
    return response.status_code != 302


@bp.route("/registrieren", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        # The name first: its answer must not depend on whether the address has an account.
        if services.pseudonym_taken(form.pseudonym.data):
            form.pseudonym.errors.append(_("This public name is already taken. Please choose another."))
            return render_template("accounts/register.html", form=form), 400
        services.register(form.email.data, form.pseudonym.data, form.password.data)
        db.session.commit()
        # The same answer either way, so the form does not reveal who has an account.
        return render_template("accounts/check_mail.html", email=form.email.data)
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


@bp.get("/bestaetigen/<token>")
def confirm(token: str):
    user = services.confirm_email(token)
    if user is None:
        flash(_("This confirmation link is invalid or has expired. Request a new one below."), "danger")
        return redirect(url_for("accounts.resend_confirmation"))
    db.session.commit()
    flash(_("Thank you, your e-mail address is confirmed. You can log in now."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/bestaetigung-erneut", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def resend_confirmation():
    form = EmailForm()
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data)
        if user is not None and not user.is_confirmed:
            services.send_confirmation(user)
        db.session.commit()
        return render_template("accounts/check_mail.html", email=form.email.data)
    return render_template(
        "accounts/email_form.html", form=form, heading=_("Confirm your e-mail address"),
        intro=_("Enter your address and we will send you a new confirmation link."),
    )


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_and_address_key, methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None or user.is_blocked:
            flash(_("E-mail address or password is wrong."), "danger")
        elif not user.is_confirmed:
            flash(_("Please confirm your e-mail address first. We can send you a new link."), "warning")
            return redirect(url_for("accounts.resend_confirmation"))
        else:
            start_session(user, remember=form.remember.data)
            db.session.commit()
            current_app.logger.info("User %s logged in", user.id)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("pages.index"))
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form)


@bp.post("/abmelden")
@login_required
def logout():
    log_out(current_user._get_current_object())
    db.session.commit()
    flash(_("You are logged out."), "success")
    return redirect(url_for("pages.index"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/check_mail.html", email=form.email.data, reset=True)
    return render_template(
        "accounts/email_form.html", form=form, heading=_("Forgot your password?"),
        intro=_("Enter your address and we will send you a link to set a new password."),
    )


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
        if user is None:
            flash(_("This link is invalid or has expired. Please request a new one."), "danger")
            return redirect(url_for("accounts.forgot_password"))
        db.session.commit()
        flash(_("Your password has been changed. You can log in now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)
