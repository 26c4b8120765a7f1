"""The planners' page of a statute's participation periods: add one, change its days with a reason, remove one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.database.mixins import utcnow
from participation.extensions import db
from participation.loaders import get_by_id, get_visible_statute
from participation.statutes import periods
from participation.statutes.labels import PERIOD_KIND_LABELS
from participation.statutes.models import PeriodKind, Statute, StatutePeriod
from participation.statutes.period_forms import ChangePeriodForm, PeriodForm

bp = Blueprint("statute_periods", __name__)


@bp.app_template_global()
def period_kind_label(kind: PeriodKind) -> str:
    return str(PERIOD_KIND_LABELS[PeriodKind(kind)])


@bp.route("/<slug>/satzungen/<int:statute_id>/fristen", methods=["GET", "POST"])
@login_required
def index(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    form = PeriodForm()
    if form.validate_on_submit():
        try:
            periods.add_period(statute, PeriodKind(form.kind.data), form.starts_on.data, form.ends_on.data,
                               current_user)
        except periods.PeriodRefused as refused:
            _show_errors(form, refused)
        else:
            db.session.commit()
            flash(_("The period has been added."), "success")
            return redirect(url_for(".index", slug=slug, statute_id=statute.id))
    return _page(statute, form)


@bp.route("/<slug>/satzungen/<int:statute_id>/fristen/<int:period_id>", methods=["GET", "POST"])
@login_required
def change(slug: str, statute_id: int, period_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    period = _period(statute, period_id)
    form = ChangePeriodForm(data={"starts_on": period.starts_on, "ends_on": period.ends_on}
                            if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            periods.extend(period, form.starts_on.data, form.ends_on.data, form.reason.data, current_user)
        except periods.PeriodRefused as refused:
            _show_errors(form, refused)
        else:
            db.session.commit()
            flash(_("The period has been changed; the change and its reason are shown on the statute's page."),
                  "success")
            return redirect(url_for(".index", slug=slug, statute_id=statute.id))
    today = periods.local_date(utcnow())
    return render_template("statutes/period_change.html", town=statute.municipality, statute=statute, period=period,
                           state=periods.state(period, today), form=form), (400 if form.errors else 200)


@bp.post("/<slug>/satzungen/<int:statute_id>/fristen/<int:period_id>/entfernen")
@login_required
def remove(slug: str, statute_id: int, period_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    period = _period(statute, period_id)
    try:
        periods.remove_period(period, current_user)
    except periods.PeriodRefused as refused:
        flash(str(refused), "danger")
    else:
        db.session.commit()
        flash(_("The period has been removed."), "success")
    return redirect(url_for(".index", slug=slug, statute_id=statute.id))


def _period(statute: Statute, period_id: int) -> StatutePeriod:
    period = get_by_id(StatutePeriod, period_id)
    if period is None or period.statute_id != statute.id:
        abort(404)
    return period


def _page(statute: Statute, form: PeriodForm):
    today = periods.local_date(utcnow())
    rows = [(period, periods.state(period, today)) for period in statute.periods]
    return render_template("statutes/periods.html", town=statute.municipality, statute=statute, rows=rows,
                           form=form), (400 if form.errors else 200)


def _show_errors(form, refused: periods.PeriodRefused) -> None:
    """The service's reasons at the fields they concern, so the error summary links to them."""
    for name, reasons in refused.errors.items():
        field = getattr(form, name, None) or form.ends_on
        field.errors = [*field.errors, *reasons]
