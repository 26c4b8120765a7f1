"""Resource limits for reading an uploaded GIS file."""
from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True)
class Limits:
    """Upper bounds that protect the server from hostile or careless uploads.

    Attributes
    ----------
    max_upload_bytes : int
        Size of the uploaded file itself.
    max_uncompressed_bytes : int
        Sum of the uncompressed sizes of all entries of a zip archive.
    max_zip_entries : int
        Number of entries (files and folders) in a zip archive.
    max_compression_ratio : float
        Uncompressed/compressed ratio allowed for one entry and for the whole
        archive. Only checked for sizes above ``ratio_check_min_bytes``,
        because small padded DBF files legitimately compress very well.
    ratio_check_min_bytes : int
        Uncompressed size from which the ratio is checked.
    max_features : int
        Features in the chosen layer.
    parse_timeout_seconds : float
        Wall-clock time for reading and validating in the sandbox process.
    parse_memory_bytes : int
        Address-space limit (RLIMIT_AS) of the sandbox process.
    """

    max_upload_bytes: int = 200 * MB
    max_uncompressed_bytes: int = 1 * GB
    max_zip_entries: int = 1000
    max_compression_ratio: float = 100.0
    ratio_check_min_bytes: int = 4 * MB
    max_features: int = 2_000_000
    parse_timeout_seconds: float = 120.0
    parse_memory_bytes: int = 2 * GB

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive number, not {value!r}")
