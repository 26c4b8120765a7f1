"""Benchmark: exporting a survey's responses to CSV and XLSX, beside plain SQL and the csv module alone.

Generates a fresh SQLite app database (in a temp folder) with one town, one project and two surveys of the
same 12 questions — every question type: single and multiple choice, free text, number, rating scale,
yes/no, ranking, matrix, places, a way and an area on the map, and a demographic age group; comment fields
on the scale and the places —, one with N sent responses (`--responses`, default 250 000) and one with N/5.
Each response answers most questions (a map question 30–60 %, the free text 35 %, a few texts begin with
"-" or "=", which a spreadsheet would take for a formula); 1 % more are drafts, which no export holds.
Responses are written with Core inserts, answers with the driver's executemany (as the column types store
them on SQLite: JSON text, WKB), 20 000 responses at a time, not with the ORM.
Generating is timed but not part of any ratio.

Then, for each survey and format, in the same run, each in a fresh child process (so that its peak RSS
belongs to that one export alone; all children import the app and create it the same way):

- app: `participation.exports.services.write_file` for a survey export (a transient Export, as
  `write_export` makes it), locale "de": keyset pages of 1 000 responses, their answers in one query,
  the cells from the question types, `participation.exports.tables`;
- baseline: the same rows read with one plain SQL query (stdlib sqlite3, responses joined with their
  answers, in the order of the response ids, iterated from the cursor), the cells worked out with plain
  dicts and json/shapely, written with the library alone: CSV with the csv module, XLSX with an openpyxl
  write-only workbook (values only, no styles; the app's second sheet, a dozen rows listing the
  questions, is left out). The header row is the app's (worked out before the clock starts), so that the
  two CSV files can be compared: they must be the same, byte for byte.
- read: the plain SQL read alone (the baseline's query, iterated), so that the writing's share shows.

XLSX is measured for N/5 only by default: openpyxl alone needs several minutes for N (about 8 million
cells) and the app as long again; `--xlsx-all` measures it for N too.

Printed for each: wall time, responses per second, the ratio app / baseline (wall and CPU time), peak RSS
of the child (VmHWM, reset after set-up) and its growth over the RSS after set-up, which shows whether
memory stays flat: exporting N responses should grow no more than N/5 does.

Usage:
    .venv/bin/python bench/surveys.py [--responses 250000] [--xlsx-all] [--keep]
"""
from __future__ import annotations

import argparse
import csv
import gc
import json
import math
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from itertools import groupby
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from pyproj import Transformer  # noqa: E402
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Polygon, box  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from participation.app import create_app  # noqa: E402
from participation.exports import services  # noqa: E402
from participation.exports.models import Export, ExportFormat  # noqa: E402
from participation.exports.tables import neutral  # noqa: E402
from participation.extensions import db  # noqa: E402
from participation.municipalities.models import Municipality  # noqa: E402
from participation.projects.models import Phase, Project  # noqa: E402
from participation.surveys import builder  # noqa: E402
from participation.surveys.exports import Layout, channel_words  # noqa: E402
from participation.surveys.questions import question_type  # noqa: E402
from participation.surveys.models import (  # noqa: E402
    Access, ResponseState, Survey, SurveyResponse, SurveyState)

FORMATS = ("csv", "xlsx")
#: The area, inner Brandenburg an der Havel (as bench/exports.py).
WEST, SOUTH, EAST, NORTH = 12.50, 52.39, 12.60, 52.43
CHUNK = 20_000
ANSWER_INSERT = ("INSERT INTO answer (id, response_id, question_id, value, comment, geometry) "
                 "VALUES (?, ?, ?, ?, ?, ?)")
