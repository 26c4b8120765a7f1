"""Following projects, statutes and areas; the notification settings; unsubscribing with one click
(RFC 8058) or from the link in a mail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from participation.accounts.models import Role
from participation.addresses import queries as addresses
from participation.extensions import csrf, db
from participation.loaders import get_by_id, get_municipality, get_project, get_statute
from participation.municipalities.models import Municipality
from participation.notifications import queries, services
from participation.notifications.forms import AreaFollowForm, KindForm
from participation.notifications.mailing import opt_out, opt_out_key, read_unsubscribe_token
from participation.notifications.models import Follow
from participation.notifications.permissions import can_follow

bp = Blueprint("notifications", __name__)

#: The URL's word for each kind of subject one can follow.
URL_KINDS = {"projekt": "project", "satzung": "statute"}


def follow_url_kind(subject) -> str:
    """The URL's word for a subject (for `url_for('notifications.follow', …)`)."""
    return "projekt" if queries.subject_kind(subject) == "project" else "satzung"


def _subject(slug: str, kind: str, subject_id: int):
    """The project or statute in the URL if the current user may follow it (404 otherwise, a draft too)."""
    town = get_municipality(slug)
    subject = get_project(town, subject_id) if URL_KINDS[kind] == "project" else get_statute(town, subject_id)
    if not can_follow(current_user, subject):
        abort(404)
    return subject


def _subject_page(subject) -> str:
    town = subject.municipality
    if queries.subject_kind(subject) == "project":
        return url_for("projects.show", slug=town.slug, project_id=subject.id)
    return url_for("statutes.show", slug=town.slug, statute_id=subject.id)


@bp.post("/<slug>/folgen/<any(projekt, satzung):kind>/<int:subject_id>")
@login_required
def follow(slug: str, kind: str, subject_id: int):
    subject = _subject(slug, kind, subject_id)
    services.follow(current_user, subject)
    db.session.commit()
    flash(_("You follow it now. We will write to you when it opens for participation."), "success")
    return redirect(_subject_page(subject))


@bp.post("/<slug>/folgen/<any(projekt, satzung):kind>/<int:subject_id>/beenden")
@login_required
def unfollow(slug: str, kind: str, subject_id: int):
    subject = _subject(slug, kind, subject_id)
    services.unfollow(current_user, subject)
    db.session.commit()
    flash(_("You no longer follow it."), "success")
    return redirect(_subject_page(subject))


def _chosen_town() -> Municipality | None:
    slug = request.args.get("ort", "").strip()
    if not slug or len(slug) > 60:
        return None
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def _kinds(user) -> list[str]:
    """The kinds of notice this account can get, in the order the page lists them."""
    kinds = ["opening", "answer", "result"]
    if user.role in (Role.PLANNER, Role.ADMIN):
        kinds.append("digest")
    return kinds


def _settings_page(town: Municipality | None, form: AreaFollowForm | None = None, status: int = 200):
    user = current_user._get_current_object()
    towns = list(db.session.scalars(select(Municipality).order_by(Municipality.name, Municipality.id)))
    return render_template(
        "notifications/settings.html", follows=queries.follows_of(user), towns=towns, chosen=town,
        has_addresses=town is not None and addresses.address_list(town) is not None,
        form=form or AreaFollowForm(), kinds=_kinds(user), opted_out=queries.opted_out_kinds(user.email),
        kind_form=KindForm(),
    ), status


@bp.get("/konto/benachrichtigungen")
@login_required
def settings():
    return _settings_page(_chosen_town())


@bp.post("/konto/benachrichtigungen/gebiet/<slug>")
@login_required
def follow_area(slug: str):
    town = get_municipality(slug)
    form = AreaFollowForm()
    if not form.validate_on_submit():
        return _settings_page(town, form, 400)
    address, _others = addresses.best_match(town, form.address.data)
    if address is None:
        form.address.errors.append(_("No address was found for “{text}”. Please check the street name and "
                                     "house number.").format(text=form.address.data.strip()))
        return _settings_page(town, form, 400)
    row = services.follow_area(current_user, town, address, form.radius.data)
    db.session.commit()
    flash(_("You follow the area within {radius} m of {place} now.").format(radius=row.radius_m, place=row.label),
          "success")
    return redirect(url_for("notifications.settings"))


@bp.post("/konto/benachrichtigungen/<int:follow_id>/beenden")
@login_required
def stop(follow_id: int):
    row = get_by_id(Follow, follow_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    services.stop(row)
    db.session.commit()
    flash(_("You no longer follow it."), "success")
    return redirect(url_for("notifications.settings"))


@bp.post("/konto/benachrichtigungen/mails/<any(an, aus):switch>")
@login_required
def mail_kind(switch: str):
    """Switch one kind of notice on again (the unsubscribe is taken back) or off."""
    form = KindForm()
    if not form.validate_on_submit() or form.kind.data not in _kinds(current_user):
        abort(400)
    if switch == "an":
        services.resubscribe(current_user.email, form.kind.data)
        message = _("You will receive these mails again.")
    else:
        opt_out(current_user.email, form.kind.data)
        message = _("You will receive no more of these mails.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("notifications.settings"))


@bp.route("/abmelden/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs POST "List-Unsubscribe=One-Click" without a session
def unsubscribe(token: str):
    """GET shows what the link unsubscribes from and a button; POST (the button or the mail program) does it."""
    found = read_unsubscribe_token(token)
    if found is None:
        abort(404)
    key, kind = found
    if request.method == "POST":
        opt_out_key(key, kind)
        db.session.commit()
        return render_template("notifications/unsubscribed.html", kind=kind)
    return render_template("notifications/unsubscribe.html", kind=kind, token=token)
