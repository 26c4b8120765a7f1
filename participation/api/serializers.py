"""GeoJSON representations of projects and comments (EPSG:4326)."""
from __future__ import annotations

from flask import url_for
from shapely.geometry import mapping

from participation.comments.models import Comment
from participation.comments.subjects import subject_url
from participation.projects.models import Project


def project_feature(project: Project) -> dict:
    return {
        "type": "Feature",
        "id": project.id,
        "geometry": mapping(project.area) if project.area is not None else None,
        "properties": {
            "id": project.id,
            "title": project.title,
            "summary": project.summary,
            "phase": project.phase.value,
            "participation_start": project.participation_start.isoformat() if project.participation_start else None,
            "participation_end": project.participation_end.isoformat() if project.participation_end else None,
            "municipality": project.municipality.slug,
            "url": url_for("projects.show", slug=project.municipality.slug, project_id=project.id),
            "categories": [{"id": c.id, "name": c.name, "color": c.color} for c in project.categories],
        },
    }


def comment_feature(comment: Comment, supports: int = 0, replies: int = 0, page_url: str | None = None) -> dict:
    """A comment as a GeoJSON Feature; pass `page_url` when serialising many of one project or statute."""
    category = comment.category
    page_url = page_url or subject_url(comment.subject)
    return {
        "type": "Feature",
        "id": comment.id,
        "geometry": mapping(comment.location) if comment.location is not None else None,
        "properties": {
            "id": comment.id,
            "text": comment.text,
            "author": comment.author.pseudonym if comment.author else None,
            "category": {"id": category.id, "name": category.name, "color": category.color} if category else None,
            "parent_id": comment.parent_id,
            "created_at": comment.created_at.isoformat(),
            "supports": supports,
            "replies": replies,
            "url": f"{page_url}#comment-{comment.parent_id or comment.id}",
            #: On a statute: the paragraph (its anchor) and the plan object commented on.
            "paragraph": comment.paragraph_anchor,
            "plan_object": ({"layer_id": comment.plan_object_layer_id, "id": comment.plan_object_id}
                            if comment.plan_object_id else None),
        },
    }