#: (kind, text, settings, with_comment, demographic, share of responses that answer it)
QUESTIONS = (
    ("single", "Wie kommen Sie meistens in die Innenstadt?",
     {"options": ["zu Fuß", "mit dem Rad", "mit Bus oder Bahn", "mit dem Auto"]}, False, False, 0.95),
    ("multiple", "Was fehlt Ihnen am Neustädtischen Markt?",
     {"options": ["Bäume", "Bänke", "Schatten", "Trinkbrunnen", "Fahrradbügel", "Spielgeräte"]}, False, False, 0.85),
    ("text", "Was möchten Sie uns noch sagen?", {"max_length": 1000, "multiline": True}, False, False, 0.35),
    ("number", "Wie viele Minuten brauchen Sie zum Markt?", {"min": 0, "max": 180, "whole": True, "unit": "min"},
     False, False, 0.8),
    ("scale", "Wie gefällt Ihnen der Platz heute?", {"points": 5, "low_label": "gar nicht", "high_label": "sehr"},
     True, False, 0.9),
    ("yesno", "Fahren Sie regelmäßig Rad?", {}, False, False, 0.9),
    ("ranking", "Was ist Ihnen am wichtigsten?", {"options": ["Sicherheit", "Ruhe", "Grün", "Barrierefreiheit"]},
     False, False, 0.7),
    ("matrix", "Wie bewerten Sie …", {"rows": ["den Belag", "die Beleuchtung", "die Sauberkeit", "die Sitzplätze"],
                                      "columns": ["schlecht", "mittel", "gut"]}, False, False, 0.8),
    ("map_point", "Wo überqueren Sie die Straße?", {"max_points": 3}, True, False, 0.6),
    ("map_line", "Welchen Weg gehen Sie zum Markt?", {}, False, False, 0.4),
    ("map_area", "Wo ist es Ihnen zu laut?", {}, False, False, 0.3),
    ("single", "Ihr Alter", {"options": ["unter 18", "18 bis 29", "30 bis 49", "50 bis 64", "65 und älter"]},
     False, True, 0.85),
)
TEXTS = (
    "Mehr Bäume und Bänke, bitte.",
    "Der Platz ist im Sommer viel zu heiß, es fehlt Schatten.",
    "Die Radwege enden an der Kreuzung, das ist gefährlich.",
    "Abends ist es zu dunkel, die Beleuchtung sollte besser werden.",
    "Ein Trinkbrunnen wäre schön.",
    "Bitte den Markt autofrei machen!",
    "- weniger Parkplätze\n- mehr Grün",
    "=Wichtig: Barrierefreiheit",
)


# --- generating the database -------------------------------------------------------------------------

def _spot(rng: random.Random) -> tuple[float, float]:
    return round(rng.uniform(WEST, EAST), 7), round(rng.uniform(SOUTH, NORTH), 7)


def _measure(geometry, to_metres: Transformer) -> float:
    """As geo.drawn.measure, with one transformer for all (the area lies in one UTM zone)."""
    if geometry.geom_type == "MultiPoint":
        return float(len(geometry.geoms))
    projected = shapely.transform(geometry, lambda xy: np.column_stack(to_metres.transform(xy[:, 0], xy[:, 1])))
    return float(projected.length if geometry.geom_type == "LineString" else projected.area)


def geometry_pools(rng: random.Random, size: int = 400) -> dict[str, list[tuple[float, object]]]:
    """(measure, WKB) of places (1–3 points), ways (2–6 points) and areas (convex, 4–6 corners), as
    geo.drawn makes them."""
    to_metres = Transformer.from_crs(4326, 25833, always_xy=True)
    pools = {"map_point": [], "map_line": [], "map_area": []}
    for _ in range(size):
        points = MultiPoint([_spot(rng) for _ in range(rng.randint(1, 3))])
        x, y = _spot(rng)
        line = LineString([(round(x + i * rng.uniform(0.0005, 0.002), 7), round(y + rng.uniform(-0.001, 0.001), 7))
                           for i in range(rng.randint(2, 6))])
        corners, radius = rng.randint(4, 6), rng.uniform(0.0005, 0.003)
        area = shapely.normalize(Polygon([
            (round(x + radius * math.cos(2 * math.pi * i / corners), 7),
             round(y + 0.6 * radius * math.sin(2 * math.pi * i / corners), 7)) for i in range(corners)]))
        for kind, geometry in (("map_point", points), ("map_line", line), ("map_area", area)):
            pools[kind].append((round(_measure(geometry, to_metres), 1), shapely.to_wkb(geometry)))
    return pools


