"""CSV and XLSX writing on their own: safe against formula injection, readable by Excel, valid when empty."""
from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from participation.exports.columns import Column
from participation.exports.tables import neutral, write_csv, write_grouped_workbook, write_workbook

COLUMNS = (Column("reference", "Number"), Column("text", "Text", width=60), Column("n", "Count", "int"),
           Column("created", "Created", "datetime"), Column("day", "Day", "date"))
DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"klick\")", "+49 30 1234", "-2+3", "@SUM(A1:A2)",
             "\t=1+1", "=cmd|' /C calc'!A0"]


def _rows(texts):
    moment = datetime(2026, 11, 30, 14, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    return [[{"reference": f"K-{i}", "text": text, "n": i, "created": moment, "day": date(2026, 11, 30)}
             for i, text in enumerate(texts, start=1)]]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_csv_cell_that_would_start_a_formula_gets_an_apostrophe(text):
    assert neutral(text) == "'" + text


@pytest.mark.parametrize("text", ["Baum erhalten", "", "1 = 1", "K-12"])
def test_other_cells_stay_as_they_are(text):
    assert neutral(text) == text


def test_csv_has_a_bom_crlf_lines_quotes_doubled_and_no_formula(tmp_path):
    path = tmp_path / "out.csv"
    texts = DANGEROUS + ['Er sagte "nein",\nzweite Zeile', "Ärger über Lärm"]
    assert write_csv(path, COLUMNS, _rows(texts)) == len(texts)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with it
    assert raw.count(b"\r\n") == len(texts) + 1  # header and rows; the line break inside a cell is quoted
    assert b'"Er sagte ""nein"",\nzweite Zeile"' in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    header, *body = rows
    assert header == ["Number", "Text", "Count", "Created", "Day"]
    cells = [row[1] for row in body]
    assert cells[:len(DANGEROUS)] == ["'" + text for text in DANGEROUS]
    assert cells[-1] == "Ärger über Lärm"
    assert body[0][2:] == ["1", "2026-11-30 14:05+01:00", "2026-11-30"]
    # No cell a spreadsheet would run: every one begins with something else.
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for row in body for cell in row)


def test_an_empty_csv_has_its_header(tmp_path):
    path = tmp_path / "empty.csv"
    assert write_csv(path, COLUMNS, iter([])) == 0
    assert path.read_bytes() == "\ufeffNumber,Text,Count,Created,Day\r\n".encode()


def test_a_workbook_stores_text_as_text_never_as_a_formula(tmp_path):
    path = tmp_path / "out.xlsx"
    write_workbook(path, [("Kommentare", COLUMNS, _rows(DANGEROUS + ["bell\x07 and null-ish\x1b"]), True)])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    book = openpyxl.load_workbook(path)
    values = [row[1] for row in book["Kommentare"].iter_rows(min_row=2, values_only=True)]
    assert values[:len(DANGEROUS)] == DANGEROUS  # the words as written
    assert values[-1] == "bell\ufffd and null-ish\ufffd"  # characters a workbook cannot hold are marked
    first = next(book["Kommentare"].iter_rows(min_row=2))
    assert first[3].value == datetime(2026, 11, 30, 14, 5)  # the town's local time
    assert first[3].number_format == "yyyy-mm-dd hh:mm"
    assert [c.value for c in book["Kommentare"][1]] == ["Number", "Text", "Count", "Created", "Day"]


def test_an_empty_workbook_has_its_headers(tmp_path):
    path = tmp_path / "empty.xlsx"
    assert write_workbook(path, [("A", COLUMNS, iter([]), True), ("B", COLUMNS[:2], iter([]), False)]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["A", "B"]
    assert [[c.value for c in row] for row in book["B"].iter_rows()] == [["Number", "Text"]]


def test_a_grouped_sheet_puts_a_heading_above_each_group(tmp_path):
    path = tmp_path / "grouped.xlsx"
    rows = [{"reference": "K-1", "group": "§ 1"}, {"reference": "K-2", "group": "§ 1"},
            {"reference": "K-3", "group": "§ 2"}]
    assert write_grouped_workbook(path, "Abwägung", COLUMNS[:1], [rows[:2], rows[2:]]) == 3
    sheet = openpyxl.load_workbook(path).active
    assert [row[0].value for row in sheet.iter_rows()] == ["Number", "§ 1", "K-1", "K-2", "§ 2", "K-3"]
    assert sheet["A2"].font.bold and not sheet["A3"].font.bold
