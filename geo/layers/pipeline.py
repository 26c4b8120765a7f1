"""The whole read-and-validate pipeline inside one private work folder.

Runs in the sandbox child (see `geo.layers.sandbox`); it can also run
in-process for tools that already isolate themselves.
"""
from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from geo.errors import GeoInputError, N_
from geo.layers.archive import ZIP_SUFFIXES, extract_zip, find_datasets
from geo.layers.crs import GERMANY, crs_from_user
from geo.layers.limits import Limits
from geo.layers.reader import LayerInfo, list_layers, read_layer
from geo.layers.validate import Box, LayerReport, validate_layer


@dataclass(frozen=True)
class LayerParts:
    """A checked layer that the sandbox child left in the work folder as files of at most a few thousand
    features each, so that the calling process holds one part at a time, never the whole layer."""

    paths: tuple[Path, ...]

    @classmethod
    def write(cls, gdf: gpd.GeoDataFrame, workdir: Path, rows: int) -> LayerParts:
        """Write `gdf` into a new folder inside `workdir` as parts of `rows` features."""
        folder = Path(tempfile.mkdtemp(prefix="parts-", dir=workdir))
        paths = []
        for number, start in enumerate(range(0, len(gdf), rows)):
            path = folder / f"part-{number:05d}.pickle"
            with path.open("wb") as file:
                pickle.dump(gdf.iloc[start:start + rows], file, protocol=pickle.HIGHEST_PROTOCOL)
            paths.append(path)
        return cls(tuple(paths))

    def frames(self) -> Iterator[gpd.GeoDataFrame]:
        """The parts in order, each read when the one before has been used."""
        for path in self.paths:
            with path.open("rb") as file:
                # Written by the sandbox child, whose answer through the pipe is unpickled all the same.
                yield pickle.load(file)  # noqa: S301 - our own child's output, as in sandbox.run_limited


@dataclass
class InspectedLayer:
    """Result of inspecting an upload.

    ``gdf`` and ``report`` are None when the upload has several usable layers
    and none was chosen: ask the user to pick one of ``layers`` (by ``key``).
    When the layer was asked for in parts, ``gdf`` is None and ``parts`` holds it.
    """

    gdf: gpd.GeoDataFrame | None
    report: LayerReport | None
    layers: list[LayerInfo]
    parts: LayerParts | None = None

    @property
    def needs_layer_choice(self) -> bool:
        """True when the caller must ask which layer to import."""
        return self.report is None


def _choose(layers: list[LayerInfo], wanted: str | None) -> LayerInfo | None:
    if wanted is not None:
        matches = [l for l in layers if l.key == wanted] or [l for l in layers if l.name == wanted]
        if len(matches) != 1:
            raise GeoInputError(N_("The file has no layer “{layer}”; choose one of: {choices}."),
                                layer=wanted, choices=", ".join(l.key for l in layers))
        return matches[0]
    usable = [l for l in layers if l.usable]
    if not usable:
        raise GeoInputError(N_("The file contains no layer with features ({layers})."),
                            layers=", ".join(f"{l.key}: {l.feature_count}" for l in layers))
    return usable[0] if len(usable) == 1 else None


def inspect_in_workdir(upload: Path, workdir: Path, *, layer: str | None = None, crs: object = None,
                       limits: Limits = Limits(), area: Box = GERMANY, part_rows: int | None = None) -> InspectedLayer:
    """Read and validate an upload that was copied into `workdir`.

    Parameters
    ----------
    upload : Path
        The uploaded file inside `workdir`, with its real suffix.
    workdir : Path
        A private folder this call may fill; the caller removes it.
    layer : str, optional
        Key or name of the layer to import.
    crs : int, str or pyproj.CRS, optional
        CRS to assign when the file has none or a wrong one.
    limits : Limits
        Resource limits.
    area : tuple of float
        Plausible lon/lat box.
    part_rows : int, optional
        Leave the layer in `workdir` as `LayerParts` of this many features instead of returning it whole.

    Returns
    -------
    InspectedLayer

    Raises
    ------
    GeoInputError
        For every refusal, with a message for the uploader.
    """
    chosen_crs = crs_from_user(crs) if crs is not None else None
    if upload.suffix.lower() in ZIP_SUFFIXES:
        root = extract_zip(upload, workdir, limits)
        datasets = find_datasets(root)
    else:
        root, datasets = workdir, [upload]
    layers = list_layers(datasets, root)
    selected = _choose(layers, layer)
    if selected is None:
        return InspectedLayer(gdf=None, report=None, layers=layers)
    raw = read_layer(selected, root, limits)
    gdf, report = validate_layer(raw, selected, crs=chosen_crs, area=area)
    if part_rows is None:
        return InspectedLayer(gdf=gdf, report=report, layers=layers)
    return InspectedLayer(gdf=None, report=report, layers=layers,
                          parts=LayerParts.write(gdf, workdir, part_rows))
