"""GIS work for the participation pool: parsing, validating and reprojecting
geometries. Knows nothing of Flask; takes and returns shapely geometries and
plain values, and raises `geo.errors.GeoInputError` on bad input."""