def answer_value(rng: random.Random, kind: str, settings: dict, pools: dict) -> tuple[object, bytes | None]:
    """(value, geometry as WKB) of one answer of `kind`."""
    if kind == "single":
        return str(rng.randint(1, len(settings["options"]))), None
    if kind == "multiple":
        keys = [str(i) for i in range(1, len(settings["options"]) + 1)]
        return sorted(rng.sample(keys, rng.randint(1, 3)), key=int), None
    if kind == "text":
        return " ".join(rng.sample(TEXTS, rng.randint(1, 3))), None
    if kind == "number":
        return int(rng.lognormvariate(2.5, 0.6)) % 180, None
    if kind == "scale":
        return rng.randint(1, 5), None
    if kind == "yesno":
        return rng.choice(("yes", "no")), None
    if kind == "ranking":
        keys = [str(i) for i in range(1, len(settings["options"]) + 1)]
        return rng.sample(keys, rng.randint(1, len(keys))), None
    if kind == "matrix":
        rows = [str(i) for i in range(1, len(settings["rows"]) + 1)]
        return {row: str(rng.randint(1, 3)) for row in rows if rng.random() < 0.9}, None
    return rng.choice(pools[kind])


def generate(app, sizes: dict[str, int]) -> dict[str, dict]:
    """A town, a project and one survey per entry of `sizes` with that many sent responses (and 1 % drafts)."""
    rng = random.Random(1)
    pools = geometry_pools(rng)
    made = {}
    with app.app_context():
        town = Municipality(slug="brandenburg", name="Brandenburg an der Havel")
        town.boundary = MultiPolygon([box(WEST - 0.05, SOUTH - 0.03, EAST + 0.05, NORTH + 0.03)])
        project = Project(municipality=town, title="Neustädtischer Markt", phase=Phase.PARTICIPATION)
        project.set_area(MultiPolygon([box(WEST, SOUTH, EAST, NORTH)]))
        db.session.add_all([town, project])
        db.session.flush()
        next_response, next_answer = 1, 1
        for name, count in sizes.items():
            survey = builder.create_survey(town, project, builder.SurveyData(
                title=f"Wie soll der Markt werden? ({name})", access=Access.OPEN), None)
            page = survey.pages[0]
            questions = []
            for number, (kind, words, settings, with_comment, demographic, _share) in enumerate(QUESTIONS):
                if number and number % 4 == 0:
                    page = builder.add_page(survey, f"Seite {number // 4 + 1}")
                questions.append(builder.add_question(page, kind, builder.QuestionData(
                    text=words, settings=settings, with_comment=with_comment, demographic=demographic)))
            survey.state = SurveyState.OPEN
            db.session.commit()
            plan = [(q.id, spec[0], spec[2], spec[3], spec[5]) for q, spec in zip(questions, QUESTIONS)]
            start = datetime(2026, 10, 5, 6, tzinfo=timezone.utc)
            drafts = count // 100
            answers_made = 0
            for at in range(0, count + drafts, CHUNK):
                responses, answers = [], []
                for index in range(at, min(at + CHUNK, count + drafts)):
                    draft = index % 101 == 100 and drafts > 0
                    moment = start + timedelta(seconds=rng.uniform(0, 42 * 86400))
                    responses.append({
                        "id": next_response, "survey_id": survey.id,
                        "state": ResponseState.DRAFT if draft else ResponseState.SENT,
                        "channel": rng.choices((Access.OPEN, Access.CODE, Access.ACCOUNT), (6, 3, 1))[0],
                        "token_hash": f"{next_response:064x}" if draft else "", "user_id": None,
                        "access_code_id": None, "page_index": 0, "started_at": moment if draft else None,
                        "sent_on": None if draft else moment.date()})
                    for question_id, kind, settings, with_comment, share in plan:
                        if rng.random() >= share:
                            continue
                        value, geometry = answer_value(rng, kind, settings, pools)
                        answers.append((next_answer, next_response, question_id, json.dumps(value),
                                        rng.choice(TEXTS) if with_comment and rng.random() < 0.15 else "", geometry))
                        next_answer += 1
                    next_response += 1
                db.session.execute(insert(SurveyResponse.__table__), responses)
                # Answers as the column types store them on SQLite (JSON text, WKB), without their per-row
                # conversions: 2.5 million rows for N = 250 000.
                db.session.connection().exec_driver_sql(ANSWER_INSERT, answers)
                answers_made += len(answers)
            survey.responses_count = count
            db.session.commit()
            made[name] = {"survey": survey.id, "responses": count, "drafts": drafts, "answers": answers_made}
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    return made


