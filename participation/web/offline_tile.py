"""A plain offline basemap tile, for tests and installations without a tile service."""
from __future__ import annotations

import struct
import zlib
from functools import lru_cache

SIZE = 256
_BACKGROUND = (0xF2, 0xEF, 0xE9)
_GRID = (0xD9, 0xD4, 0xCA)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@lru_cache(maxsize=1)
def blank_tile() -> bytes:
    """A 256×256 PNG in the colours of a paper map, with a faint grid at its edges."""
    rows = []
    for y in range(SIZE):
        row = bytearray([0])
        for x in range(SIZE):
            row.extend(_GRID if x == 0 or y == 0 else _BACKGROUND)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
