"""How the columns of an address file are recognised: the Hauskoordinaten layout, column names in their
usual spellings, the encoding and the delimiter of a CSV file (see geo.addresses)."""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from geo.errors import GeoInputError, N_

#: HK-DE columns in file order, for files without a header line.
HK_COLUMNS = ("NBA", "OI", "QUA", "LAN", "RBZ", "KRS", "GMD", "OTT", "SSS", "HNR", "ADZ", "EAST", "NORTH",
              "STN", "PLZ", "ONM", "ZON", "POT")

#: Column names (compared after `column_key`) → what they hold. "zon" is HK-DE's place-name
#: addition, not a UTM zone, so it is not listed.
ALIASES = {
    "street": ("strasse", "str", "street", "strassenname", "stn", "streetname", "strname", "strassenbezeichnung"),
    "number": ("hausnummer", "hnr", "nr", "housenumber", "hsnr", "hausnr", "number", "hn"),
    "addition": ("adz", "zusatz", "hausnummerzusatz", "adressierungszusatz", "hnrzusatz", "hausnrzusatz",
                 "suffix"),
    "postcode": ("plz", "postleitzahl", "postcode", "zip", "zipcode", "postalcode"),
    "place": ("ort", "gemeinde", "onm", "ortsname", "place", "city", "stadt", "gemeindename", "ortsnamepost",
              "municipality", "town"),
    "x": ("x", "rechtswert", "east", "ost", "ostwert", "easting", "rw"),
    "y": ("y", "hochwert", "north", "nord", "nordwert", "northing", "hw"),
    "lon": ("lon", "lng", "long", "longitude", "laenge"),
    "lat": ("lat", "latitude", "breite"),
    "zone": ("zone", "utmzone", "zonenkennung", "zonennummer"),
}
_ROLE_OF = {alias: role for role, aliases in ALIASES.items() for alias in aliases}
_EXPECTED = "strasse/straße, hausnummer/hnr, plz, ort, lon + lat / x + y (rechtswert + hochwert)"


def column_key(name: str) -> str:
    key = unicodedata.normalize("NFC", str(name)).strip().lstrip("\ufeff").lower()
    for old, new in (("ß", "ss"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        key = key.replace(old, new)
    return re.sub(r"[^a-z0-9]", "", key)


def map_columns(columns: list[str]) -> tuple[dict[str, str], list[str], str]:
    """Role → column name; refuses columns that could be the same thing and lists what is missing."""
    found: dict[str, list[str]] = {}
    for column in columns:
        role = _ROLE_OF.get(column_key(column))
        if role:
            found.setdefault(role, []).append(str(column))
    shown = ", ".join(str(c) for c in columns)[:400]
    for names in found.values():
        if len(names) > 1:
            raise GeoInputError(N_("Several columns could hold the same information ({columns}); keep one of "
                                   "them and import again. Columns found: {found}."),
                                columns=", ".join(names), found=shown)
    mapping = {role: names[0] for role, names in found.items()}
    missing = [name for role, name in (("street", "street/strasse"), ("number", "hausnummer/hnr"))
               if role not in mapping]
    return mapping, missing, shown


def require_columns(mapping: dict[str, str], missing: list[str], shown: str, *, with_coordinates: bool) -> None:
    if with_coordinates and not ({"x", "y"} <= mapping.keys() or {"lon", "lat"} <= mapping.keys()):
        missing = missing + ["lon + lat / x + y"]
    if missing:
        raise GeoInputError(N_("The address list lacks the column(s) {missing}. Columns found: {found}. "
                               "Expected names: {expected}."),
                            missing=", ".join(missing), found=shown or "–", expected=_EXPECTED)


def detect_encoding(path: Path) -> str:
    """``"utf-8"`` if the whole file is valid UTF-8, else ``"cp1252"`` (the superset of Latin-1
    German exports use); read in chunks, so a large file costs no memory."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def first_line(path: Path, encoding: str) -> str:
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace",
              newline="") as handle:
        for line in handle:
            if line.strip():
                return line.rstrip("\r\n")
    raise GeoInputError(N_("The file “{name}” is empty."), name=path.name)


def delimiter(line: str, name: str) -> str:
    counts = {sep: line.count(sep) for sep in (";", ",", "\t", "|")}
    sep = max(counts, key=counts.get)
    if counts[sep] == 0:
        raise GeoInputError(N_("The file “{name}” is not a CSV file: its first line has no “;” or “,” between "
                               "columns."), name=name[:200])
    return sep


def is_headerless_hk(fields: list[str]) -> bool:
    """A data line of HK-DE: NBA is empty or N/A/L, HNR digits, East a number with a decimal comma."""
    return (len(fields) >= len(HK_COLUMNS) and fields[0].strip() in ("", "N", "A", "L")
            and re.fullmatch(r"\d{1,5}", fields[9].strip() or "x") is not None
            and re.fullmatch(r"\d{6,8}([,.]\d+)?", fields[11].strip()) is not None)
