"""Which tables and indexes the migrations make by hand, so that autogenerate leaves them alone."""
from __future__ import annotations


def made_by_hand(name: str | None, type_: str) -> bool:
    """Spatial indexes (SQLite R*Tree tables, PostGIS GiST indexes), full-text indexes (SQLite FTS5
    tables with their shadow tables, PostgreSQL GIN indexes) and PostGIS's own table."""
    name = name or ""
    if type_ == "table":
        return "_rtree" in name or "_fts" in name or name == "spatial_ref_sys"
    if type_ == "index":
        return name.endswith(("_gist", "_fts"))
    return False
