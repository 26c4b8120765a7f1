"""Comments as GIS data: GeoJSON and GeoPackage, written a chunk at a time.

Fields are named by the column keys of `exports.columns` in every language, so that a GIS model that
reads them keeps working; the feature id and the first field are the comment's number, the same as
in the tables. Comments without a place are features without a geometry.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import Point

from participation.exports.columns import Column
from participation.exports.tables import Chunks, Progress

LAYER = "comments"
#: Rows per append: each append opens the file and commits with a sync to disk, which costs more than the
#: rows themselves in chunks of a thousand (bench/exports.py); ten thousand rows are ~20 MB in memory.
BATCH = 10_000
_DTYPES = {"text": "object", "int": "Int64", "float": "float64", "datetime": "datetime64[ms, UTC]",
           "date": "object"}


def _json_value(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def write_geojson(path, columns: tuple[Column, ...], chunks: Chunks, progress: Progress = lambda n: None) -> int:
    """A GeoJSON FeatureCollection (RFC 7946: longitude and latitude in WGS 84, whatever CRS the export
    was asked in), written feature by feature."""
    written = 0
    with open(path, "w", encoding="utf-8") as stream:
        stream.write('{"type": "FeatureCollection", "name": "%s", "features": [' % LAYER)
        for chunk in chunks:
            for row in chunk:
                feature = {
                    "type": "Feature",
                    "id": row["reference"],
                    "geometry": ({"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
                                 if row.get("longitude") is not None else None),
                    "properties": {column.key: _json_value(row.get(column.key)) for column in columns},
                }
                stream.write(("\n" if written == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
                written += 1
            progress(len(chunk))
        stream.write("\n]}\n")
    return written


def _frame(columns: tuple[Column, ...], rows: list[dict], crs: int) -> gpd.GeoDataFrame:
    data = {}
    for column in columns:
        values = [row.get(column.key) for row in rows]
        if column.kind == "datetime":
            values = [v.astimezone(timezone.utc) if v is not None else None for v in values]
        elif column.kind == "date":
            values = [v.isoformat() if v is not None else None for v in values]
        data[column.key] = pd.Series(values, dtype=_DTYPES[column.kind])
    x, y = ("longitude", "latitude") if crs == 4326 else ("x", "y")
    geometry = [Point(row[x], row[y]) if row.get(x) is not None else None for row in rows]
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=gpd.GeoSeries(geometry, crs=f"EPSG:{crs}"))


def write_geopackage(path, columns: tuple[Column, ...], chunks: Chunks, crs: int,
                     progress: Progress = lambda n: None) -> int:
    """A GeoPackage with the layer "comments" (points in EPSG:`crs`), appended `BATCH` rows at a time; an
    empty export is a layer with its fields and no features."""
    pyogrio.write_dataframe(_frame(columns, [], crs), path, layer=LAYER, driver="GPKG", geometry_type="Point")
    written, batch = 0, []
    for chunk in chunks:
        batch += chunk
        if len(batch) >= BATCH:
            written += _append(path, columns, batch, crs, progress)
            batch = []
    if batch:
        written += _append(path, columns, batch, crs, progress)
    return written


def _append(path, columns: tuple[Column, ...], rows: list[dict], crs: int, progress: Progress) -> int:
    pyogrio.write_dataframe(_frame(columns, rows, crs), path, layer=LAYER, driver="GPKG", geometry_type="Point",
                            append=True)
    progress(len(rows))
    return len(rows)