# --- measuring in a child process --------------------------------------------------------------------

def rss_mb(field: str = "VmRSS") -> float:
    """The process's resident set (VmRSS) or its high-water mark (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so that the peak is the export's alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def measure(spec: dict) -> dict:
    """Run one measurement (`spec["kind"]`: "app", "baseline" or "read") after the same set-up in every
    child: the app created and its context entered, German chosen, the survey loaded, the header worked out."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{spec['database']}", "INSTANCE_PATH": spec["folder"],
                      "TESTING": True})
    with app.app_context(), force_locale("de"):
        survey = db.session.get(Survey, spec["survey"])
        export = Export(municipality=survey.municipality, survey=survey,
                        format=ExportFormat(spec.get("format", "csv")), crs=4326, locale="de")
        layout = Layout(survey)
        header = [str(column.header) for column in layout.columns]
        yes_no = dict(question_type("yesno").choices(None))
        words = {"channels": {access.value: word for access, word in channel_words().items()},
                 "yes": str(yes_no["yes"]), "no": str(yes_no["no"])}
        out = Path(spec["out"]) if spec.get("out") else None
        gc.collect()
        before = rss_mb()
        reset = reset_peak()
        cpu = time.process_time()
        start = time.perf_counter()
        if spec["kind"] == "app":
            written = services.write_file(export, out)
        elif spec["kind"] == "baseline":
            written = BASELINES[spec["format"]](spec["database"], survey.id, header, words, out)
        else:
            written = sum(1 for _row in read_plain(spec["database"], survey.id))
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": written, "rss": before, "peak": rss_mb("VmHWM"),
            "reset": reset, "size": out.stat().st_size / 1e6 if out else 0.0}


# --- the baselines: plain SQL, plain dicts, the library alone ----------------------------------------

ANSWERS_SQL = """
SELECT r.id, r.sent_on, r.channel, a.question_id, a.value, a.comment, a.geometry
FROM survey_response r LEFT JOIN answer a ON a.response_id = r.id
WHERE r.survey_id = ? AND r.state = 'sent'
ORDER BY r.id
"""
QUESTIONS_SQL = "SELECT id, kind, settings, with_comment FROM question WHERE survey_id = ? ORDER BY page_position, position"


def read_plain(database: str, survey_id: int):
    """The sent responses joined with their answers, one row per answer, from the cursor."""
    connection = sqlite3.connect(database)
    try:
        yield from connection.execute(ANSWERS_SQL, (survey_id,))
    finally:
        connection.close()


def _lines(settings: dict, key: str) -> dict[str, str]:
    return {str(number): label for number, label in enumerate(settings.get(key) or [], start=1)}


def cell_makers(database: str, survey_id: int, words: dict) -> list[tuple[int, int, object, bool]]:
    """(question id, number of columns, cells(value, wkb), has a comment column) for each question."""
    connection = sqlite3.connect(database)
    questions = connection.execute(QUESTIONS_SQL, (survey_id,)).fetchall()
    connection.close()
    makers = []
    for question_id, kind, settings, with_comment in questions:
        settings = json.loads(settings)
        if kind in ("single", "yesno"):
            labels = _lines(settings, "options") if kind == "single" else {"yes": words["yes"], "no": words["no"]}
            width, make = 1, (lambda labels: lambda value, wkb: [labels.get(value)])(labels)
        elif kind == "multiple":
            keys = list(_lines(settings, "options"))
            width, make = len(keys), (lambda keys: lambda value, wkb: [1 if key in value else 0 for key in keys])(keys)
        elif kind == "ranking":
            keys = list(_lines(settings, "options"))
            width, make = len(keys), (lambda keys: lambda value, wkb: (
                lambda ranks: [ranks.get(key) for key in keys])({key: rank for rank, key in enumerate(value, 1)}))(keys)
        elif kind == "matrix":
            rows, steps = list(_lines(settings, "rows")), _lines(settings, "columns")
            width, make = len(rows), (lambda rows, steps: lambda value, wkb: [steps.get(value.get(row))
                                                                               for row in rows])(rows, steps)
        elif kind.startswith("map_"):
            width, make = 2, lambda value, wkb: [shapely.from_wkb(wkb).wkt if wkb is not None else None, value]
        else:
            width, make = 1, lambda value, wkb: [value]
        makers.append((question_id, width, make, bool(with_comment)))
    return makers


