"""GDAL settings for reading untrusted files: few drivers, no network.

`prepare_process` must run before pyogrio is first imported in a process,
because GDAL decides which drivers to register (``OGR_SKIP``) at import time.
The sandbox child does that; `apply_config` repeats the runtime options
for a process where pyogrio was already loaded.
"""
from __future__ import annotations

import os

#: The GDAL drivers an upload may be opened with, by file suffix.
DRIVERS_BY_SUFFIX: dict[str, tuple[str, ...]] = {
    ".shp": ("ESRI Shapefile",),
    ".gpkg": ("GPKG",),
    ".geojson": ("GeoJSON",),
    ".json": ("GeoJSON",),
    ".kml": ("KML",),
    ".fgb": ("FlatGeobuf",),
    ".gml": ("GML",),
    ".xml": ("GML",),
}
ALLOWED_DRIVERS = frozenset(d for drivers in DRIVERS_BY_SUFFIX.values() for d in drivers)

# Every other driver of the bundled GDAL 3.12; several of them read other files
# or URLs named inside the upload (OGR_VRT, WFS, HTTP, LIBKML network links).
# A driver added by a later GDAL is still refused by the driver check after opening.
_SKIPPED = (
    "MEM,PCIDSK,PDS4,VICAR,PDF,MBTiles,EEDA,OGCAPI,GDALG,MapInfo File,LVBAG,S57,DGN,"
    "OGR_VRT,CSV,GPX,LIBKML,GeoJSONSeq,ESRIJSON,TopoJSON,OGR_GMT,SQLite,WAsP,"
    "OpenFileGDB,DXF,GeoRSS,VFK,PGDUMP,OSM,GPSBabel,OGR_PDS,WFS,OAPIF,EDIGEO,Idrisi,"
    "ODS,XLSX,Elasticsearch,Carto,AmigoCloud,SXF,Selafin,JML,PLSCENES,CSW,VDV,MVT,NGW,"
    "MapML,GTFS,PMTiles,JSONFG,MiraMonVector,ADBC,AVCBin,AVCE00,AIVector,HTTP"
)

# An unroutable proxy makes any HTTP request GDAL might still attempt fail at once.
CONFIG: dict[str, str] = {
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTPS_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".network-access-disabled",
    "GML_SKIP_RESOLVE_ELEMS": "ALL",
    "GML_DOWNLOAD_WFS_SCHEMA": "NO",
    "GML_SAVE_RESOLVED_TO": "",
    "SHAPE_RESTORE_SHX": "NO",
    "OGR_GEOJSON_MAX_OBJ_SIZE": "500MB",
    "PROJ_NETWORK": "OFF",
}


def prepare_process() -> None:
    """Set environment options for GDAL/PROJ before pyogrio is imported.

    Only call this in a process dedicated to reading uploads: it changes
    ``os.environ`` for the whole process.
    """
    os.environ["OGR_SKIP"] = _SKIPPED
    os.environ["GDAL_SKIP"] = "VRT"
    for key, value in CONFIG.items():
        if value:
            os.environ[key] = value


def apply_config() -> None:
    """Set the runtime GDAL and PROJ options in this process (idempotent)."""
    import pyogrio
    import pyproj.network

    pyogrio.set_gdal_config_options({k: (v or None) for k, v in CONFIG.items()})
    pyproj.network.set_network_enabled(False)
