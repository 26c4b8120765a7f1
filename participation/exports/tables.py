"""Comments as tables: CSV and XLSX, written row by row (memory stays flat), safe to open in a spreadsheet.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula when it reads a CSV
file (CSV injection): such a cell gets a leading apostrophe, which spreadsheets show as text. In a
workbook every text cell is stored as text (`t="inlineStr"`), never as a formula, so its words stay as
they were written.
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from participation.exports.columns import Column

#: What a spreadsheet takes for the start of a formula in a CSV file (tab and CR start DDE payloads).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The most characters an Excel cell holds.
CELL_LIMIT = 32_767
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"

Chunks = Iterable[list[dict]]
Progress = Callable[[int], None]


def neutral(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, str):
        return neutral(value)
    return value  # numbers and dates as Python writes them


def write_csv(path, columns: tuple[Column, ...], chunks: Chunks, progress: Progress = lambda n: None) -> int:
    """Write `chunks` of rows as CSV (RFC 4180: CRLF, quotes doubled) in UTF-8 with a byte-order mark, which
    Excel needs to read umlauts. Returns the number of rows; an empty export has its header row."""
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, dialect="excel", lineterminator="\r\n")
        writer.writerow([neutral(str(column.header)) for column in columns])  # survey headers are typed text
        for chunk in chunks:
            writer.writerows([_csv_value(row.get(column.key)) for column in columns] for row in chunk)
            written += len(chunk)
            progress(len(chunk))
    return written


def _cell_text(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)  # control characters a workbook cannot hold
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT - 2] + " …"


class Sheet:
    """One sheet of a write-only workbook: a bold, frozen header row, column widths, text wrapped."""

    def __init__(self, workbook: Workbook, title: str, columns: tuple[Column, ...]) -> None:
        self.columns = columns
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title[:31])
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[_letter(index)].width = column.width
        self.sheet.freeze_panes = "B2"
        self._bold = Font(bold=True)
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self.sheet.append([self._styled(str(column.header), self._bold) for column in columns])

    def _styled(self, value, font=None, number_format=None, wrap=False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever it begins with
        if font is not None:
            cell.font = font
        if number_format:
            cell.number_format = number_format
        if wrap:
            cell.alignment = self._wrap
        return cell

    def _value(self, column: Column, value: object):
        if value is None:
            return None
        if isinstance(value, datetime):
            # Excel has no time zones: the town's local time, as the planners read it.
            return self._styled(value.replace(tzinfo=None), number_format=DATETIME_FORMAT)
        if isinstance(value, date):
            return self._styled(value, number_format=DATE_FORMAT)
        if isinstance(value, str):
            if not value:
                return None  # an empty cell, not a styled empty text (most rows have no answer yet)
            value = _cell_text(value)
            if column.width >= 40:
                return self._styled(value, wrap=True)
            return self._styled(value) if value.startswith("=") else value
        return value

    def append(self, row: dict) -> None:
        self.sheet.append([self._value(column, row.get(column.key)) for column in self.columns])

    def heading(self, text: str) -> None:
        """A row that names the group of rows below it (in a weighing table: the paragraph or topic)."""
        self.sheet.append([self._styled(_cell_text(text), self._bold)])


def _letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_workbook(path, sheets: Iterable[tuple[str, tuple[Column, ...], Chunks, bool]],
                   progress: Progress = lambda n: None) -> int:
    """Write an XLSX workbook with one sheet per (title, columns, chunks, counted); returns the rows of the
    counted sheets (those that the progress bar follows; a sheet of answers repeats comments)."""
    workbook = Workbook(write_only=True)
    written = 0
    for title, columns, chunks, counted in sheets:
        sheet = Sheet(workbook, title, columns)
        for chunk in chunks:
            for row in chunk:
                sheet.append(row)
            if counted:
                written += len(chunk)
                progress(len(chunk))
    workbook.save(path)
    return written


def write_grouped_workbook(path, title: str, columns: tuple[Column, ...], chunks: Chunks,
                           progress: Progress = lambda n: None) -> int:
    """One sheet whose rows come sorted by their "group" (a paragraph, a topic): a heading row above each
    group; rows without a group get none."""
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, title, columns)
    written, group = 0, None
    for chunk in chunks:
        for row in chunk:
            if row.get("group") and row["group"] != group:
                sheet.heading(row["group"])
            group = row.get("group")
            sheet.append(row)
        written += len(chunk)
        progress(len(chunk))
    workbook.save(path)
    return written
