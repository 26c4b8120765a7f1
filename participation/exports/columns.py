"""The columns of every export, one list for all formats.

A table's header is the column's words in the planner's language; a GIS file's field is its key, which
stays the same in every language so that a GIS model can rely on it. The first column of every sheet is
the comment's number (`reference`): a row of the workbook and a feature of the GeoPackage with the same
number are the same comment.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from participation.exports.models import Export


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy string, translated when the file is written
    #: "text", "int", "float", "datetime" or "date": how a spreadsheet formats it, how a GIS types it.
    kind: str = "text"
    #: The width of a spreadsheet column, in characters.
    width: int = 14


REFERENCE = Column("reference", _l("Number"), width=16)

COMMENTS = (
    REFERENCE,
    Column("subject", _l("Project or statute"), width=30),
    Column("created", _l("Received online or entered"), "datetime", 17),
    Column("received_on", _l("Received on"), "date", 12),
    Column("channel", _l("Channel")),
    Column("visibility", _l("Visibility")),
    Column("category", _l("Category"), width=20),
    Column("paragraph", _l("Paragraph")),
    Column("paragraph_anchor", _l("Paragraph anchor")),
    Column("plan_object_layer", _l("Plan object layer"), width=20),
    Column("plan_object_layer_id", _l("Plan object layer id"), "int", 10),
    Column("plan_object_id", _l("Plan object id"), width=20),
    Column("text", _l("Text"), width=60),
    Column("author", _l("Author (pseudonym)"), width=16),
    Column("entered_by", _l("Entered by")),
    Column("supports", _l("Supports"), "int", 10),
    Column("replies", _l("Replies"), "int", 10),
    Column("state", _l("State")),
    Column("answer_id", _l("Answer number"), width=12),
    Column("answer", _l("The town's answer"), width=60),
    Column("answered_at", _l("Answered at"), "datetime", 17),
    Column("answered_by", _l("Answered by")),
    Column("decision", _l("Decision")),
    Column("reasoning", _l("Reasoning"), width=60),
    Column("decided_at", _l("Decided at"), "datetime", 17),
    Column("duplicate_of", _l("Duplicate of"), width=16),
    Column("hidden_reason", _l("Reason for hiding"), width=30),
    Column("longitude", _l("Longitude (WGS 84)"), "float", 12),
    Column("latitude", _l("Latitude (WGS 84)"), "float", 12),
)

REPLIES = (
    REFERENCE,
    Column("reply_to", _l("Reply to"), width=16),
    Column("subject", _l("Project or statute"), width=30),
    Column("created", _l("Written at"), "datetime", 17),
    Column("visibility", _l("Visibility")),
    Column("author", _l("Author (pseudonym)"), width=16),
    Column("text", _l("Text"), width=80),
    Column("supports", _l("Supports"), "int", 10),
)

ANSWERS = (
    Column("answer_id", _l("Answer number"), width=12),
    Column("answered_at", _l("Answered at"), "datetime", 17),
    Column("answered_by", _l("Answered by")),
    Column("answer", _l("The town's answer"), width=80),
    Column("comments", _l("Answers the comments"), width=40),
)

FIGURES = (
    Column("figure", _l("Figure"), width=20),
    Column("value", _l("Value"), width=40),
    Column("count", _l("Comments"), "int", 12),
)

#: The weighing table (Abwägungstabelle) as the council reads it.
WEIGHING = (
    REFERENCE,
    Column("date", _l("Date"), "date", 12),
    Column("channel", _l("Channel")),
    Column("refers_to", _l("Refers to"), width=24),
    Column("text", _l("Comment"), width=60),
    Column("answer", _l("The town's answer"), width=50),
    Column("decision", _l("Decision")),
    Column("reasoning", _l("Reasoning"), width=50),
)


def projected_columns(crs: int) -> tuple[Column, ...]:
    """Easting and northing in the export's projected CRS, beside longitude and latitude in tables."""
    if crs == 4326:
        return ()
    return (Column("x", _l("Easting (EPSG:%(code)s)", code=crs), "float", 14),
            Column("y", _l("Northing (EPSG:%(code)s)", code=crs), "float", 14))


def comment_columns(export: Export) -> tuple[Column, ...]:
    return COMMENTS + projected_columns(export.crs)