def plain_rows(database: str, survey_id: int, words: dict):
    """One list of cells per sent response, in the order of the ids (None for an empty cell)."""
    makers = cell_makers(database, survey_id, words)
    channels = words["channels"]
    for response_id, answers in groupby(read_plain(database, survey_id), key=lambda row: row[0]):
        answers = list(answers)
        first = answers[0]
        by_question = {row[3]: row for row in answers if row[3] is not None}
        row = [f"R-{response_id}", date.fromisoformat(first[1]), channels[first[2]]]
        for question_id, width, make, with_comment in makers:
            answer = by_question.get(question_id)
            if answer is None:
                row += [None] * (width + with_comment)
                continue
            value = json.loads(answer[4]) if isinstance(answer[4], str) else answer[4]  # SQLite keeps numbers
            row += make(value, answer[6]) if value is not None or answer[6] is not None else [None] * width
            if with_comment:
                row.append(answer[5] or None)
        yield row


def _csv_cell(value):
    if value is None:
        return ""
    return neutral(value) if isinstance(value, str) else value


def baseline_csv(database: str, survey_id: int, header: list[str], words: dict, out: Path) -> int:
    written = 0
    with open(out, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, dialect="excel", lineterminator="\r\n")
        writer.writerow(header)
        for row in plain_rows(database, survey_id, words):
            writer.writerow([_csv_cell(value) for value in row])
            written += 1
    return written


def baseline_xlsx(database: str, survey_id: int, header: list[str], words: dict, out: Path) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Antworten")
    sheet.append(header)
    written = 0
    for row in plain_rows(database, survey_id, words):
        sheet.append([_text_cell(sheet, value) if isinstance(value, str) and value.startswith("=") else value
                      for value in row])
        written += 1
    workbook.save(out)
    return written


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    """A text that begins with "=" as text, not as a formula (openpyxl alone would write a formula)."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


BASELINES = {"csv": baseline_csv, "xlsx": baseline_xlsx}


def run_child(spec: dict) -> dict:
    """`measure(spec)` in a fresh Python process; its result."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"child {spec['kind']} {spec.get('format', '')} failed ({done.returncode})")
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(lines[-1][len("RESULT "):])


