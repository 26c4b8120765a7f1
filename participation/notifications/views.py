"""Unsubscribing with one click (RFC 8058) or from the link in a mail."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from participation.extensions import csrf, db
from participation.notifications.mailing import opt_out, read_unsubscribe_token

bp = Blueprint("notifications", __name__)


@bp.route("/abmelden/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs POST "List-Unsubscribe=One-Click" without a session
def unsubscribe(token: str):
    """GET shows what the link unsubscribes from and a button; POST (the button or the mail program) does it."""
    found = read_unsubscribe_token(token)
    if found is None:
        abort(404)
    email, kind = found
    if request.method == "POST":
        opt_out(email, kind)
        db.session.commit()
        return render_template("notifications/unsubscribed.html", kind=kind)
    return render_template("notifications/unsubscribe.html", kind=kind, token=token)
