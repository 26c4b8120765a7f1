"""What every kind of layer source says about itself (see `registry`)."""
from __future__ import annotations

from participation.layers.models import Layer, LayerKind, LayerVersion


class SourceType:
    """How the layers of one `LayerKind` reach a map.

    Views and templates ask the layer's source type instead of testing
    ``layer.kind``; a new kind of source is one subclass and one entry in
    `registry.SOURCE_TYPES`.
    """

    kind: LayerKind
    #: What the GIS team reads in the list of layers, e.g. "Uploaded data" or "WMS".
    label: str
    #: The GIS team sets colours, symbols and popups here (else the service draws them).
    stylable: bool = False
    #: Data are uploaded here in versions (new version, publish, roll back).
    versioned: bool = False

    def map_source(self, layer: Layer, version: LayerVersion | None = None) -> dict | None:
        """The map script's configuration for drawing `layer`: ``{"source": {...}}`` and, where
        known, ``"bounds"``; None when there is nothing to draw (e.g. nothing published yet).

        `version` previews an unpublished version (versioned sources only).
        """
        raise NotImplementedError

    def image_origin(self, layer: Layer) -> str | None:
        """The ``scheme://host[:port]`` a page drawing `layer` must allow images from (CSP), or None."""
        return None

    def legend(self, layer: Layer) -> list[dict]:
        """Legend rows ``{"label", "fill", "stroke"}``; empty when the source draws its own look."""
        return []

    def is_ready(self, layer: Layer) -> bool:
        """Whether residents can see anything of the layer yet."""
        return True
