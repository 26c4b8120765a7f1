"""Address lists the GIS team imports, and search keys for what residents type.

No external geocoder: addresses come from the state's official house
coordinates (Hauskoordinaten Deutschland, HK-DE), from a simple CSV or from a
point layer. `read_addresses` turns any of them into one table in EPSG:4326;
`normalise` and `parse_query` make "Hauptstr. 5a" find "Hauptstraße 5a".

HK-DE files are semicolon-separated text with or without a header line: NBA;
OI; QUA; LAN; RBZ; KRS; GMD; OTT; SSS; HNR; ADZ; East; North; STN; PLZ; ONM;
ZON; POT (newer deliveries add columns at the end). East and North are
ETRS89/UTM with a decimal comma; East carries the UTM zone in front
(``33380123,456`` is zone 33, easting 380123.456).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geo.address_columns import (
    HK_COLUMNS,
    column_key,
    delimiter,
    detect_encoding,
    first_line,
    is_headerless_hk,
    map_columns,
    require_columns,
)
from geo.address_keys import normalise, number_key, parse_query
from geo.errors import GeoInputError, N_
from geo.layers import inspect_file
from geo.layers.crs import GERMANY, crs_from_user, implausible_error, missing_crs_error
from geo.layers.limits import Limits

__all__ = ["AddressReport", "AddressTable", "detect_encoding", "normalise", "number_key", "parse_query",
           "read_addresses"]

Box = tuple[float, float, float, float]
Progress = Callable[[int, int], None]

CSV_SUFFIXES = (".csv", ".txt")
LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".zip")
#: The columns of an `AddressTable.frame`, in order.
COLUMNS = ("street", "house_number", "postcode", "place", "lon", "lat", "street_key")

#: Why a row was skipped (msgids; the web layer translates them).
MISSING_STREET = N_("street name missing")
MISSING_NUMBER = N_("house number missing or not readable")
BAD_COORDINATES = N_("coordinates missing or not numbers")
OUTSIDE_AREA = N_("coordinates outside the plausible area")
REASONS = (MISSING_STREET, MISSING_NUMBER, BAD_COORDINATES, OUTSIDE_AREA)

_CHUNK_ROWS = 100_000
_MAX_EXAMPLES = 10
#: Longest house number kept ("12-14a", "7/1 b"); longer values are not a house number.
MAX_HOUSE_NUMBER = 20
_CONTROL = r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"


@dataclass
class AddressReport:
    """What the GIS team sees after reading an address list.

    ``skipped`` counts rows per reason (msgids from `REASONS`); ``examples``
    holds the first skipped rows as (line number in the file, reason).
    """

    source_format: str
    rows_read: int
    addresses: int
    duplicates: int
    skipped: dict[str, int]
    examples: list[tuple[int, str]]
    encoding: str | None
    source_crs_epsg: list[int]
    notes: list[tuple[str, dict]] = field(default_factory=list)

    def as_dict(self) -> dict:
        """A JSON-serialisable copy (for the address list's stored report)."""
        return asdict(self)

    @property
    def skipped_total(self) -> int:
        """Rows left out for a reason (duplicates not counted)."""
        return sum(self.skipped.values())


@dataclass
class AddressTable:
    """Addresses in EPSG:4326, one row per (street, house number, postcode).

    ``frame`` has the columns in `COLUMNS`: text columns as str ("" when the
    file has none), ``lon``/``lat`` as float64, ``street_key`` from `normalise`.
    """

    frame: pd.DataFrame
    report: AddressReport

    def __len__(self) -> int:
        return len(self.frame)


# --- reading ---------------------------------------------------------------------------------------------

def _numbers(values: pd.Series) -> np.ndarray:
    text = values.str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _text(chunk: pd.DataFrame, column: str | None, limit: int = 200) -> pd.Series:
    """A text column, stripped of control characters and cut to what the database holds."""
    if column is None:
        return pd.Series("", index=chunk.index, dtype=object)
    return chunk[column].fillna("").astype(str).str.replace(_CONTROL, "", regex=True).str.strip().str[:limit]


def _chunk_columns(chunk: pd.DataFrame, mapping: dict[str, str]) -> dict[str, object]:
    """The parts of one chunk that are kept: cleaned text and float coordinates."""
    number = _text(chunk, mapping.get("number"), 100).str.replace(r"\s+", "", regex=True)
    addition = _text(chunk, mapping.get("addition"), 100).str.replace(r"\s+", "", regex=True)
    postcode = _text(chunk, mapping.get("postcode"), 10)
    postcode = postcode.where(~postcode.str.fullmatch(r"\d{4}"), postcode.str.zfill(5))
    out = {"street": _text(chunk, mapping.get("street")).str.replace(r"\s+", " ", regex=True),
           "house_number": number + addition, "postcode": postcode, "place": _text(chunk, mapping.get("place"))}
    if "x" in mapping:
        out["x"], out["y"] = _numbers(chunk[mapping["x"]].astype(str)), _numbers(chunk[mapping["y"]].astype(str))
        out["geographic"] = False
    else:
        out["x"], out["y"] = (_numbers(chunk[mapping["lon"]].astype(str)),
                              _numbers(chunk[mapping["lat"]].astype(str)))
        out["geographic"] = True
    out["zone"] = (_numbers(chunk[mapping["zone"]].astype(str)) if "zone" in mapping
                   else np.full(len(chunk), np.nan))
    return out


def _read_csv(path: Path, limits: Limits, progress: Progress | None) -> tuple[pd.DataFrame, str, str]:
    """Stream a CSV in chunks into one compact frame (text + float x/y/zone)."""
    encoding = detect_encoding(path)
    first = first_line(path, encoding)
    sep = delimiter(first, path.name)
    fields = first.split(sep)
    if is_headerless_hk(fields):
        names = list(HK_COLUMNS) + [f"extra_{i}" for i in range(len(fields) - len(HK_COLUMNS))]
        header, source_format = None, "hauskoordinaten"
    else:
        names, header = None, 0
        keys = {column_key(f) for f in fields}
        source_format = "hauskoordinaten" if {"hnr", "stn", "sss"} <= keys else "csv"
    columns = names or [f.strip().strip('"').lstrip("\ufeff") for f in fields]
    mapping, missing, shown = map_columns(columns)
    require_columns(mapping, missing, shown, with_coordinates=True)
    wanted = set(mapping.values())
    total = path.stat().st_size
    parts: list[dict[str, object]] = []
    rows = 0
    with open(path, "rb") as handle:
        reader = pd.read_csv(handle, sep=sep, header=header, names=names, dtype=str, keep_default_na=False,
                             na_filter=False, encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                             encoding_errors="replace",
                             chunksize=_CHUNK_ROWS, skip_blank_lines=True, quotechar='"',
                             usecols=lambda c: str(c).strip() in wanted, engine="c")
        try:
            for chunk in reader:
                chunk.columns = [str(c).strip().strip('"').lstrip("\ufeff") for c in chunk.columns]
                rows += len(chunk)
                if rows > limits.max_features:
                    raise GeoInputError(N_("The address list has more than {limit} rows; split it into "
                                           "smaller files."), limit=limits.max_features)
                parts.append(_chunk_columns(chunk, mapping))
                if progress is not None:
                    progress(min(handle.tell(), total), total)
        except (pd.errors.ParserError, ValueError) as exc:
            raise GeoInputError(N_("The CSV file “{name}” could not be read ({reason})."),
                                name=path.name, reason=str(exc)[:200]) from None
    if rows == 0:
        raise GeoInputError(N_("The address list “{name}” has no rows."), name=path.name)
    frame = pd.DataFrame({
        "street": pd.concat([p["street"] for p in parts], ignore_index=True),
        "house_number": pd.concat([p["house_number"] for p in parts], ignore_index=True),
        "postcode": pd.concat([p["postcode"] for p in parts], ignore_index=True),
        "place": pd.concat([p["place"] for p in parts], ignore_index=True),
        "x": np.concatenate([p["x"] for p in parts]), "y": np.concatenate([p["y"] for p in parts]),
        "zone": np.concatenate([p["zone"] for p in parts]),
    })
    frame.attrs["geographic"] = bool(parts[0]["geographic"])
    frame.attrs["first_line"] = 1 if header is None else 2
    return frame, source_format, encoding


def _read_layer(path: Path, crs: int | None, layer: str | None, limits: Limits, area: Box
                ) -> tuple[pd.DataFrame, int | None]:
    """Read a point layer through the sandboxed layer reader; attributes mapped like CSV columns."""
    inspected = inspect_file(path, path.name, layer=layer, crs=crs, limits=limits, area=area)
    if inspected.needs_layer_choice:
        raise GeoInputError(N_("The file has several layers; choose the one with the addresses: {choices}."),
                            choices=", ".join(info.key for info in inspected.layers))
    gdf, report = inspected.gdf, inspected.report
    types = set(gdf.geom_type.unique())
    if not types <= {"Point", "MultiPoint"}:
        raise GeoInputError(N_("The layer holds {types} geometries; an address list needs points."),
                            types=", ".join(sorted(str(t) for t in types)))
    geometry = gdf.geometry.values.to_numpy()
    multi = shapely.get_type_id(geometry) == 4
    geometry[multi] = shapely.get_geometry(geometry[multi], 0)
    attributes = pd.DataFrame({str(c): _as_text(gdf[c]) for c in gdf.columns if c != gdf.geometry.name})
    mapping, missing, shown = map_columns(list(attributes.columns))
    for role in ("x", "y", "lon", "lat", "zone"):
        mapping.pop(role, None)
    require_columns(mapping, missing, shown, with_coordinates=False)
    parts = _chunk_columns(attributes.assign(_lon=shapely.get_x(geometry).astype(str),
                                             _lat=shapely.get_y(geometry).astype(str)),
                           {**mapping, "lon": "_lon", "lat": "_lat"})
    frame = pd.DataFrame({key: parts[key] for key in ("street", "house_number", "postcode", "place", "x", "y")})
    frame["zone"] = np.nan
    frame.attrs["geographic"] = True
    frame.attrs["first_line"] = 1
    return frame.reset_index(drop=True), report.source_crs_epsg


def _as_text(values: pd.Series) -> pd.Series:
    """An attribute as text; whole floats (a number column with gaps) without ".0", gaps as ""."""
    if values.dtype.kind == "f" and np.all(np.isnan(values) | (values == np.round(values))):
        values = values.astype("Int64")
    return values.astype(object).where(values.notna(), "").astype(str)


def _row_crs(frame: pd.DataFrame, crs: CRS | None) -> np.ndarray:
    """EPSG code per row: 4326 for lon/lat, the UTM zone in front of the easting or in a zone column,
    else the CRS the caller gave (0 where nothing says)."""
    n = len(frame)
    if frame.attrs["geographic"]:
        return np.full(n, 4326, dtype=np.int32)
    x = frame["x"].to_numpy(copy=True)
    zone = frame["zone"].to_numpy(copy=True)
    prefixed = (x >= 1e7) & (x < 1e8)
    zone[prefixed] = np.floor(x[prefixed] / 1e6)
    x[prefixed] -= zone[prefixed] * 1e6
    frame["x"] = x
    codes = np.zeros(n, dtype=np.int32)
    known = np.isin(zone, (31, 32, 33))
    codes[known] = 25800 + zone[known].astype(np.int32)
    codes[~np.isnan(zone) & ~known] = -1  # a zone we cannot read: the row's coordinates are bad
    if crs is not None:
        codes[codes == 0] = crs.to_epsg() or 0
    return codes


def _transform(frame: pd.DataFrame, codes: np.ndarray, crs: CRS | None, area: Box) -> tuple[np.ndarray, ...]:
    """lon/lat per row, and which rows had numbers and lie inside `area`."""
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    numeric = np.isfinite(x) & np.isfinite(y) & (codes != -1)
    unknown = numeric & (codes == 0)
    if unknown.any():
        bounds = (float(x[unknown].min()), float(y[unknown].min()), float(x[unknown].max()),
                  float(y[unknown].max()))
        raise missing_crs_error(bounds, area)
    lon, lat = np.full(len(x), np.nan), np.full(len(x), np.nan)
    for code in np.unique(codes[numeric]):
        rows = numeric & (codes == code)
        source = crs if crs is not None and crs.to_epsg() == code else CRS.from_epsg(int(code))
        transformer = Transformer.from_crs(source, 4326, always_xy=True)
        lon[rows], lat[rows] = transformer.transform(x[rows], y[rows], errcheck=False)
    inside = (numeric & np.isfinite(lon) & np.isfinite(lat) & (lon >= area[0]) & (lon <= area[2])
              & (lat >= area[1]) & (lat <= area[3]))
    return lon, lat, numeric, inside


def _refuse_outside(frame: pd.DataFrame, codes: np.ndarray, numeric: np.ndarray, inside: np.ndarray,
                    lon: np.ndarray, lat: np.ndarray, crs: CRS | None, area: Box) -> None:
    """When most numeric rows lie outside the area, the CRS is wrong, not the rows: say which fits."""
    outside = numeric & ~inside
    if outside.sum() * 2 <= len(frame):
        return
    code = int(np.bincount(codes[outside].clip(0)).argmax())
    rows = outside & (codes == code)
    x, y = frame["x"].to_numpy()[rows], frame["y"].to_numpy()[rows]
    source = crs if crs is not None and crs.to_epsg() == code else CRS.from_epsg(code)
    finite_lon, finite_lat = lon[rows][np.isfinite(lon[rows])], lat[rows][np.isfinite(lat[rows])]
    lonlat = ((float(finite_lon.min()), float(finite_lat.min()), float(finite_lon.max()), float(finite_lat.max()))
              if len(finite_lon) and len(finite_lat) else (np.inf,) * 4)
    raise implausible_error((float(x.min()), float(y.min()), float(x.max()), float(y.max())), source, lonlat, area)


def read_addresses(path: str | Path, *, crs: int | None = None, layer: str | None = None,
                   limits: Limits = Limits(), area: Box = GERMANY, progress: Progress | None = None
                   ) -> AddressTable:
    """Read an address list: HK-DE house coordinates, a simple CSV or a point layer.

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.txt`` (HK-DE or simple CSV, ``;`` or ``,``, UTF-8 or
        CP1252), or ``.gpkg``/``.geojson``/``.json``/``.zip`` (a point layer,
        read in the layer sandbox).
    crs : int, optional
        EPSG code of x/y columns when the file does not say (no UTM zone in
        front of the easting, no zone column), e.g. 25833.
    layer : str, optional
        The layer to read from a file with several.
    limits : Limits
        ``max_upload_bytes`` for the file, ``max_features`` for its rows.
    area : tuple of float
        Plausible lon/lat box; rows outside are skipped, a file mostly outside is refused.
    progress : callable, optional
        ``progress(done, total)`` in bytes while a CSV is read.

    Returns
    -------
    AddressTable
        Unique addresses in EPSG:4326 and the report (rows read, skipped with
        reasons, duplicates collapsed).

    Raises
    ------
    GeoInputError
        Unknown format, missing columns, no CRS, coordinates that fit another
        CRS, or a file where most rows cannot be used.
    """
    path = Path(path)
    if not isinstance(limits, Limits):
        raise TypeError("limits must be a Limits instance")
    if crs is not None and (isinstance(crs, bool) or not isinstance(crs, int)):
        raise TypeError("crs must be an EPSG code (int) or None")
    if not path.is_file():
        raise FileNotFoundError(path)
    size = path.stat().st_size
    if size == 0:
        raise GeoInputError(N_("The file “{name}” is empty."), name=path.name[:200])
    if size > limits.max_upload_bytes:
        raise GeoInputError(N_("The file is {size} MB; at most {limit} MB are allowed."),
                            size=-(-size // 2**20), limit=limits.max_upload_bytes // 2**20)
    source_crs = crs_from_user(crs) if crs is not None else None
    suffix = path.suffix.lower()
    encoding: str | None = None
    if suffix in CSV_SUFFIXES:
        frame, source_format, encoding = _read_csv(path, limits, progress)
    elif suffix in LAYER_SUFFIXES:
        frame, _epsg = _read_layer(path, crs, layer, limits, area)
        source_format = "layer"
    else:
        raise GeoInputError(N_("Files of type “{suffix}” cannot be read as an address list; use a CSV file "
                               "(e.g. the Hauskoordinaten), a GeoPackage, GeoJSON or a zipped shapefile."),
                            suffix=suffix or path.name[:80])
    return _assemble(frame, source_format, encoding, source_crs, area)


def _assemble(frame: pd.DataFrame, source_format: str, encoding: str | None, crs: CRS | None,
              area: Box) -> AddressTable:
    rows = len(frame)
    codes = _row_crs(frame, crs)
    lon, lat, numeric, inside = _transform(frame, codes, crs, area)
    _refuse_outside(frame, codes, numeric, inside, lon, lat, crs, area)
    reason = np.full(rows, -1, dtype=np.int8)
    for index, bad in enumerate((frame["street"].to_numpy() == "",
                                 ~(frame["house_number"].str.contains(r"\d", regex=True)
                                   & (frame["house_number"].str.len() <= MAX_HOUSE_NUMBER)).to_numpy(),
                                 ~numeric, ~inside)):
        reason[(reason == -1) & bad] = index
    skipped = {REASONS[i]: int(n) for i, n in enumerate(np.bincount(reason[reason >= 0], minlength=4)) if n}
    bad_rows = np.flatnonzero(reason >= 0)
    first_line = frame.attrs["first_line"]
    examples = [(int(i) + first_line, REASONS[reason[i]]) for i in bad_rows[:_MAX_EXAMPLES]]
    usable = rows - len(bad_rows)
    if usable * 2 < rows or usable == 0:
        counts = {REASONS.index(r): n for r, n in skipped.items()}
        raise GeoInputError(N_("{bad} of {total} rows cannot be used, so the address list was not imported: "
                               "{street} without street, {number} without house number, {coordinates} "
                               "without coordinates, {outside} outside the plausible area (first at line "
                               "{line})."),
                            bad=len(bad_rows), total=rows, street=counts.get(0, 0), number=counts.get(1, 0),
                            coordinates=counts.get(2, 0), outside=counts.get(3, 0),
                            line=examples[0][0] if examples else first_line)
    keep = reason < 0
    out = pd.DataFrame({
        "street": frame["street"].to_numpy()[keep], "house_number": frame["house_number"].to_numpy()[keep],
        "postcode": frame["postcode"].to_numpy()[keep], "place": frame["place"].to_numpy()[keep],
        "lon": lon[keep], "lat": lat[keep],
    })
    keys = {street: normalise(street) for street in out["street"].unique()}  # a few thousand, not a row each
    out["street_key"] = out["street"].map(keys)
    number_keys = out["house_number"].str.lower()
    unique = ~pd.DataFrame({"s": out["street_key"], "n": number_keys, "p": out["postcode"]}).duplicated()
    duplicates = int((~unique).sum())
    out = out[unique.to_numpy()].reset_index(drop=True)
    report = AddressReport(
        source_format=source_format, rows_read=rows, addresses=len(out), duplicates=duplicates, skipped=skipped,
        examples=examples, encoding=encoding,
        source_crs_epsg=sorted(int(c) for c in np.unique(codes[keep]) if c > 0))
    if encoding == "cp1252":
        report.notes.append((N_("The file is not UTF-8; it was read as Windows-1252 (Latin-1)."), {}))
    return AddressTable(frame=out[list(COLUMNS)], report=report)