# --- the run -----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=250_000)
    parser.add_argument("--xlsx-all", action="store_true", help="XLSX for N responses too (several minutes)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (database, files)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(measure(json.loads(args.child))))
        return

    folder = Path(tempfile.mkdtemp(prefix="bench-surveys-"))
    database = folder / "bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(folder),
                      "TESTING": True})
    with app.app_context():
        upgrade()
    sizes = {"N/5": args.responses // 5, "N": args.responses}
    start = time.perf_counter()
    made = generate(app, sizes)
    print(f"generated in {time.perf_counter() - start:.1f} s (not part of any ratio): "
          f"{database.stat().st_size / 1e6:.0f} MB SQLite database")
    for name, found in made.items():
        print(f"  survey {name}: {found['responses']} sent responses (+ {found['drafts']} drafts), "
              f"{found['answers']} answers to {len(QUESTIONS)} questions")

    results = []
    for name, found in made.items():
        base = {"database": str(database), "folder": str(folder), "survey": found["survey"]}
        results.append((name, found, "read", run_child({**base, "kind": "read"}), None))
        for fmt in FORMATS:
            if fmt == "xlsx" and name == "N" and not args.xlsx_all:
                continue
            out, plain_out = folder / f"out.{fmt}", folder / f"plain.{fmt}"
            plain = run_child({**base, "kind": "baseline", "format": fmt, "out": str(plain_out)})
            ours = run_child({**base, "kind": "app", "format": fmt, "out": str(out)})
            assert ours["rows"] == plain["rows"] == found["responses"], (fmt, ours["rows"], plain["rows"])
            if fmt == "csv":
                assert out.read_bytes() == plain_out.read_bytes(), "the app's CSV differs from the baseline's"
            out.unlink()
            plain_out.unlink()
            results.append((name, found, fmt, ours, plain))
            print(f"  measured {fmt} for {found['responses']} responses", file=sys.stderr)

    print("database: sqlite; every figure from a fresh child process; time is wall time; peak = VmHWM during "
          "the export; growth = peak − RSS after set-up; baselines include their plain SQL read; "
          "cpu ratio = the same ratio in CPU time; the app's CSV is the baseline's byte for byte")
    if not args.xlsx_all:
        print(f"XLSX measured for {sizes['N/5']} responses only (--xlsx-all for {sizes['N']})")
    header = (f"{'responses':>9}  {'format':6}  {'app s':>7} {'base s':>7} {'ratio':>7} {'cpu ratio':>9}  "
              f"{'app resp/s':>10} {'base resp/s':>11}  {'app peak MB':>11} {'growth MB':>9}  "
              f"{'base peak MB':>12} {'growth MB':>9}  {'file MB':>7}")
    print(header)
    print("-" * len(header))
    for _name, found, fmt, ours, plain in results:
        if plain is None:
            print(f"{found['responses']:9d}  {'SQL':6}  {'':7} {ours['seconds']:7.2f} {'':7} {'':9}  "
                  f"{'':10} {ours['rows'] / ours['seconds']:11.0f}  {'':11} {'':9}  "
                  f"{ours['peak']:12.0f} {ours['peak'] - ours['rss']:9.0f}  {'':7}   "
                  "(baseline: the plain SQL read alone, rows = answers)")
            continue
        print(f"{found['responses']:9d}  {fmt.upper():6}  {ours['seconds']:7.2f} {plain['seconds']:7.2f} "
              f"{ours['seconds'] / plain['seconds']:6.1f}× {ours['cpu'] / plain['cpu']:8.1f}×  "
              f"{ours['rows'] / ours['seconds']:10.0f} {plain['rows'] / plain['seconds']:11.0f}  "
              f"{ours['peak']:11.0f} {ours['peak'] - ours['rss']:9.0f}  "
              f"{plain['peak']:12.0f} {plain['peak'] - plain['rss']:9.0f}  {ours['size']:7.1f}")
    by = {(name, fmt): (ours, plain) for name, _found, fmt, ours, plain in results if plain is not None}
    print("memory as the number of responses grows five-fold (growth over the RSS after set-up):")
    for fmt in FORMATS:
        if ("N", fmt) in by:
            (small, small_plain), (large, large_plain) = by[("N/5", fmt)], by[("N", fmt)]
            print(f"  {fmt.upper():5} app {small['peak'] - small['rss']:6.0f} MB → {large['peak'] - large['rss']:6.0f} MB"
                  f"   baseline {small_plain['peak'] - small_plain['rss']:6.0f} MB → "
                  f"{large_plain['peak'] - large_plain['rss']:6.0f} MB")
    busy = [f"{fmt} {name}" for name, _found, fmt, ours, plain in results
            for figures in (ours, plain) if figures and figures["seconds"] > 1.3 * figures["cpu"] + 0.2]
    if busy:
        print(f"note: wall time well above CPU time for {', '.join(busy)} (I/O, or another process busy)")
    if not all(figures["reset"] for _n, _f, _fmt, ours, plain in results for figures in (ours, plain) if figures):
        print("note: the peak could not be reset after set-up (/proc/self/clear_refs): peaks include set-up")
    if args.keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
