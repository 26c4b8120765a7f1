"""A survey's sent responses as files: a table with one row per response (CSV, XLSX) and the places of its
map questions as GIS data (GeoJSON, GeoPackage).

Responses are read `PAGE` at a time by their id (keyset), with the answers of a page in one query, so that
memory stays flat however many there are. A sent response holds no account, e-mail or address — none is
stored —, so a file has its number ("R-<id>"), the day it was sent, the way it came in and its answers;
demographic answers are columns like the others.

The question types give the columns and cells (`participation.surveys.questions`): one column per
question, or one per option, rank or row where a type has them; a map question has its WKT (EPSG:4326)
and its measure. GIS fields are named the same in every language.
"""
from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from flask_babel import gettext as _, lazy_gettext as _l, pgettext
from sqlalchemy import Row, func, select

from participation.exports.columns import Column
from participation.exports.models import Export, ExportFormat
from participation.exports.tables import Progress, write_csv, write_workbook
from participation.extensions import db
from participation.surveys.models import Access, Answer, Question, ResponseState, Survey, SurveyResponse
from participation.surveys.questions import QuestionType, condition_answer, question_type

#: What a survey's responses are exported as; the GIS formats only for a survey with map questions.
FORMATS = (ExportFormat.XLSX, ExportFormat.CSV, ExportFormat.GEOJSON, ExportFormat.GPKG)
GIS_FORMATS = (ExportFormat.GEOJSON, ExportFormat.GPKG)
FORMAT_LABELS = {
    ExportFormat.XLSX: _l("Workbook (XLSX): one row per response, and the questions"),
    ExportFormat.CSV: _l("Table (CSV, UTF-8): one row per response"),
    ExportFormat.GEOJSON: _l("GeoJSON (WGS 84): the places, ways and areas of the map questions"),
    ExportFormat.GPKG: _l("GeoPackage: a layer per map question, for QGIS and other GIS"),
}
#: Responses per query; their answers come in one more query.
PAGE = 1000
#: Distinct answers per question whose cells are remembered (choices and numbers repeat; free texts rarely do,
#: and are no longer remembered once the table is full).
REMEMBERED = 4096
#: GeoPackage rows per append (see participation/exports/geodata.py: each append syncs the file).
BATCH = 10_000
#: A map question's layer is named by its number and shape, e.g. "q09_places".
SHAPE_NAMES = {"points": "places", "line": "way", "area": "area"}
GEOMETRY_TYPES = {"points": "MultiPoint", "line": "LineString", "area": "Polygon"}
#: Wider (and wrapped) spreadsheet columns for the kinds that hold people's own words.
WIDE_KINDS = ("text",)

REFERENCE = Column("reference", _l("Number"), width=12)
SENT_ON = Column("sent_on", _l("Sent on"), "date", 12)
CHANNEL = Column("channel", _l("Channel"), width=14)
QUESTION_COLUMNS = (
    Column("number", _l("Number"), "int", 8),
    Column("page", _l("Page"), "int", 8),
    Column("page_title", _l("Page title"), width=20),
    Column("type", _l("Type"), width=20),
    Column("text", _l("Question"), width=60),
    Column("required", _l("Required"), width=10),
    Column("demographic", _l("Demographic"), width=12),
    Column("condition", _l("Condition"), width=40),
)


def has_map_questions(survey: Survey) -> bool:
    return any(question_type(question.kind).is_map for question in survey.questions)


def check_format(survey: Survey, fmt: ExportFormat) -> None:
    """ValueError for a format `survey` is not exported in (GIS files need map questions)."""
    if fmt not in FORMATS:
        raise ValueError(f"a survey is not exported as {fmt}")
    if fmt in GIS_FORMATS and not has_map_questions(survey):
        raise ValueError("a survey without map questions has no places to export")


def format_label(fmt: ExportFormat) -> str:
    return str(FORMAT_LABELS[fmt])


