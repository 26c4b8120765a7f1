"""Refuse XML with a document type declaration before GDAL parses it.

A DOCTYPE is the only place where entities can be declared, so refusing it
stops entity-expansion bombs ("billion laughs") and external entities (XXE)
alike. Only the prolog is parsed, in small chunks, with expat; the rest of
the file is never loaded here.
"""
from __future__ import annotations

from pathlib import Path
from xml.parsers import expat

from geo.errors import GeoInputError, N_

_CHUNK = 64 * 1024
#: Root elements of GDAL's own XML formats, which make GDAL open other files.
_GDAL_CONTROL_ROOTS = frozenset({"OGRVRTDataSource", "VRTDataset", "GDAL_WMS", "GDAL_WMTS",
                                 "OGRWFSDataSource", "GDAL_GCP"})


class _Doctype(Exception):
    pass


class _Root(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _on_doctype(*_args: object) -> None:
    raise _Doctype


def _on_element(name: str, _attrs: object) -> None:
    raise _Root(name)


def root_element(path: Path, *, max_prolog_bytes: int = 1024 * 1024) -> str:
    """Check the prolog of an XML file and return the root element's local name.

    Parameters
    ----------
    path : Path
        A KML, GML or other XML file.
    max_prolog_bytes : int
        How far to read for the root element before giving up.

    Returns
    -------
    str
        The root element's name without namespace prefix, e.g. ``"kml"``.

    Raises
    ------
    GeoInputError
        If the file declares a DOCTYPE or entities, is not well-formed
        before its root element, has no root element, or is a GDAL control file.
    """
    if not isinstance(path, Path):
        raise TypeError("path must be a pathlib.Path")
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _on_doctype
    parser.EntityDeclHandler = _on_doctype
    parser.StartElementHandler = _on_element
    read = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                read += len(chunk)
                parser.Parse(chunk, False)
                if read >= max_prolog_bytes:
                    raise GeoInputError(N_("The XML file has no root element in its first {size} KB."),
                                        size=max_prolog_bytes // 1024)
            parser.Parse(b"", True)
    except _Doctype:
        raise GeoInputError(N_("The XML file contains a DOCTYPE or ENTITY declaration, which is not allowed "
                               "(it can expand to huge sizes or read other files); export it again without one.")
                            ) from None
    except _Root as root:
        local = root.name.rsplit(":", 1)[-1]
        if local in _GDAL_CONTROL_ROOTS:
            raise GeoInputError(N_("The file is a GDAL control file (<{root}>), not geodata; it was refused."),
                                root=local) from None
        return local
    except expat.ExpatError as exc:
        raise GeoInputError(N_("The file is not well-formed XML ({reason}, line {line})."),
                            reason=expat.ErrorString(exc.code), line=exc.lineno) from None
    raise GeoInputError(N_("The XML file is empty or has no root element."))
