"""Clean a read layer, reproject it to EPSG:4326 and describe it in a report."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.errors import GeoInputError, N_
from geo.layers.crs import GERMANY, implausible_error, missing_crs_error
from geo.layers.reader import LayerInfo, RawLayer

Box = tuple[float, float, float, float]


@dataclass
class LayerReport:
    """What the GIS team sees before publishing a layer.

    ``notes`` lists documented repairs as (msgid, params) pairs for translation.
    """

    layer: str
    dataset: str
    driver: str
    feature_count: int
    geometry_types: dict[str, int]
    source_crs_epsg: int | None
    source_crs_name: str
    source_crs_wkt: str
    crs_origin: str
    extent: Box
    repaired_invalid: int
    dropped_empty: int
    dropped_unreadable: int
    z_dropped: int
    attributes: list[tuple[str, str]]
    encoding: str | None
    encoding_origin: str
    notes: list[tuple[str, dict]] = field(default_factory=list)

    def as_dict(self) -> dict:
        """A JSON-serialisable copy."""
        return asdict(self)


def _attribute_type(series: pd.Series) -> str:
    kind = series.dtype.kind
    if kind in "iu":
        return "integer"
    if kind == "f":
        return "float"
    if kind == "b":
        return "boolean"
    if kind == "M":
        return "datetime"
    values = series.dropna()
    if values.map(lambda v: isinstance(v, str)).all():
        return "string"
    return type(values.iloc[0]).__name__ if len(values) else "string"


def _bounds(geometry: np.ndarray) -> Box:
    return tuple(float(v) for v in shapely.total_bounds(geometry))


def _inside(box: Box, area: Box) -> bool:
    return (all(math.isfinite(v) for v in box)
            and area[0] <= box[0] <= box[2] <= area[2] and area[1] <= box[1] <= box[3] <= area[3])


def _to_lonlat(frame: gpd.GeoDataFrame, part: int = 10_000) -> gpd.GeoDataFrame:
    """`frame.to_crs(4326)` a part at a time: the coordinates in flight are a part's, not the layer's."""
    lonlat = np.empty(len(frame), dtype=object)
    for start in range(0, len(frame), part):
        lonlat[start:start + part] = frame.geometry.iloc[start:start + part].to_crs(4326).array.to_numpy()
    return frame.set_geometry(gpd.array.from_shapely(lonlat, crs=4326))


def validate_layer(raw: RawLayer, layer: LayerInfo, *, crs: CRS | None = None, area: Box = GERMANY
                   ) -> tuple[gpd.GeoDataFrame, LayerReport]:
    """Repair, clean and reproject a layer, or refuse it.

    Parameters
    ----------
    raw : RawLayer
        From `geo.layers.reader.read_layer`.
    layer : LayerInfo
        The layer's listing entry (for its name in messages and the report).
    crs : pyproj.CRS, optional
        The CRS the user chose; replaces the file's (it is assigned, not converted to).
    area : tuple of float
        Plausible lon/lat box (west, south, east, north); data outside is refused.

    Returns
    -------
    (GeoDataFrame, LayerReport)
        Features in EPSG:4326 with 2D, valid, non-empty geometries.

    Raises
    ------
    GeoInputError
        No CRS, no usable features, non-finite coordinates, or an implausible extent.
    """
    if not isinstance(raw, RawLayer) or not isinstance(layer, LayerInfo):
        raise TypeError("raw must be a RawLayer and layer a LayerInfo")
    if crs is not None and not isinstance(crs, CRS):
        raise TypeError("crs must be a pyproj.CRS or None")
    if len(area) != 4 or not area[0] < area[2] or not area[1] < area[3]:
        raise ValueError("area must be (west, south, east, north)")
    # Large layers (100 000 parcels) hold several copies of their geometries here: each is dropped as
    # soon as it is not needed, and none is made that changes nothing (2D stays as it is).
    geometry = raw.geometry
    keep = ~(pd.isna(geometry) | shapely.is_empty(geometry))
    dropped_empty = int(np.count_nonzero(~keep)) - raw.unreadable
    geometry, attributes = geometry[keep], raw.attributes[keep].reset_index(drop=True)
    if len(geometry) == 0:
        raise GeoInputError(N_("The layer “{layer}” has no features with a geometry."), layer=layer.name)
    coords, index = shapely.get_coordinates(geometry, return_index=True)
    bad = np.unique(index[~np.isfinite(coords).all(axis=1)])
    del coords, index
    if len(bad):
        raise GeoInputError(N_("The layer “{layer}” has {count} feature(s) with coordinates that are not "
                               "numbers (NaN or infinity); correct them in the source data."),
                            count=len(bad), layer=layer.name)
    z_dropped = int(np.count_nonzero(shapely.has_z(geometry)))
    if z_dropped:
        geometry = shapely.force_2d(geometry)
    repaired = int(np.count_nonzero(~shapely.is_valid(geometry))) + raw.fixed_on_read
    source = crs or raw.crs
    source_box = _bounds(geometry)
    if source is None:
        raise missing_crs_error(source_box, area, prj_unreadable=raw.crs_origin == "unreadable-prj")
    if "geometry" in attributes.columns:
        attributes = attributes.rename(columns={"geometry": "geometry_attribute"})
    columns = list(attributes.columns)
    frame = _to_lonlat(gpd.GeoDataFrame(attributes, geometry=geometry, crs=source))
    del geometry, attributes
    extent = _bounds(frame.geometry.values)
    if not _inside(extent, area):
        raise implausible_error(source_box, source, extent, area)
    # Repaired after reprojection: near-coincident vertices of a valid source
    # polygon can make it invalid in lon/lat, and the result is what is served.
    lonlat = frame.geometry.values.to_numpy().copy()
    invalid = ~shapely.is_valid(lonlat)
    reprojection_repairs = max(int(np.count_nonzero(invalid)) - repaired + raw.fixed_on_read, 0)
    if invalid.any():
        # "structure" keeps polygons polygonal instead of adding stray lines.
        lonlat[invalid] = shapely.make_valid(lonlat[invalid], method="structure", keep_collapsed=False)
        frame = frame.set_geometry(gpd.array.from_shapely(lonlat, crs=4326))
        collapsed = (frame.geometry.is_empty | frame.geometry.isna()).to_numpy()
        dropped_empty += int(np.count_nonzero(collapsed))
        frame = frame[~collapsed].reset_index(drop=True)
        if len(frame) == 0:
            raise GeoInputError(N_("The layer “{layer}” has no features with a geometry."), layer=layer.name)
    notes: list[tuple[str, dict]] = []
    if reprojection_repairs:
        notes.append((N_("{count} geometries became invalid when converted to longitude/latitude and were "
                         "repaired."), {"count": reprojection_repairs}))
    if raw.encoding_origin == "detected":
        notes.append((N_("The shapefile has no .cpg file; its attributes were read as {encoding}, "
                         "detected from their bytes."), {"encoding": raw.encoding}))
    if crs is None and raw.crs_origin == "adv-urn":
        notes.append((N_("The AdV coordinate reference system name was read as EPSG:{epsg}."),
                      {"epsg": source.to_epsg()}))
    report = LayerReport(
        layer=layer.name, dataset=layer.dataset, driver=raw.driver, feature_count=len(frame),
        geometry_types={str(k): int(v) for k, v in frame.geom_type.value_counts().items()},
        source_crs_epsg=source.to_epsg(), source_crs_name=source.name, source_crs_wkt=source.to_wkt(),
        crs_origin="user" if crs is not None else raw.crs_origin, extent=extent,
        repaired_invalid=repaired, dropped_empty=dropped_empty, dropped_unreadable=raw.unreadable,
        z_dropped=z_dropped,
        attributes=[(str(c), _attribute_type(frame[c])) for c in columns],
        encoding=raw.encoding, encoding_origin=raw.encoding_origin, notes=notes)
    return frame, report
