"""Importing, publishing, rolling back, describing and deleting layers."""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from flask import current_app
from sqlalchemy import func, insert, select

from geo.errors import GeoInputError, N_
from geo.layers import inspect_file_in_parts
from participation.cache import invalidate
from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.layers.serving.features import features_scope
from participation.municipalities.models import Municipality

if TYPE_CHECKING:
    import geopandas as gpd

CHUNK = 2000
#: Unicode categories a file name must not keep: controls (NUL, newlines), format characters
#: (right-to-left overrides), surrogates and line/paragraph separators.
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def clean_filename(name: str | None) -> str:
    """An uploaded file's name fit to store and show: its last part only, without control or
    format characters, at most 300 characters ("upload" if nothing is left)."""
    last = re.split(r"[/\\]", name or "")[-1]
    kept = "".join(char for char in last if unicodedata.category(char) not in _UNPRINTABLE).strip()
    return kept[-300:] or "upload"


class LayerChoiceNeeded(GeoInputError):
    """The file holds several layers; `layers` lists them for the user to pick."""

    def __init__(self, layers) -> None:
        super().__init__(N_("The file contains several layers; choose one: {choices}."),
                         choices=", ".join(f"{info.key} ({info.feature_count})" for info in layers if info.usable))
        self.layers = layers


def _rows(gdf, version_id: int) -> list[dict]:
    attributes = gdf.drop(columns=gdf.geometry.name)
    # pandas' JSON writer turns numpy numbers, timestamps and NaN into plain JSON values; for a frame
    # without columns it writes "[]", not one {} per row.
    properties = (json.loads(attributes.to_json(orient="records", date_format="iso", default_handler=str))
                  if len(attributes.columns) else [{} for _ in range(len(gdf))])
    bounds = gdf.geometry.bounds.to_numpy()
    return [
        {"version_id": version_id, "geometry": geom, "properties": props,
         "min_x": b[0], "min_y": b[1], "max_x": b[2], "max_y": b[3]}
        for geom, props, b in zip(gdf.geometry, properties, bounds, strict=True)
    ]


def import_file(town: Municipality, path: Path, original_name: str, *, name: str | None = None,
                layer: Layer | None = None, user=None, source_layer: str | None = None, crs: object = None,
                description: str = "", source: str = "", attribution: str = "", publish: bool = True,
                progress: Callable[[int, int], None] = lambda done, total: None) -> LayerVersion:
    """Read, validate and store an upload as a new layer or a new version of `layer`.

    All or nothing: the caller commits; on any error nothing is stored.
    Raises GeoInputError (or LayerChoiceNeeded) with a translatable message.
    """
    original_name = clean_filename(original_name)
    # In parts: the whole layer (100 000 parcels: ~80 MB of geometries) is never in this process at once.
    with inspect_file_in_parts(Path(path), original_name, layer=source_layer, crs=crs, part_rows=CHUNK) as result:
        if result.needs_layer_choice:
            raise LayerChoiceNeeded(result.layers)
        return store_version(town, result.parts.frames(), result.report.as_dict(), original_name, name=name,
                             layer=layer, user=user, description=description, source=source,
                             attribution=attribution, publish=publish, progress=progress)


def store_version(town: Municipality, frames: Iterable[gpd.GeoDataFrame], report: dict, original_name: str, *,
                  name: str | None = None, layer: Layer | None = None, user=None, description: str = "",
                  source: str = "", attribution: str = "", publish: bool = True,
                  progress: Callable[[int, int], None] = lambda done, total: None) -> LayerVersion:
    """Store checked features (GeoDataFrames in EPSG:4326, one after another) as a new layer or a new
    version of `layer`.

    `report` has the shape of ``geo.layers.LayerReport.as_dict()`` (kept with the version and shown
    to the GIS team; its ``feature_count`` is the total that `progress` counts to). `import_file` calls it
    after its checks with the layer's parts; other importers that read and check their own formats
    (XPlanGML) call it directly with ``[frame]``. The caller commits.
    """
    if layer is None:
        layer = Layer(municipality_id=town.id, name=(name or Path(original_name).stem)[:200],
                      description=description, source=source, attribution=attribution,
                      created_by_id=getattr(user, "id", None))
        db.session.add(layer)
        db.session.flush()
    number = (db.session.scalar(select(func.max(LayerVersion.number)).where(LayerVersion.layer_id == layer.id)) or 0) + 1
    version = LayerVersion(
        layer_id=layer.id, number=number, original_filename=original_name[:300],
        source_layer=str(report.get("layer") or "")[:200], source_epsg=report.get("source_crs_epsg"),
        source_crs_name=str(report.get("source_crs_name") or "")[:300], feature_count=0,
        uploaded_by_id=getattr(user, "id", None), report=report)
    db.session.add(version)
    db.session.flush()
    total = int(report.get("feature_count") or 0)
    count, vertices, bounds = 0, 0, []
    # The rows are built a chunk at a time: all at once they doubled the import's memory (100 000 parcels).
    for frame in frames:
        for start in range(0, len(frame), CHUNK):
            db.session.execute(insert(LayerFeature), _rows(frame.iloc[start:start + CHUNK], version.id))
            progress(count + min(start + CHUNK, len(frame)), max(total, count + len(frame)))
        count += len(frame)
        vertices += int(shapely.get_num_coordinates(frame.geometry.values).sum())
        bounds.append(frame.total_bounds)
    if not count:
        raise ValueError("store_version needs at least one feature")  # the checks refuse empty layers before
    version.feature_count = count
    version.min_x, version.min_y = np.min(bounds, axis=0)[:2].tolist()
    version.max_x, version.max_y = np.max(bounds, axis=0)[2:].tolist()
    # The size that decides between GeoJSON and vector tiles (serving.tiles.use_vector_tiles).
    version.report = {**report, "vertex_count": vertices}
    if publish:
        layer.current_version_id = version.id
    current_app.logger.info("User %s imported %s features as layer %s version %s",
                            getattr(user, "id", None), count, layer.id, number)
    return version


def publish(version: LayerVersion, user=None) -> None:
    """Show this version to residents (also used to roll back to an older one)."""
    version.layer.current_version_id = version.id
    current_app.logger.info("User %s published layer %s version %s", getattr(user, "id", None),
                            version.layer_id, version.number)


def delete_layer(layer: Layer, user=None) -> None:
    """Delete a layer with all its versions and features."""
    layer.current_version_id = None
    db.session.flush()
    db.session.delete(layer)
    current_app.logger.info("User %s deleted layer %s", getattr(user, "id", None), layer.id)


def layer_attributes(layer: Layer) -> list[str]:
    """Attribute names of the layer's newest version (what the style and popup can refer to)."""
    version = layer.current_version or (layer.versions[-1] if layer.versions else None)
    return [name for name, _type in (version.report.get("attributes", []) if version else [])]


def update_layer(layer: Layer, user, *, name: str, description: str, source: str, attribution: str) -> Layer:
    """Change a layer's name, description, source and attribution."""
    layer.name, layer.description, layer.source, layer.attribution = name, description, source, attribution
    invalidate(features_scope(layer.id))
    current_app.logger.info("User %s edited layer %s", getattr(user, "id", None), layer.id)
    return layer
