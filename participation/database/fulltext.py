"""Full-text search, one implementation per database.

PostgreSQL: a GIN index on `to_tsvector(<language>, column)`, queried with
`plainto_tsquery` (every word), so German words are found by their stem ("Gärten"
finds "Garten"). SQLite: an FTS5 table over the column (external content,
kept in step by triggers), queried with each word as a prefix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, column, func, literal_column, select, table
from sqlalchemy.engine import Dialect

#: Words as FTS5 and the query box see them: letters and digits (incl. umlauts and ß).
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class FullTextTable:
    """A table with a text column searched as a whole, e.g. `statute.search_text`."""

    name: str
    text_column: str
    #: The PostgreSQL text search configuration (stemming, stop words).
    language: str = "german"

    @property
    def fts(self) -> str:
        return f"{self.name}_fts"


def index_ddl(dialect_name: str, ft: FullTextTable) -> list[str]:
    t, c, f = ft.name, ft.text_column, ft.fts
    if dialect_name == "postgresql":
        return [f"CREATE INDEX ix_{t}_{c}_fts ON {t} USING GIN (to_tsvector('{ft.language}', {c}))"]
    # Table and column names come from the models, never from input.
    add = f"INSERT INTO {f} (rowid, {c}) VALUES (NEW.id, NEW.{c});"  # noqa: S608
    remove = f"INSERT INTO {f} ({f}, rowid, {c}) VALUES ('delete', OLD.id, OLD.{c});"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE {f} USING fts5({c}, content='{t}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {f}_insert AFTER INSERT ON {t} BEGIN {add} END",
        f"CREATE TRIGGER {f}_update AFTER UPDATE OF {c} ON {t} BEGIN {remove} {add} END",
        f"CREATE TRIGGER {f}_delete AFTER DELETE ON {t} BEGIN {remove} END",
        f"INSERT INTO {f} ({f}) VALUES ('rebuild')",  # noqa: S608
    ]


def drop_ddl(dialect_name: str, ft: FullTextTable) -> list[str]:
    if dialect_name == "postgresql":
        return [f"DROP INDEX IF EXISTS ix_{ft.name}_{ft.text_column}_fts"]
    return [f"DROP TRIGGER IF EXISTS {ft.fts}_{op}" for op in ("insert", "update", "delete")] + [
        f"DROP TABLE IF EXISTS {ft.fts}"
    ]


def sqlite_query(words: list[str]) -> str:
    """An FTS5 query: every word must occur, each as a prefix ("Mühlen" finds "Mühlenteich")."""
    return " ".join(f'"{word}"*' for word in words)


def matches(dialect: Dialect, model, ft: FullTextTable, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause: rows of `model` whose text matches every word of `query`; None for no words.

    The words are passed as bound parameters on both databases; FTS5 syntax is
    never taken from the person's input (only the words themselves, quoted).
    """
    words = _WORD.findall(query)[:20]
    if not words:
        return None
    column_ = getattr(model, ft.text_column)
    if dialect.name == "postgresql":
        # The configuration is written into the SQL (a constant from the code), so that the expression
        # is the index's own and PostgreSQL uses the GIN index.
        language = literal_column(f"'{ft.language}'::regconfig")
        return func.to_tsvector(language, column_).op("@@")(func.plainto_tsquery(language, " ".join(words)))
    fts = table(ft.fts, column("rowid"), column(ft.fts))
    hits = select(fts.c.rowid).where(fts.c[ft.fts].op("MATCH")(sqlite_query(words)))
    return model.id.in_(hits)
