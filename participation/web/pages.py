"""The start page, the legal pages, the offline basemap and health checks."""
from __future__ import annotations

from flask import Blueprint, Response, render_template
from sqlalchemy import func, select, text

from participation.backends import redis_alive
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.permissions import visible_projects
from participation.web.offline_tile import blank_tile

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    visible = visible_projects(None).subquery()  # public figures, the same for everyone
    counts = dict(db.session.execute(
        select(visible.c.municipality_id, func.count()).group_by(visible.c.municipality_id)).all())
    towns = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    return render_template("pages/index.html", towns=towns, counts=counts)


@bp.get("/impressum")
def imprint():
    return render_template("pages/imprint.html")


@bp.get("/datenschutz")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/barrierefreiheit")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/basemap/<int:z>/<int:x>/<int:y>.png")
def basemap_tile(z: int, x: int, y: int):
    response = Response(blank_tile(), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Ready when the database answers. Redis is reported: without it the app
    still serves (limits in memory, jobs in-process), so it is degraded, not down."""
    body = {"status": "ok", "database": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        db.session.rollback()
        body.update(status="unavailable", database="unreachable")
    redis = redis_alive()
    if redis is not None:
        body["redis"] = "ok" if redis else "unreachable"
        if not redis and body["status"] == "ok":
            body["status"] = "degraded"
    return body, 503 if body["database"] != "ok" else 200
