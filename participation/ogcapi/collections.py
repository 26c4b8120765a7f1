"""What a town's OGC API serves: its published comments and the published versions of its vector layers.

Only what the public maps show leaves the server: published top-level comments (not hidden, pending,
rejected or deleted) with a place, on published projects and statutes, with the attributes of their pins;
and the current version of each vector layer with the attributes its popup shows (`public_attributes`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from geo.bbox import BBox
from participation.comments.models import Comment, Support, Visibility
from participation.database.spatial import intersects_bbox
from participation.exports.rows import reference_of
from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerKind, LayerVersion
from participation.layers.styles.rules import public_attributes
from participation.municipalities.models import Municipality
from participation.projects.models import Category, Phase, Project
from participation.statutes.labels import statute_title
from participation.statutes.models import Statute

COMMENTS = "comments"
LAYER_PREFIX = "layer-"


@dataclass
class Collection:
    id: str
    title: str
    description: str
    #: () → (west, south, east, north) in CRS84, or None when it holds nothing yet; asked only by the
    #: collection's description, not by every page of items.
    extent: Callable[[], tuple[float, float, float, float] | None]
    #: Whether its features have a time (the `datetime` parameter filters them).
    temporal: bool
    #: (bbox, datetime interval) → the WHERE clauses of a request; clauses → how many match;
    #: (clauses, limit, offset) → (id, geometry in CRS84, properties) of one page, by id.
    where: Callable[[BBox | None, tuple[datetime | None, datetime | None] | None], list]
    count: Callable[[list], int]
    page: Callable[[list, int, int], list[tuple[int, object, dict]]]
    #: The column a feature's id is, for a single item.
    id_column: object


def town_collections(town: Municipality) -> list[Collection]:
    layers = db.session.scalars(
        select(Layer).where(Layer.municipality_id == town.id, Layer.kind == LayerKind.VECTOR,
                            Layer.current_version_id.is_not(None)).order_by(Layer.id))
    return [_comments(town)] + [_layer(layer) for layer in layers]


def find_collection(town: Municipality, collection_id: str) -> Collection | None:
    if collection_id == COMMENTS:
        return _comments(town)
    number = collection_id.removeprefix(LAYER_PREFIX)
    if collection_id.startswith(LAYER_PREFIX) and number.isascii() and number.isdigit() and len(number) <= 10:
        layer = db.session.get(Layer, int(number))
        if (layer is not None and layer.municipality_id == town.id and layer.kind is LayerKind.VECTOR
                and layer.current_version_id is not None):
            return _layer(layer)
    return None


def _public_comments(town: Municipality) -> list[ColumnElement[bool]]:
    projects = select(Project.id).where(Project.municipality_id == town.id, Project.phase != Phase.DRAFT)
    statutes = select(Statute.id).where(Statute.municipality_id == town.id, Statute.published_at.is_not(None))
    return [or_(Comment.project_id.in_(projects), Comment.statute_id.in_(statutes)),
            Comment.parent_id.is_(None), Comment.visibility == Visibility.PUBLISHED, Comment.deleted_at.is_(None),
            Comment.min_x.is_not(None)]


def _comments(town: Municipality) -> Collection:
    public = _public_comments(town)

    def extent():
        box = db.session.execute(select(func.min(Comment.min_x), func.min(Comment.min_y), func.max(Comment.max_x),
                                        func.max(Comment.max_y)).where(*public)).one()
        return tuple(box) if box[0] is not None else None

    def where(bbox, interval):
        clauses = list(public)
        if bbox is not None:
            clauses.append(intersects_bbox(db.session.get_bind().dialect, Comment, Comment.spatial, bbox))
        if interval is not None:
            start, end = interval
            if start is not None:
                clauses.append(Comment.created_at >= start)
            if end is not None:
                clauses.append(Comment.created_at <= end)
        return clauses

    def page(clauses, limit, offset):
        supports = select(func.count()).where(Support.comment_id == Comment.id).scalar_subquery()
        reply = aliased(Comment)
        replies = select(func.count()).where(reply.parent_id == Comment.id, reply.deleted_at.is_(None),
                                             reply.visibility == Visibility.PUBLISHED).scalar_subquery()
        rows = db.session.execute(
            select(Comment, Category.name, Project.title, Statute, supports, replies)
            .outerjoin(Category, Category.id == Comment.category_id)
            .outerjoin(Project, Project.id == Comment.project_id)
            .outerjoin(Statute, Statute.id == Comment.statute_id)
            .options(selectinload(Comment.author))
            .where(*clauses).order_by(Comment.id).limit(limit).offset(offset)).all()
        return [(c.id, c.location, {
            "reference": reference_of(c.id, c.reference),
            "text": c.text,
            "author": c.author.pseudonym if c.author else None,
            "category": category,
            "subject": statute_title(statute) if statute is not None else project,
            "subject_kind": "statute" if statute is not None else "project",
            "created": c.created_at.isoformat(),
            "supports": n_supports,
            "replies": n_replies,
            "paragraph_anchor": c.paragraph_anchor,
            "plan_object_layer_id": c.plan_object_layer_id,
            "plan_object_id": c.plan_object_id,
        }) for c, category, project, statute, n_supports, n_replies in rows]

    return Collection(
        id=COMMENTS, title="Kommentare", temporal=True,
        description="Published comments with a place on the town's projects and statutes",
        extent=extent, where=where,
        count=lambda clauses: db.session.scalar(select(func.count(Comment.id)).where(*clauses)) or 0, page=page,
        id_column=Comment.id)


def _layer(layer: Layer) -> Collection:
    version = db.session.get(LayerVersion, layer.current_version_id)
    attributes = public_attributes(layer)

    def where(bbox, _interval):
        clauses = [LayerFeature.version_id == version.id]
        if bbox is not None:
            clauses.append(intersects_bbox(db.session.get_bind().dialect, LayerFeature, LayerFeature.spatial, bbox))
        return clauses

    def page(clauses, limit, offset):
        rows = db.session.execute(select(LayerFeature.id, LayerFeature.geometry, LayerFeature.properties)
                                  .where(and_(*clauses)).order_by(LayerFeature.id).limit(limit).offset(offset))
        return [(ident, geometry, {name: (properties or {}).get(name) for name in attributes})
                for ident, geometry, properties in rows]

    box = (version.min_x, version.min_y, version.max_x, version.max_y) if version.min_x is not None else None
    return Collection(
        id=f"{LAYER_PREFIX}{layer.id}", title=layer.name, temporal=False,
        description=layer.description or f"Version {version.number}" + (f", {layer.attribution}" if layer.attribution
                                                                         else ""),
        extent=lambda: box, where=where,
        count=lambda clauses: db.session.scalar(select(func.count(LayerFeature.id)).where(*clauses)) or 0,
        page=page, id_column=LayerFeature.id)
