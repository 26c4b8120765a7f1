"""External map services: read WMS/WMTS capabilities, build Leaflet tile layers.

Pure functions on bytes and strings; fetching the document (with a timeout,
a size limit and protection against requests to internal hosts) is the web
layer's job. Capabilities are parsed with OWSLib, but only after the bytes
have passed our own checks: a size bound, no entity declarations (XML bombs,
XXE), and a parse with a hardened lxml parser that never touches the network.
"""
from geo.ows.capabilities import MAX_CAPABILITIES_BYTES, read_capabilities
from geo.ows.model import Attribution, Capabilities, Kind, LayerInfo, TileLayerSpec, TileMatrixSetInfo
from geo.ows.leaflet import tile_layer_for
from geo.ows.urls import capabilities_url

__all__ = ["MAX_CAPABILITIES_BYTES", "Attribution", "Capabilities", "Kind", "LayerInfo", "TileLayerSpec",
           "TileMatrixSetInfo", "capabilities_url", "read_capabilities", "tile_layer_for"]
