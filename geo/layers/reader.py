"""Open datasets with pyogrio: sniff the content, list layers, read one layer."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.errors import GeoInputError, N_
from geo.layers import gdalenv
from geo.layers.crs import adv_epsg, srs_name_in
from geo.layers.encoding import shapefile_encoding, sidecar
from geo.layers.limits import Limits
from geo.layers.xmlguard import root_element

_MAGIC = {".gpkg": b"SQLite format 3\x00", ".fgb": b"fgb\x03", ".shp": b"\x00\x00\x27\x0a"}
#: Suffix a shapefile's unreadable .prj gets in the work folder, so GDAL reads the layer without a CRS.
_UNREADABLE_PRJ = ".prj-unreadable"
_FORMAT_NAMES = {".gpkg": "GeoPackage", ".fgb": "FlatGeobuf", ".shp": "shapefile", ".geojson": "GeoJSON",
                 ".json": "GeoJSON", ".kml": "KML", ".gml": "GML", ".xml": "GML"}


@dataclass(frozen=True)
class LayerInfo:
    """One layer the uploader can choose. `key` is what to pass back as ``layer``."""

    key: str
    dataset: str
    name: str
    feature_count: int
    geometry_type: str | None

    @property
    def usable(self) -> bool:
        """False for layers without features or without a geometry column (flagged in the UI)."""
        return self.feature_count > 0 and self.geometry_type is not None


@dataclass
class RawLayer:
    """A layer as read from the file, before validation."""

    attributes: pd.DataFrame
    geometry: np.ndarray
    crs: CRS | None
    crs_origin: str
    encoding: str | None
    encoding_origin: str
    driver: str
    unreadable: int
    fixed_on_read: int = 0


def _format_name(path: Path) -> str:
    return _FORMAT_NAMES[path.suffix.lower()]


def sniff(path: Path) -> None:
    """Check that a file's content matches its suffix before GDAL probes it.

    Raises
    ------
    GeoInputError
        If the file is empty, has the wrong signature, or is hostile XML.
    """
    suffix = path.suffix.lower()
    with open(path, "rb") as handle:
        head = handle.read(64)
    if not head:
        raise GeoInputError(N_("The file “{name}” is empty."), name=path.name)
    if suffix in _MAGIC and not head.startswith(_MAGIC[suffix]):
        raise GeoInputError(N_("The file “{name}” is not a valid {format} file (its content does not match "
                               "its name)."), name=path.name, format=_format_name(path))
    if suffix in (".geojson", ".json") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b"["):
        raise GeoInputError(N_("The file “{name}” is not valid GeoJSON: it does not start with “{{”."),
                            name=path.name)
    if suffix in (".kml", ".gml", ".xml"):
        root = root_element(path)
        if suffix == ".kml" and root != "kml":
            raise GeoInputError(N_("The file “{name}” is not KML: its root element is <{root}>, not <kml>."),
                                name=path.name, root=root)


def set_aside_unreadable_prj(shp: Path) -> bool:
    """Rename a shapefile's .prj that names no CRS, so the layer reads as one without a CRS.

    GDAL refuses the whole shapefile when its .prj is garbage that looks like
    WKT; a .prj no one can read says as much as a missing one, so the
    uploader is asked for the CRS instead. Only for files in the private work folder.

    Returns
    -------
    bool
        True if the shapefile's .prj was unreadable and has been set aside.
    """
    prj = sidecar(shp, ".prj")
    if prj is None:
        return False
    with open(prj, "rb") as handle:
        text = handle.read(64 * 1024).decode("utf-8", "replace").strip()
    try:
        CRS.from_user_input(text)
        return False
    except CRSError:
        prj.rename(prj.with_name(shp.stem + _UNREADABLE_PRJ))
        return True


def _clean(reason: object, root: Path) -> str:
    """GDAL's message without our private temp paths."""
    return str(reason).replace(str(root) + "/", "").replace(str(root), "")[:300]


def _open_error(path: Path, root: Path, exc: Exception) -> GeoInputError:
    return GeoInputError(N_("The {format} file “{name}” could not be read; it is probably incomplete or "
                            "damaged ({reason})."), format=_format_name(path), name=path.name,
                         reason=_clean(exc, root))


def _info(path: Path, root: Path, **kwargs: object) -> dict:
    import pyogrio

    gdalenv.apply_config()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = pyogrio.read_info(path, **kwargs)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _open_error(path, root, exc) from None
    if info.get("driver") not in gdalenv.DRIVERS_BY_SUFFIX[path.suffix.lower()]:
        raise GeoInputError(N_("The file “{name}” is not a valid {format} file (GDAL reads it as {driver})."),
                            name=path.name, format=_format_name(path), driver=str(info.get("driver")))
    return info


