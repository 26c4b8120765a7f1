"""Layers to residents' maps: GeoJSON per zoom (`features`) and vector tiles (`tiles`, `views`)."""
