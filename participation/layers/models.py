"""GIS layers uploaded by the GIS team, kept in versions.

Features are stored in EPSG:4326 with their attributes; a new upload adds a
version and keeps the older ones for rollback.
"""
from __future__ import annotations

import enum

from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database.mixins import BBoxMixin, TimestampMixin
from participation.database.spatial import SpatialTable
from participation.database.types import Geometry, text_enum
from participation.extensions import db


class LayerKind(enum.StrEnum):
    """Where a layer's map comes from."""

    #: Features uploaded by the GIS team, stored here in versions.
    VECTOR = "vector"
    #: Images from an external WMS, drawn as tiles.
    WMS = "wms"
    #: Tiles from an external WMTS.
    WMTS = "wmts"


class Layer(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LayerKind] = mapped_column(text_enum(LayerKind), default=LayerKind.VECTOR)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Where the data come from, e.g. "Zweckverband, ALKIS 2026-10".
    source: Mapped[str] = mapped_column(String(300), default="")
    #: Shown on every map that shows the layer, e.g. "© GeoBasis-DE/LGB, dl-de/by-2-0".
    attribution: Mapped[str] = mapped_column(String(300), default="")
    #: The version residents see; None until one is published.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("layer_version.id", use_alter=True, ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: How features are drawn (participation.layers.styles.rules.clean_style() shape); {} is the default look.
    style: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The attributes shown in a feature's popup, in order: [{"attribute": "GRZ", "label": "Grundflächenzahl"}].
    #: Empty by default: residents see no attribute the GIS team has not chosen.
    popup: Mapped[list] = mapped_column(JSON, default=list)
    #: For WMS/WMTS layers: the capabilities address and the chosen layer with what Leaflet
    #: needs to draw it (geo.ows.TileLayerSpec as a dict). None for vector layers.
    service: Mapped[dict | None] = mapped_column(JSON)

    municipality: Mapped["Municipality"] = relationship()  # noqa: F821
    versions: Mapped[list["LayerVersion"]] = relationship(
        back_populates="layer", foreign_keys="LayerVersion.layer_id", order_by="LayerVersion.number",
        cascade="all, delete-orphan",
    )
    current_version: Mapped["LayerVersion | None"] = relationship(foreign_keys=[current_version_id], post_update=True)

    def version(self, number: int) -> "LayerVersion | None":
        """Version `number` of this layer, if there is one."""
        return next((v for v in self.versions if v.number == number), None)


class LayerVersion(TimestampMixin, BBoxMixin, db.Model):
    __table_args__ = (UniqueConstraint("layer_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layer.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3 … per layer.
    number: Mapped[int]
    original_filename: Mapped[str] = mapped_column(String(300))
    #: The layer picked inside a multi-layer file (GeoPackage, GML), if any.
    source_layer: Mapped[str] = mapped_column(String(200), default="")
    source_epsg: Mapped[int | None]
    source_crs_name: Mapped[str] = mapped_column(String(300), default="")
    feature_count: Mapped[int] = mapped_column(default=0)
    #: The validation report (geo.layers.LayerReport.as_dict()).
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    layer: Mapped[Layer] = relationship(back_populates="versions", foreign_keys=[layer_id])


class LayerFeature(BBoxMixin, db.Model):
    spatial = SpatialTable("layer_feature", "geometry")

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("layer_version.id", ondelete="CASCADE"), index=True)
    #: EPSG:4326, any geometry type.
    geometry: Mapped[BaseGeometry] = mapped_column(Geometry("GEOMETRY"))
    #: The feature's attributes as JSON-able values.
    properties: Mapped[dict] = mapped_column(JSON, default=dict)