def list_layers(datasets: list[Path], root: Path) -> list[LayerInfo]:
    """List every layer of every dataset with its feature count and geometry type.

    Parameters
    ----------
    datasets : list of Path
        Files inside `root`, e.g. from `geo.layers.archive.find_datasets`.
    root : Path
        The private work folder (used for relative names and clean messages).

    Returns
    -------
    list of LayerInfo
        In file order. Keys are layer names, prefixed with the dataset path where
        two datasets have layers of the same name.
    """
    import pyogrio

    found: list[tuple[Path, str, int, str | None]] = []
    for path in datasets:
        sniff(path)
        if path.suffix.lower() == ".shp":
            set_aside_unreadable_prj(path)
        _info(path, root)  # opens once, so the driver is checked before the layers are read
        try:
            names = pyogrio.list_layers(path)
        except pyogrio.errors.DataSourceError as exc:
            raise _open_error(path, root, exc) from None
        if len(names) == 0:
            raise GeoInputError(N_("The file “{name}” contains no layers."), name=path.name)
        for name, geometry_type in names:
            count = _info(path, root, layer=name, force_feature_count=True)["features"]
            found.append((path, str(name), max(int(count), 0), geometry_type))
    names = [name for _, name, _, _ in found]
    return [LayerInfo(key=name if names.count(name) == 1 else f"{path.relative_to(root).as_posix()}:{name}",
                      dataset=path.relative_to(root).as_posix(), name=name, feature_count=count,
                      geometry_type=geometry_type)
            for path, name, count, geometry_type in found]


def _file_crs(path: Path, meta_crs: str | None, driver: str) -> tuple[CRS | None, str]:
    if meta_crs:
        try:
            return CRS.from_user_input(meta_crs), "file"
        except CRSError:
            return None, "none"
    if path.with_name(path.stem + _UNREADABLE_PRJ).exists():
        return None, "unreadable-prj"
    if driver == "GML":
        srs_name = srs_name_in(path)
        epsg = adv_epsg(srs_name) if srs_name else None
        if epsg:
            return CRS.from_epsg(epsg), "adv-urn"
    return None, "none"


def read_layer(layer: LayerInfo, root: Path, limits: Limits) -> RawLayer:
    """Read one layer's attributes and geometries (WKB, repaired where possible).

    Parameters
    ----------
    layer : LayerInfo
        From `list_layers`.
    root : Path
        The work folder holding ``layer.dataset``.
    limits : Limits
        ``max_features`` is enforced before reading.

    Returns
    -------
    RawLayer

    Raises
    ------
    GeoInputError
        If the layer has too many features, no geometry column, or cannot be read.
    """
    from pyogrio import errors, raw

    if not isinstance(layer, LayerInfo) or not isinstance(limits, Limits):
        raise TypeError("layer must be a LayerInfo and limits a Limits")
    path = root / layer.dataset
    if layer.feature_count > limits.max_features:
        raise GeoInputError(N_("The layer “{layer}” has {count} features; at most {limit} are allowed."),
                            layer=layer.name, count=layer.feature_count, limit=limits.max_features)
    if layer.geometry_type is None:
        raise GeoInputError(N_("The layer “{layer}” has no geometries (it holds only attributes); choose "
                               "another layer."), layer=layer.name)
    encoding, encoding_origin = (shapefile_encoding(path) if path.suffix.lower() == ".shp"
                                 else (None, "file"))
    driver = str(_info(path, root, layer=layer.name, encoding=encoding)["driver"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            meta, _, wkb, fields = raw.read(path, layer=layer.name, encoding=encoding)
    except (errors.DataSourceError, errors.DataLayerError, errors.FieldTypeError) as exc:
        raise _open_error(path, root, exc) from None
    if wkb is None:
        raise GeoInputError(N_("The layer “{layer}” has no geometries (it holds only attributes); choose "
                               "another layer."), layer=layer.name)
    geometry = shapely.from_wkb(wkb, on_invalid="ignore")
    failed = pd.isna(geometry) & ~pd.isna(wkb)
    # "fix" closes unclosed rings; what cannot be fixed stays None and is counted.
    geometry[failed] = shapely.from_wkb(wkb[failed], on_invalid="fix")
    unreadable = int(np.count_nonzero(pd.isna(geometry) & failed))
    attributes = pd.DataFrame({name: values for name, values in zip(meta["fields"], fields)},
                              index=pd.RangeIndex(len(wkb)))
    crs, crs_origin = _file_crs(path, meta.get("crs"), driver)
    return RawLayer(attributes=attributes, geometry=geometry, crs=crs, crs_origin=crs_origin,
                    encoding=encoding or meta.get("encoding"), encoding_origin=encoding_origin,
                    driver=driver, unreadable=unreadable,
                    fixed_on_read=int(np.count_nonzero(failed)) - unreadable)
