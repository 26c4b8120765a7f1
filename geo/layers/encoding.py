"""Character encoding of shapefile attribute tables (.dbf) without a .cpg file."""
from __future__ import annotations

import codecs
import struct
from pathlib import Path

# dBASE language driver IDs that mean "no code page" or Windows ANSI; for these
# the bytes decide. Any other LDID names a real code page and GDAL honours it.
_GUESSABLE_LDIDS = frozenset({0x00, 0x03, 0x57, 0x58, 0x59})
_CHUNK = 1024 * 1024


def sidecar(path: Path, suffix: str) -> Path | None:
    """The side file of `path` with `suffix` (e.g. ``".cpg"``), in any letter case, or None."""
    stem = path.stem.lower()
    for candidate in path.parent.iterdir():
        if candidate.stem.lower() == stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def dbf_encoding(dbf: Path) -> str | None:
    """Guess the encoding of a .dbf whose shapefile has no .cpg.

    Strict UTF-8 is tried first: text in a single-byte code page almost never
    decodes as valid UTF-8 once it contains umlauts. Otherwise CP1252 (the
    Windows superset of Latin-1 that German exports use) is assumed.

    Parameters
    ----------
    dbf : Path
        The attribute table.

    Returns
    -------
    str or None
        ``"UTF-8"`` or ``"CP1252"``; None when the table is plain ASCII or its
        header names a specific code page (GDAL then decodes it correctly).
    """
    if not isinstance(dbf, Path):
        raise TypeError("dbf must be a pathlib.Path")
    with open(dbf, "rb") as handle:
        header = handle.read(32)
        if len(header) < 32:
            return None
        header_length = struct.unpack("<H", header[8:10])[0]
        if header[29] not in _GUESSABLE_LDIDS:
            return None
        handle.seek(header_length)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        non_ascii = False
        try:
            while chunk := handle.read(_CHUNK):
                non_ascii = non_ascii or not chunk.isascii()
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "CP1252"
    return "UTF-8" if non_ascii else None


def shapefile_encoding(shp: Path) -> tuple[str | None, str]:
    """Decide how to decode a shapefile's attributes.

    Parameters
    ----------
    shp : Path
        The .shp file; its .cpg and .dbf are found beside it (any letter case).

    Returns
    -------
    tuple of (str or None, str)
        The encoding to pass to the reader (None: let GDAL decide) and where
        the decision came from: ``"cpg"``, ``"detected"`` or ``"gdal"``.
    """
    if sidecar(shp, ".cpg") is not None:
        return None, "cpg"
    dbf = sidecar(shp, ".dbf")
    guessed = dbf_encoding(dbf) if dbf is not None else None
    return (guessed, "detected") if guessed else (None, "gdal")
