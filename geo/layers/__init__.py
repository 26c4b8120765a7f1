"""GIS layer uploads: check, read, validate and reproject a file to EPSG:4326.

Public API::

    from geo.layers import inspect_file, Limits
    result = inspect_file(path, "Bebauungsplan.zip")
    if result.needs_layer_choice:
        ...  # ask the user to pick one of result.layers, then call again with layer=key
    else:
        result.gdf, result.report

    with inspect_file_in_parts(path, "Flurstuecke.gpkg", part_rows=2000) as result:
        for frame in result.parts.frames():  # one part in memory at a time
            ...

GDAL is only ever loaded in the sandbox child, never in the calling process.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.errors import GeoInputError, N_
from geo.layers.archive import DATASET_SUFFIXES, ZIP_SUFFIXES
from geo.layers.crs import CHOICES, GERMANY, crs_label
from geo.layers.limits import Limits
from geo.layers.pipeline import InspectedLayer, LayerParts
from geo.layers.reader import LayerInfo
from geo.layers.validate import Box, LayerReport
from geo.layers import sandbox  # its process pool starts on first use, not at import

__all__ = ["CHOICES", "GERMANY", "crs_label", "InspectedLayer", "LayerInfo", "LayerParts", "LayerReport", "Limits",
           "inspect_file", "inspect_file_in_parts"]

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qpj", ".sbn", ".sbx")
_SINGLE_FILE_SUFFIXES = tuple(s for s in DATASET_SUFFIXES if s != ".shp")


def _safe_name(original_name: str) -> str:
    """A file name for the work folder that keeps the suffix and a readable stem."""
    name = unicodedata.normalize("NFC", original_name.replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, suffix = name.rpartition(".")
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._")[:100] or "upload"
    return f"{stem}.{suffix.lower()}" if dot else stem


def _check_upload(path: Path, original_name: str, limits: Limits) -> str:
    suffix = Path(original_name).suffix.lower()
    if suffix in _SHAPEFILE_PARTS:
        raise GeoInputError(N_("Upload a shapefile as one .zip file that contains all its side files "
                               "(.shp, .shx, .dbf, .prj, .cpg)."))
    if suffix not in ZIP_SUFFIXES + _SINGLE_FILE_SUFFIXES:
        raise GeoInputError(N_("Files of type “{suffix}” are not supported; upload a zipped shapefile, GeoPackage, "
                               "GeoJSON, KML, FlatGeobuf or GML file."), suffix=suffix or original_name[:80])
    size = path.stat().st_size
    if size == 0:
        raise GeoInputError(N_("The file “{name}” is empty."), name=original_name[:200])
    if size > limits.max_upload_bytes:
        raise GeoInputError(N_("The file is {size} MB; at most {limit} MB are allowed."),
                            size=-(-size // 2**20), limit=limits.max_upload_bytes // 2**20)
    return suffix


def inspect_file(path: str | Path, original_name: str, *, layer: str | None = None, crs: object = None,
                 limits: Limits = Limits(), area: Box = GERMANY, tmp_root: str | Path | None = None,
                 ) -> InspectedLayer:
    """Check, read and validate an uploaded GIS file in a sandboxed child process.

    Parameters
    ----------
    path : str or Path
        The uploaded file as stored by the web layer (never modified).
    original_name : str
        The name the user's file had; its suffix decides the format.
    layer : str, optional
        Key of the layer to import (from ``InspectedLayer.layers``).
    crs : int, str or pyproj.CRS, optional
        CRS to assign when the file has none or a wrong one (e.g. ``25832``).
    limits : Limits
        Size, zip, feature, time and memory limits.
    area : tuple of float
        Plausible lon/lat box (west, south, east, north); default Germany with a margin.
    tmp_root : str or Path, optional
        Where the private work folder is created (default: the system temp dir).
        It is removed before this function returns or raises.

    Returns
    -------
    InspectedLayer
        The layer in EPSG:4326 with its report, or only the layer list when
        the user has to choose among several layers.

    Raises
    ------
    GeoInputError
        For every refusal; ``message`` is an English msgid, ``params`` fill it.
    """
    with inspect_file_in_parts(path, original_name, layer=layer, crs=crs, limits=limits, area=area,
                               tmp_root=tmp_root, part_rows=None) as result:
        return result


@contextmanager
def inspect_file_in_parts(path: str | Path, original_name: str, *, part_rows: int | None, layer: str | None = None,
                          crs: object = None, limits: Limits = Limits(), area: Box = GERMANY,
                          tmp_root: str | Path | None = None) -> Iterator[InspectedLayer]:
    """`inspect_file` for layers too large to hold at once: the checked layer stays in the work folder as
    ``result.parts`` of `part_rows` features, to be read one part at a time inside the ``with`` block; the
    folder is removed when the block ends. With ``part_rows=None`` the result holds the whole ``gdf``."""
    path = Path(path)
    if not isinstance(original_name, str) or not original_name:
        raise TypeError("original_name must be a non-empty str")
    if not isinstance(limits, Limits):
        raise TypeError("limits must be a Limits instance")
    if layer is not None and not isinstance(layer, str):
        raise TypeError("layer must be a str or None")
    if part_rows is not None and part_rows < 1:
        raise ValueError("part_rows must be positive")
    if not path.is_file():
        raise FileNotFoundError(path)
    _check_upload(path, original_name, limits)
    workdir = Path(tempfile.mkdtemp(prefix="geo-layer-", dir=tmp_root))
    try:
        upload = workdir / _safe_name(original_name)
        # A copy: GDAL writes side files (.gfs) next to what it reads, and the
        # upload's own folder may hold other files GDAL would pick up.
        shutil.copyfile(path, upload)
        yield sandbox.run_limited("geo.layers._child:inspect", upload, workdir, layer=layer, crs=crs,
                                  limits=limits, area=tuple(area), part_rows=part_rows,
                                  timeout=limits.parse_timeout_seconds, memory_bytes=limits.parse_memory_bytes)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