def channel_words() -> dict[Access, str]:
    """How a response came in, in words of the current language."""
    return {Access.ACCOUNT: pgettext("survey channel", "account"),
            Access.CODE: pgettext("survey channel", "access code"),
            Access.OPEN: pgettext("survey channel", "open")}


@dataclass
class Sent:
    """A sent response and its answers (rows of response_id, question_id, value, comment, geometry)."""

    id: int
    sent_on: date | None
    channel: Access
    answers: dict[int, Row]

    @property
    def reference(self) -> str:
        return f"R-{self.id}"


def count_sent(survey_id: int) -> int:
    return db.session.scalar(select(func.count(SurveyResponse.id)).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.state == ResponseState.SENT)) or 0


def sent_pages(survey_id: int, size: int | None = None) -> Iterator[list[Sent]]:
    """The survey's sent responses in the order of their ids, `size` (`PAGE`) at a time; drafts never."""
    size = size or PAGE
    after = 0
    # Core rows from the session's connection: the ORM's loading machinery costs more than the rows.
    connection = db.session.connection()
    while True:
        found = connection.execute(
            select(SurveyResponse.id, SurveyResponse.sent_on, SurveyResponse.channel)
            .where(SurveyResponse.survey_id == survey_id, SurveyResponse.state == ResponseState.SENT,
                   SurveyResponse.id > after)
            .order_by(SurveyResponse.id).limit(size)).all()
        if not found:
            return
        answers: dict[int, dict[int, Row]] = {response.id: {} for response in found}
        for answer in connection.execute(
                select(Answer.response_id, Answer.question_id, Answer.value, Answer.comment, Answer.geometry)
                .where(Answer.response_id.in_(list(answers)))).all():
            answers[answer.response_id][answer.question_id] = answer
        yield [Sent(response.id, response.sent_on, response.channel, answers[response.id]) for response in found]
        if len(found) < size:
            return
        after = found[-1].id


def _key(value: object) -> tuple:
    """`value` (as JSON gives it) as a dictionary key with its type, so that true and 1 differ; a TypeError
    for a value that has none (nested lists)."""
    if isinstance(value, list):
        return list, tuple(value)
    if isinstance(value, dict):
        return dict, tuple(value.items())
    return type(value), value


@dataclass
class Part:
    """One question in a file: its number in the survey, its type and the keys of its table columns."""

    number: int
    question: Question
    type: QuestionType
    keys: tuple[str, ...]
    comment_key: str | None
    #: The question's id as a plain int (the ORM attribute costs more, read for every answer).
    question_id: int = 0
    #: Cells by answer (`_key`): most answers repeat (an option, a point of the scale), and a type's cells
    #: (its options, translated words) cost more than the lookup. Up to `REMEMBERED` answers.
    remembered: dict = field(default_factory=dict)

    @property
    def layer(self) -> str:
        return f"q{self.number:02d}_{SHAPE_NAMES[self.type.shape]}"

    def cells(self, value: object, geometry) -> list[object]:
        """The type's cells of an answer; those without a place, the same for the same value, remembered."""
        if geometry is not None:
            return self.type.cells(self.question, value, geometry)
        try:
            key = _key(value)
            return self.remembered[key]
        except KeyError:
            cells = self.type.cells(self.question, value, geometry)
            if len(self.remembered) < REMEMBERED:
                self.remembered[key] = cells
            return cells
        except TypeError:
            return self.type.cells(self.question, value, geometry)


