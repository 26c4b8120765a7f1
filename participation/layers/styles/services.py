"""Changing how a layer looks and what its popups show."""
from __future__ import annotations

from flask import current_app

from participation.cache import invalidate
from participation.layers.models import Layer
from participation.layers.serving.features import features_scope
from participation.layers.services import layer_attributes
from participation.layers.styles.rules import clean_popup, clean_style


def set_style(layer: Layer, user, style: dict, popup: list[dict]) -> Layer:
    """Store a cleaned style and popup configuration; residents' maps change at once."""
    attributes = layer_attributes(layer)
    layer.style = clean_style(style, attributes)
    layer.popup = clean_popup(popup, attributes)
    invalidate(features_scope(layer.id))
    current_app.logger.info("User %s styled layer %s (popup: %s)", getattr(user, "id", None), layer.id,
                            [row["attribute"] for row in layer.popup])
    return layer
