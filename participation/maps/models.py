"""The map of a page: its GIS layers in order, each shown or hidden when the map opens."""
from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from participation.extensions import db
from participation.layers.models import Layer


class Map(db.Model):
    """The layers on one page's map. Each map belongs to exactly one owner (a project, later
    a statute or a survey), which holds `map_id`; the owner's town is the map's town."""

    id: Mapped[int] = mapped_column(primary_key=True)

    #: Bottom first: the first layer is drawn at the bottom and listed first in the switcher.
    layers: Mapped[list["MapLayer"]] = relationship(
        back_populates="map", cascade="all, delete-orphan", order_by="MapLayer.position"
    )


class MapLayer(db.Model):
    """One layer on a map."""

    __table_args__ = (UniqueConstraint("map_id", "layer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("map.id", ondelete="CASCADE"), index=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layer.id", ondelete="CASCADE"), index=True)
    #: 0 is drawn at the bottom and listed first.
    position: Mapped[int] = mapped_column(default=0)
    #: Switched on when the map opens.
    visible: Mapped[bool] = mapped_column(default=True)

    map: Mapped[Map] = relationship(back_populates="layers")
    layer: Mapped[Layer] = relationship()


class HasMap:
    """For models whose page shows a map with GIS layers: a map of their own, made with them.

    The owner points at its map (one map per owner, removed with it), so
    statutes and surveys get maps without a new table.
    """

    @declared_attr
    def map_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("map.id"), unique=True)

    @declared_attr
    def map(cls) -> Mapped[Map]:
        return relationship(cascade="all, delete-orphan", single_parent=True)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("map", Map())
        super().__init__(**kwargs)
