"""Safe handling of zip uploads: check everything, then extract, then find datasets."""
from __future__ import annotations

import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from geo.errors import GeoInputError, N_
from geo.layers.limits import Limits

#: Suffixes of files that can hold a vector dataset.
DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".fgb", ".gml", ".xml")
#: Suffixes of archives handled as zip files.
ZIP_SUFFIXES = (".zip", ".kmz")
_NESTED = (".zip", ".kmz", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst", ".z")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1024 * 1024


def _is_noise(name: str) -> bool:
    """Finder metadata that macOS adds to zips; never part of the data."""
    parts = PurePosixPath(name).parts
    return "__MACOSX" in parts or parts[-1].startswith("._") or parts[-1] in (".DS_Store", "Thumbs.db")


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if "\\" in name:
        raise GeoInputError(N_("The zip archive contains the path “{name}” with backslashes; create the zip "
                               "again with a standard zip tool."), name=name[:200])
    if name.startswith("/") or _DRIVE.match(name):
        raise GeoInputError(N_("The zip archive contains the absolute path “{name}”; create the zip again "
                               "from inside the folder that holds the files."), name=name[:200])
    if ".." in PurePosixPath(name).parts:
        raise GeoInputError(N_("The zip archive contains the path “{name}”, which points outside the "
                               "archive; it was refused."), name=name[:200])
    if stat.S_ISLNK(info.external_attr >> 16):
        raise GeoInputError(N_("The zip archive contains the symbolic link “{name}”; zip the files "
                               "themselves, not links to them."), name=name[:200])
    if info.flag_bits & 0x1:
        raise GeoInputError(N_("The zip archive entry “{name}” is encrypted; upload it without a password."),
                            name=name[:200])
    if not info.is_dir() and name.lower().endswith(_NESTED):
        raise GeoInputError(N_("The zip archive contains another archive (“{name}”); unpack it and upload "
                               "the inner file instead."), name=name[:200])


def check_zip(path: Path, limits: Limits) -> list[zipfile.ZipInfo]:
    """Check a zip archive's directory without extracting anything.

    Parameters
    ----------
    path : Path
        The archive.
    limits : Limits
        Entry count, total uncompressed size and compression ratio limits.

    Returns
    -------
    list of zipfile.ZipInfo
        The entries to extract (folders and macOS metadata left out).

    Raises
    ------
    GeoInputError
        If the archive is unreadable, too big, a likely zip bomb, or holds an
        unsafe entry (path traversal, absolute path, link, encryption, nested archive).
    """
    if not isinstance(limits, Limits):
        raise TypeError("limits must be a Limits instance")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise GeoInputError(N_("The file is not a valid zip archive; create the zip again.")) from None
    if len(entries) > limits.max_zip_entries:
        raise GeoInputError(N_("The zip archive has {count} entries; at most {limit} are allowed."),
                            count=len(entries), limit=limits.max_zip_entries)
    total = 0
    for info in entries:
        _check_name(info)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_check_min_bytes and ratio > limits.max_compression_ratio:
            raise GeoInputError(N_("The zip archive entry “{name}” is compressed {ratio:.0f} to 1, which "
                                   "looks like a zip bomb; at most {limit:.0f} to 1 is allowed."),
                                name=info.filename[:200], ratio=ratio, limit=limits.max_compression_ratio)
    if total > limits.max_uncompressed_bytes:
        raise GeoInputError(N_("The zip archive would unpack to {size} MB; at most {limit} MB are allowed."),
                            size=total // 2**20, limit=limits.max_uncompressed_bytes // 2**20)
    ratio = total / max(path.stat().st_size, 1)
    if total >= limits.ratio_check_min_bytes and ratio > limits.max_compression_ratio:
        raise GeoInputError(N_("The zip archive is compressed {ratio:.0f} to 1, which looks like a zip bomb; "
                               "at most {limit:.0f} to 1 is allowed."),
                            ratio=ratio, limit=limits.max_compression_ratio)
    return [i for i in entries if not i.is_dir() and not _is_noise(i.filename)]


def extract_zip(path: Path, workdir: Path, limits: Limits) -> Path:
    """Check, then extract a zip archive into a new folder inside `workdir`.

    Parameters
    ----------
    path : Path
        The archive.
    workdir : Path
        An existing private folder; the new folder is created inside it.
    limits : Limits
        See `check_zip`.

    Returns
    -------
    Path
        The folder holding the extracted files. On failure it is removed.

    Raises
    ------
    GeoInputError
        If `check_zip` refuses the archive or its data does not match its directory.
    """
    entries = check_zip(path, limits)
    root = Path(tempfile.mkdtemp(prefix="unzipped-", dir=workdir)).resolve()
    try:
        _extract(path, entries, root, limits)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return root


def _extract(path: Path, entries: list[zipfile.ZipInfo], root: Path, limits: Limits) -> None:
    written_total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in entries:
                target = root.joinpath(*PurePosixPath(info.filename).parts).resolve()
                if not target.is_relative_to(root):  # belt and braces after _check_name
                    raise GeoInputError(N_("The zip archive contains the path “{name}”, which points outside "
                                           "the archive; it was refused."), name=info.filename[:200])
                target.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                with archive.open(info) as source, open(target, "xb") as sink:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        written_total += len(chunk)
                        # The directory's sizes were checked; the data must not exceed them.
                        if written > info.file_size or written_total > limits.max_uncompressed_bytes:
                            raise GeoInputError(N_("The zip archive unpacks to more data than its directory "
                                                   "states; it was refused."))
                        sink.write(chunk)
    except FileExistsError:
        raise GeoInputError(N_("The zip archive contains the same file name twice; create the zip again.")) from None
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise GeoInputError(N_("The zip archive is damaged (a checksum or header does not match); "
                               "create the zip again.")) from None
    except NotImplementedError:
        raise GeoInputError(N_("The zip archive uses a compression method that is not supported; "
                               "create it again with standard (Deflate) compression.")) from None
    except OSError as exc:
        raise GeoInputError(N_("The zip archive could not be unpacked ({reason})."), reason=exc.strerror) from None


def _siblings(shp: Path) -> set[str]:
    stem = shp.stem.lower()
    return {p.suffix.lower() for p in shp.parent.iterdir() if p.stem.lower() == stem}


def _looks_like_gml(path: Path) -> bool:
    with open(path, "rb") as handle:
        return b"opengis.net/gml" in handle.read(65536)


def find_datasets(root: Path) -> list[Path]:
    """Find the files in an extracted archive that hold vector data.

    Parameters
    ----------
    root : Path
        The folder returned by `extract_zip`.

    Returns
    -------
    list of Path
        Dataset files, sorted by path. Rasters and sidecar files of an
        XPlanArchiv or shapefile are left out.

    Raises
    ------
    GeoInputError
        If a shapefile lacks its .shx or .dbf, or no dataset is found.
    """
    found: list[Path] = []
    shapefile_parts = False
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not _is_noise(p.relative_to(root).as_posix())):
        name = path.name.lower()
        if name.endswith((".shx", ".dbf")):
            shapefile_parts = True
        if not name.endswith(DATASET_SUFFIXES) or name.endswith((".shp.xml", ".aux.xml")):
            continue
        if name.endswith(".xml") and not _looks_like_gml(path):
            continue
        if name.endswith(".shp"):
            missing = [s for s in (".shx", ".dbf") if s not in _siblings(path)]
            if missing:
                raise GeoInputError(N_("The shapefile “{name}” has no {missing} file; export it again with all "
                                       "side files (.shp, .shx, .dbf, .prj, .cpg)."),
                                    name=path.name, missing=" / ".join(missing))
        found.append(path)
    if not found and shapefile_parts:
        raise GeoInputError(N_("The zip archive contains parts of a shapefile but no .shp file; export it "
                               "again with all side files (.shp, .shx, .dbf, .prj, .cpg)."))
    if not found:
        raise GeoInputError(N_("The zip archive contains no supported GIS file (shapefile, GeoPackage, GeoJSON, "
                               "KML, FlatGeobuf or GML)."))
    return found
