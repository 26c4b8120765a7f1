"""A page's map with its layers, ready for the template and the page's CSP."""
from __future__ import annotations

from participation.layers.drawing import LayerDrawing, draw_layers
from participation.maps.models import Map


def draw_map(map_: Map) -> LayerDrawing:
    """The script configuration, switcher rows and image hosts of `map_`'s layers; lets the page
    being answered load the images of the external services among them."""
    drawing = draw_layers([(item.layer, item.visible) for item in map_.layers])
    drawing.allow_images()
    return drawing
