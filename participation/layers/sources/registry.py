"""Every kind of layer source, by `LayerKind`: the one place that tells them apart."""
from __future__ import annotations

from participation.layers.models import Layer, LayerKind
from participation.layers.sources.base import SourceType
from participation.layers.sources.ows import ServiceSource
from participation.layers.sources.vector import VectorSource

SOURCE_TYPES: dict[LayerKind, SourceType] = {
    LayerKind.VECTOR: VectorSource(),
    LayerKind.WMS: ServiceSource(LayerKind.WMS),
    LayerKind.WMTS: ServiceSource(LayerKind.WMTS),
}


def source_of(layer: Layer) -> SourceType:
    """The source type that draws `layer`."""
    return SOURCE_TYPES[layer.kind]
