"""Reading what a style can refer to."""
from __future__ import annotations

from sqlalchemy import select

from participation.extensions import db
from participation.layers.models import LayerFeature, LayerVersion


def attribute_values(version: LayerVersion, attribute: str, limit: int) -> list[str]:
    """The most frequent values of one attribute in a version, as text, at most `limit`."""
    counts: dict[str, int] = {}
    for (properties,) in db.session.execute(
        select(LayerFeature.properties).where(LayerFeature.version_id == version.id)
    ):
        value = (properties or {}).get(attribute)
        if value is not None and value != "":
            counts[str(value)] = counts.get(str(value), 0) + 1
    return sorted(counts, key=lambda value: (-counts[value], value))[:limit]
