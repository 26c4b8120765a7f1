"""The admin area under /verwaltung: towns, accounts, invitations. Admins only (403 for everyone else)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.models import Role, User
from participation.accounts.permissions import is_admin
from participation.admin import queries, services
from participation.admin.forms import (
    ROLE_LABELS,
    AccountFilterForm,
    AccountRoleForm,
    InviteForm,
    TownCreateForm,
    TownEditForm,
)
from participation.admin.services import AdminError
from participation.extensions import db, login_manager
from participation.loaders import get_municipality, get_user

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")


@bp.before_request
def _admins_only():
    """Every page and action of the area, so that no route can forget the check."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not is_admin(current_user):
        abort(403)
    return None


@bp.context_processor
def _labels():
    return {"role_labels": ROLE_LABELS}


def _actor() -> User:
    return current_user._get_current_object()


def _with_town_choices(form):
    form.towns.choices = [(town.id, town.name) for town in queries.all_towns()]
    return form


def _chosen_towns(form) -> list:
    chosen = set(form.towns.data or ())
    return [town for town in queries.all_towns() if town.id in chosen]


@bp.get("/")
def index():
    return render_template("admin/index.html", counts=queries.count_accounts())


# --- Towns -----------------------------------------------------------------------------------

@bp.get("/kommunen")
def towns():
    return render_template("admin/towns.html", towns=queries.towns_with_member_counts())


@bp.route("/kommunen/neu", methods=["GET", "POST"])
def town_new():
    form = TownCreateForm()
    if form.validate_on_submit():
        try:
            town = services.create_town(form.name.data, form.slug.data, _actor())
        except AdminError as error:
            form.slug.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The town %(name)s has been created. Add its logo and boundary in its settings.",
                    name=town.name), "success")
            return redirect(url_for("admin.town_edit", slug=town.slug))
    return render_template("admin/town_new.html", form=form), 400 if form.errors else 200


@bp.route("/kommunen/<slug>/bearbeiten", methods=["GET", "POST"])
def town_edit(slug: str):
    town = get_municipality(slug)
    form = TownEditForm(obj=town)
    if form.validate_on_submit():
        services.rename_town(town, form.name.data, _actor())
        db.session.commit()
        flash(_("The town has been saved."), "success")
        return redirect(url_for("admin.towns"))
    return render_template("admin/town_edit.html", form=form, edited=town), 400 if form.errors else 200


# --- Accounts --------------------------------------------------------------------------------

def _account_filter(form: AccountFilterForm) -> queries.AccountFilter:
    """The list's choice from the query string; a value that is not one of the choices is ignored."""
    form.validate()
    role = form.role.data if not form.role.errors else ""
    town = form.town.data if not form.town.errors else ""
    text = (form.q.data or "")[:254] if not form.q.errors else ""
    return queries.AccountFilter(
        text=text, role=Role(role) if role else None, town_id=queries.whole_number(town),
        page=queries.whole_number(request.args.get("seite")) or 1,
    )


@bp.get("/konten")
def accounts():
    form = AccountFilterForm(request.args, towns=queries.all_towns())
    choice = _account_filter(form)
    for field in form:  # a bad value in a hand-made URL is ignored, not reported
        field.errors = []
    return render_template("admin/accounts.html", form=form, choice=choice, page=queries.account_page(choice))


@bp.route("/konten/einladen", methods=["GET", "POST"])
def invite():
    form = _with_town_choices(InviteForm())
    existing = None
    if form.validate_on_submit():
        user, created = services.invite(form.email.data, Role(form.role.data), _chosen_towns(form), _actor())
        if created:
            db.session.commit()
            flash(_("The invitation has been sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.account", user_id=user.id))
        existing = user
        form.email.errors.append(_("An account with this e-mail address already exists."))
    return render_template("admin/invite.html", form=form, existing=existing), 400 if form.errors else 200


def _account_page(user: User, form: AccountRoleForm | None = None):
    if form is None:
        form = _with_town_choices(AccountRoleForm(formdata=None, data={
            "role": user.role.value, "towns": [town.id for town in user.municipalities]}))
    return render_template("admin/account.html", user=user, form=form), 400 if form.errors else 200


@bp.get("/konten/<int:user_id>")
def account(user_id: int):
    return _account_page(get_user(user_id))


@bp.post("/konten/<int:user_id>/rolle")
def account_role(user_id: int):
    user = get_user(user_id)
    form = _with_town_choices(AccountRoleForm())
    if form.validate_on_submit():
        try:
            services.set_role_and_towns(user, Role(form.role.data), _chosen_towns(form), _actor())
        except AdminError as error:
            db.session.rollback()
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The role and towns of %(email)s have been saved.", email=user.email), "success")
            return redirect(url_for("admin.account", user_id=user.id))
    return _account_page(user, form)


def _act(user_id: int, action, done: str):
    """A one-button action on an account: do it, or say why not; back to the account page."""
    user = get_user(user_id)
    try:
        action(user, _actor())
    except AdminError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/konten/<int:user_id>/sperren")
def account_lock(user_id: int):
    return _act(user_id, services.lock, _("The account has been locked; its open sessions have ended."))


@bp.post("/konten/<int:user_id>/entsperren")
def account_unlock(user_id: int):
    return _act(user_id, services.unlock, _("The account has been unlocked."))


@bp.post("/konten/<int:user_id>/erneut-einladen")
def account_invite_again(user_id: int):
    return _act(user_id, services.invite_again, _("A new invitation has been sent; the earlier link no longer works."))