class Layout:
    """The survey's questions as the columns of a table and as the layers of a GIS file."""

    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.parts: list[Part] = []
        columns = [REFERENCE, SENT_ON, CHANNEL]
        for number, question in enumerate(survey.questions, start=1):
            kind = question_type(question.kind)
            width = 40 if question.kind in WIDE_KINDS else 20
            keys = []
            for key, header in kind.columns(question):
                keys.append(f"q{question.id}-{key}" if key else f"q{question.id}")
                columns.append(Column(keys[-1], header, width=width))
            comment_key = f"q{question.id}-comment" if question.with_comment else None
            if comment_key:
                columns.append(Column(comment_key, _("{question}: comment").format(question=question.text), width=40))
            self.parts.append(Part(number, question, kind, tuple(keys), comment_key, question.id))
        self.columns = tuple(columns)

    @property
    def map_parts(self) -> list[Part]:
        return [part for part in self.parts if part.type.is_map]

    def row(self, sent: Sent, channels: dict[Access, str]) -> dict:
        row = {"reference": sent.reference, "sent_on": sent.sent_on, "channel": channels.get(sent.channel)}
        answers = sent.answers
        for part in self.parts:
            answer = answers.get(part.question_id)
            if answer is None:
                continue
            if answer.value is not None or answer.geometry is not None:
                row.update(zip(part.keys, part.cells(answer.value, answer.geometry)))
            if part.comment_key and answer.comment:
                row[part.comment_key] = answer.comment
        return row

    def table_chunks(self, pages: Iterable[list[Sent]]) -> Iterator[list[dict]]:
        channels = channel_words()
        for page in pages:
            yield [self.row(sent, channels) for sent in page]

    def question_rows(self) -> list[dict]:
        """The questions sheet: number, page, type, text, whether required or demographic, condition."""
        pages = {page.id: (number, page.title) for number, page in enumerate(self.survey.pages, start=1)}
        numbers = {part.question.id: part.number for part in self.parts}
        rows = []
        for part in self.parts:
            question = part.question
            page, page_title = pages.get(question.page_id, (None, ""))
            rows.append({"number": part.number, "page": page, "page_title": page_title,
                         "type": str(part.type.label), "text": question.text,
                         "required": _("Yes") if question.required else _("No"),
                         "demographic": _("Yes") if question.demographic else _("No"),
                         "condition": self._condition(question, numbers)})
        return rows

    @staticmethod
    def _condition(question: Question, numbers: dict[int, int]) -> str:
        source = question.condition_question
        if source is None:
            return ""
        return _("Only if question {number} is answered “{value}”").format(
            number=numbers.get(source.id, "?"), value=condition_answer(question))


def write_survey_file(export: Export, path: Path, report: Callable[[int, int], None] = lambda done, total: None
                      ) -> int:
    """Write the sent responses of `export.survey` to `path` in `export.format` (CSV, XLSX, GeoJSON or
    GeoPackage in `export.crs`) and the current locale, calling `report(done, total)` as responses go out.
    Returns the number of responses written (read, for the GIS files, whose features are the places)."""
    with _heap_frozen():
        return _write(export, path, report)


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep the garbage collector's full collections off the objects that exist before the export (the
    app, its modules, the session): a page of responses lives long enough to reach the oldest generation,
    and each full collection it sets off would walk that whole heap again — a quarter of the CPU time of a
    large export (bench/surveys.py). Objects made during the export are collected as ever."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _write(export: Export, path: Path, report: Callable[[int, int], None]) -> int:
    survey = export.survey if export.survey is not None else db.session.get(Survey, export.survey_id)
    layout = Layout(survey)
    total = count_sent(survey.id)
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        report(done, total)

    pages = sent_pages(survey.id)
    if export.format is ExportFormat.CSV:
        return write_csv(path, layout.columns, layout.table_chunks(pages), progress)
    if export.format is ExportFormat.XLSX:
        return write_workbook(path, [
            (_("Responses"), layout.columns, layout.table_chunks(pages), True),
            (_("Questions"), QUESTION_COLUMNS, [layout.question_rows()], False),
        ], progress)
    if export.format is ExportFormat.GEOJSON:
        return write_geojson(path, layout, pages, progress)
    if export.format is ExportFormat.GPKG:
        return write_geopackage(path, layout, pages, export.crs, progress)
    raise ValueError(f"a survey is not exported as {export.format}")


# -- GIS files -------------------------------------------------------------------------------------------

def _geojson_geometry(geometry) -> dict:
    """RFC 7946: outer rings counter-clockwise (stored areas are normalised, i.e. clockwise)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        geometry = shapely.orient_polygons(geometry, exterior_cw=False)
    return json.loads(shapely.to_geojson(geometry))


def write_geojson(path: Path, layout: Layout, pages: Iterable[list[Sent]], progress: Progress) -> int:
    """A FeatureCollection (WGS 84, whatever the export's CRS) with a feature per answer to a map question;
    properties: response, question_id, question, kind, measure, comment."""
    parts = layout.map_parts
    written, features = 0, 0
    with open(path, "w", encoding="utf-8") as stream:
        stream.write('{"type": "FeatureCollection", "name": "places", "features": [')
        for page in pages:
            for sent in page:
                for part in parts:
                    answer = sent.answers.get(part.question_id)
                    if answer is None or answer.geometry is None:
                        continue
                    feature = {"type": "Feature", "id": f"{sent.reference}-q{part.number}",
                               "geometry": _geojson_geometry(answer.geometry),
                               "properties": {"response": sent.reference, "question_id": part.question_id,
                                              "question": part.question.text, "kind": part.question.kind,
                                              "measure": answer.value, "comment": answer.comment}}
                    stream.write(("\n" if features == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
                    features += 1
            written += len(page)
            progress(len(page))
        stream.write("\n]}\n")
    return written


def _frame(rows: list[tuple], crs: int) -> gpd.GeoDataFrame:
    """(response, measure, comment, geometry) rows as a frame in EPSG:`crs`."""
    geometry = gpd.GeoSeries([row[3] for row in rows], crs="EPSG:4326")
    if crs != 4326:
        geometry = geometry.to_crs(f"EPSG:{crs}")
    return gpd.GeoDataFrame({"response": pd.Series([row[0] for row in rows], dtype="object"),
                             "measure": pd.Series([row[1] for row in rows], dtype="float64"),
                             "comment": pd.Series([row[2] for row in rows], dtype="object")},
                            geometry=geometry)


def write_geopackage(path: Path, layout: Layout, pages: Iterable[list[Sent]], crs: int, progress: Progress) -> int:
    """A GeoPackage with a layer per map question ("q09_places": multipoints, "…_way": lines, "…_area":
    polygons) in EPSG:`crs`, fields response, measure, comment; every layer is there, empty or not. A survey
    without map questions gets an empty table "responses", so that the file is still a GeoPackage."""
    parts = layout.map_parts
    if not parts:
        pyogrio.write_dataframe(pd.DataFrame({"response": pd.Series([], dtype="object")}), path,
                                layer="responses", driver="GPKG")
    for part in parts:
        pyogrio.write_dataframe(_frame([], crs), path, layer=part.layer, driver="GPKG",
                                geometry_type=GEOMETRY_TYPES[part.type.shape])
    batches: dict[str, list[tuple]] = {part.layer: [] for part in parts}

    def flush(part: Part) -> None:
        pyogrio.write_dataframe(_frame(batches[part.layer], crs), path, layer=part.layer, driver="GPKG",
                                geometry_type=GEOMETRY_TYPES[part.type.shape], append=True)
        batches[part.layer] = []

    written = 0
    for page in pages:
        for sent in page:
            for part in parts:
                answer = sent.answers.get(part.question_id)
                if answer is not None and answer.geometry is not None:
                    batches[part.layer].append((sent.reference, answer.value, answer.comment, answer.geometry))
        for part in parts:
            if len(batches[part.layer]) >= BATCH:
                flush(part)
        written += len(page)
        progress(len(page))
    for part in parts:
        if batches[part.layer]:
            flush(part)
    return written
