"""Benchmark: exporting a project's comments to XLSX, CSV, GeoPackage and PDF, beside the libraries alone.

Generates a fresh SQLite app database (in a temp folder) with one town, 200 resident accounts and two
projects with 5 categories each: one with N comments (`--comments`, default 50 000) and one with N/5,
spread over the project area in Brandenburg an der Havel. Of each project's comments 10 % are replies;
the others have German texts of 50–600 characters, most a place, some the town's answers (a few of them
joint answers), decisions, supports, letters entered by a planner, hidden ones and duplicates.
Generating is timed but not part of any ratio.

Then, for each project and format, in the same run, each in a fresh child process (so that its peak
RSS belongs to that one export alone; all children import the app and create it the same way):

- app: `participation.exports.services.write_file` for a project-scoped export built as
  `flask exports write` builds it (a transient Export), in EPSG:25833 (the town's UTM zone: tables get
  easting and northing beside longitude and latitude, the GeoPackage has points in 25833), locale "de";
- baseline: the same rows, read with one plain SQL query per sheet (the stdlib sqlite3 module, the
  same joins and sub-selects, `fetchall` into a list, pseudonyms and labels left to SQL or left out),
  coordinates projected with one pyproj call, then written with the library alone:
  XLSX: an openpyxl write-only workbook with the same sheets of comments, replies and answers, the same
  number of columns and rows, no styles (the app's last sheet, a few dozen rows of figures, is left out);
  CSV: the csv module, comments then replies in one table, as the app writes it;
  GPKG: one GeoDataFrame with the same columns (points in EPSG:25833), one `pyogrio.write_dataframe`.
  The baselines' times include reading the rows from the database; the plain SQL read alone is
  measured in a child of its own and printed, so that the writing's share can be told apart.

Printed for each: wall time, rows per second, the ratio app / baseline, peak RSS of the child (VmHWM,
reset after set-up, so the peak during the export) and the growth over the child's RSS after set-up,
which shows whether memory stays flat: exporting N comments should grow no more than N/5 does.
PDF: the app's weighing table for the council (`weighing-pdf`: WeasyPrint in a child process of the
export, in parts of `PART_ROWS` statements joined with pypdf; its peak RSS and CPU time count) beside
WeasyPrint alone laying out a plain table of the same comments and six columns in parts of the same size.
The PDF is measured for N/5 comments (`--pdf-all`: for N too); `make bench` leaves it out (`--no-pdf`, about
5 minutes less), `make bench-all` measures it for both.

Usage:
    .venv/bin/python bench/exports.py [--comments 50000] [--no-pdf | --pdf-all] [--keep]
"""
from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import logging
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyogrio  # noqa: E402
import shapely  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from pyproj import Transformer  # noqa: E402
from shapely.geometry import MultiPolygon, Point, box  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from participation.accounts.models import Role, User  # noqa: E402
from participation.app import create_app  # noqa: E402
from participation.comments.models import (  # noqa: E402
    Channel, Comment, CommentState, Decision, OfficialAnswer, Support, Visibility)
from participation.exports import columns, services  # noqa: E402
from participation.exports.pdf import PART_ROWS  # noqa: E402
from participation.exports.models import Export, ExportFormat  # noqa: E402
from participation.extensions import db  # noqa: E402
from participation.municipalities.models import Municipality  # noqa: E402
from participation.projects.models import Category, Phase, Project  # noqa: E402

CRS = 25833
FORMATS = ("xlsx", "csv", "gpkg", "pdf")
#: The app's format for each measured one: "pdf" is the weighing table for the council paper.
APP_FORMATS = {"xlsx": "xlsx", "csv": "csv", "gpkg": "gpkg", "pdf": "weighing-pdf"}
#: The project area, inner Brandenburg an der Havel (about 6.8 km × 4.4 km, UTM zone 33N).
WEST, SOUTH, EAST, NORTH = 12.50, 52.39, 12.60, 52.43
#: Where comments cluster: Neustädtischer Markt, Hauptbahnhof, Altstadt, Görden, Nord, Hohenstücken.
HOTSPOTS = ((12.5560, 52.4090), (12.5530, 52.4000), (12.5420, 52.4135), (12.5150, 52.4250),
            (12.5700, 52.4240), (12.5900, 52.4200))
RESIDENTS = 200
CATEGORIES = (("Radverkehr", "#1f78b4"), ("Fußverkehr", "#33a02c"), ("Grün und Bäume", "#006d2c"),
              ("Parken", "#6a3d9a"), ("Spielen und Aufenthalt", "#ff7f00"))
FIRST_NAMES = ("Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Klara",
               "Lukas", "Mia", "Niklas", "Olga", "Paul", "Rosa", "Simon", "Tilda", "Uwe")
SENTENCES = (
    "Der Radweg in der Hauptstraße endet plötzlich an der Kreuzung, das ist gefährlich.",
    "Hier fehlt ein sicherer Übergang für Kinder auf dem Schulweg.",
    "Die Ampelphase für Fußgänger ist viel zu kurz, ältere Menschen schaffen es kaum über die Straße.",
    "Bitte mehr Bäume pflanzen, im Sommer ist der Platz eine Hitzeinsel.",
    "Die Fahrradbügel am Bahnhof sind ständig überfüllt.",
    "Autos parken regelmäßig auf dem Gehweg, mit dem Kinderwagen kommt man nicht vorbei.",
    "Ich wünsche mir eine Tempo-30-Zone vor der Grundschule.",
    "Der Belag ist voller Schlaglöcher und bei Regen stehen große Pfützen.",
    "Eine Bank im Schatten wäre für ältere Anwohnerinnen und Anwohner eine große Hilfe.",
    "Nachts ist der Weg am Ufer kaum beleuchtet, ich fühle mich dort unsicher.",
    "Die Buslinie fährt abends nur noch stündlich, das reicht nicht.",
    "Der Spielplatz braucht dringend neue Geräte, die alten sind gesperrt.",
    "Lieferwagen halten in zweiter Reihe und blockieren den Radfahrstreifen.",
    "Warum wird die Brücke nicht für den Radverkehr freigegeben?",
    "Die Grünfläche an der Havel sollte unbedingt erhalten bleiben.",
    "Ein Zebrastreifen an dieser Stelle würde viele Wege sicherer machen.",
    "Die Einmündung ist unübersichtlich, weil Hecken die Sicht versperren.",
    "Für Lastenräder gibt es in der Innenstadt kaum Abstellmöglichkeiten.",
    "Ich fahre täglich mit dem Rad zur Arbeit und muss hier immer auf die Fahrbahn ausweichen.",
    "Die Bordsteine sind nicht abgesenkt, mit dem Rollstuhl ist das ein Hindernis.",
    "Ein Trinkbrunnen auf dem Markt wäre im Sommer sinnvoll.",
    "Die Parkplätze vor den Geschäften werden vor allem von Dauerparkern belegt.",
    "Hier könnte man eine Fahrradstraße einrichten, der Autoverkehr ist ohnehin gering.",
    "Der Gehweg ist so schmal, dass zwei Personen nicht aneinander vorbeikommen.",
    "Bitte die Mülleimer öfter leeren, am Wochenende quellen sie über.",
    "Die Straßenbahnhaltestelle hat kein Dach, bei Regen wartet man im Nassen.",
    "Ich unterstütze den Vorschlag, den Platz autofrei zu gestalten.",
    "Die geplante Verbreiterung der Straße lehne ich ab, sie zerschneidet das Viertel.",
    "Es fehlen Sitzgelegenheiten zwischen Bahnhof und Altstadt.",
    "Der Kreisverkehr ist für Radfahrende ohne eigene Führung sehr gefährlich.",
    "Die Beete an der Ecke könnten von Anwohnern gepflegt werden, wir würden mithelfen.",
    "Schulkinder queren hier jeden Morgen ohne Ampel eine vierspurige Straße.",
    "Der Lärm der Durchgangsstraße ist nachts kaum auszuhalten.",
    "Ein Carsharing-Stellplatz in unserem Wohngebiet wäre schön.",
    "Das Kopfsteinpflaster ist für Rad und Rollator eine Zumutung.",
    "Im Herbst liegt hier so viel Laub, dass der Radweg rutschig wird.",
    "Bitte prüfen Sie, ob die Linksabbiegespur wirklich gebraucht wird.",
    "Mehr Fahrradständer vor der Bibliothek wären gut.",
    "Die Unterführung ist dunkel, verschmutzt und riecht unangenehm.",
    "Die Querungshilfe ist zu schmal für ein Fahrrad mit Anhänger.",
)
ANSWERS = (
    "Vielen Dank für Ihren Hinweis. Wir prüfen die Stelle bei der nächsten Verkehrsschau.",
    "Der Hinweis wurde an das Tiefbauamt weitergegeben; die Ausbesserung ist für das Frühjahr geplant.",
    "Die Anregung nehmen wir in die Abwägung zum Radverkehrskonzept auf.",
    "Eine Querungshilfe an dieser Stelle ist im Entwurf bereits vorgesehen, siehe Plan Blatt 3.",
    "Die Grünfläche bleibt erhalten; zusätzlich sind zwölf neue Straßenbäume geplant.",
)
REASONINGS = (
    "Der Anregung wird gefolgt. Die Planung wird entsprechend geändert.",
    "Der Anregung wird teilweise gefolgt: die Querung kommt, eine Ampel ist wegen der geringen "
    "Verkehrsmenge nicht erforderlich.",
    "Der Anregung wird nicht gefolgt, da die Fläche für den Lieferverkehr benötigt wird.",
    "Der Hinweis wird zur Kenntnis genommen; er betrifft nicht den Geltungsbereich.",
)

#: The app's comment columns in EPSG:25833 and their keys, as the baselines write them.
COMMENT_COLUMNS = columns.COMMENTS + columns.projected_columns(CRS)
COMMENT_KEYS = [column.key for column in COMMENT_COLUMNS]
REPLY_KEYS = [column.key for column in columns.REPLIES]
ANSWER_KEYS = [column.key for column in columns.ANSWERS]

# The baselines' plain SQL: the same joins and sub-selects as participation/exports/rows.py, one query
# per sheet; a resident's pseudonym is their id in hexadecimal, labels are the stored values.
COMMENTS_SQL = """
SELECT COALESCE(c.reference, 'K-' || c.id), p.title, c.created_at, c.received_on, c.channel, c.visibility,
       COALESCE(cat.name, ''), '', COALESCE(c.paragraph_anchor, ''), COALESCE(l.name, ''),
       c.plan_object_layer_id, COALESCE(c.plan_object_id, ''), c.text,
       CASE WHEN a.id IS NULL THEN '' WHEN a.role IN ('planner', 'gis', 'admin') THEN a.pseudonym
            ELSE printf('P-%08x', a.id) END,
       CASE WHEN e.id IS NULL THEN '' WHEN e.role IN ('planner', 'gis', 'admin') THEN e.pseudonym
            ELSE printf('P-%08x', e.id) END,
       (SELECT count(*) FROM support s WHERE s.comment_id = c.id),
       (SELECT count(*) FROM comment r WHERE r.parent_id = c.id AND r.deleted_at IS NULL),
       c.state, CASE WHEN c.answer_id IS NULL THEN '' ELSE 'A-' || c.answer_id END, COALESCE(oa.text, ''),
       oa.created_at,
       CASE WHEN aa.id IS NULL THEN '' WHEN aa.role IN ('planner', 'gis', 'admin') THEN aa.pseudonym
            ELSE printf('P-%08x', aa.id) END,
       COALESCE(c.decision, ''), c.decision_reasoning, c.decided_at,
       CASE WHEN d.id IS NULL THEN '' ELSE COALESCE(d.reference, 'K-' || d.id) END, c.hidden_reason,
       round(c.min_x, 7), round(c.min_y, 7)
FROM comment c
JOIN project p ON p.id = c.project_id
LEFT JOIN category cat ON cat.id = c.category_id
LEFT JOIN layer l ON l.id = c.plan_object_layer_id
LEFT JOIN official_answer oa ON oa.id = c.answer_id
LEFT JOIN comment d ON d.id = c.duplicate_of_id
LEFT JOIN "user" a ON a.id = c.author_id
LEFT JOIN "user" e ON e.id = c.entered_by_id
LEFT JOIN "user" aa ON aa.id = oa.author_id
WHERE c.project_id = ? AND c.deleted_at IS NULL AND c.parent_id IS NULL
ORDER BY c.created_at, c.id
"""
REPLIES_SQL = """
SELECT 'K-' || c.id, COALESCE(par.reference, 'K-' || par.id), p.title, c.created_at, c.visibility,
       CASE WHEN a.id IS NULL THEN '' WHEN a.role IN ('planner', 'gis', 'admin') THEN a.pseudonym
            ELSE printf('P-%08x', a.id) END,
       c.text, (SELECT count(*) FROM support s WHERE s.comment_id = c.id)
FROM comment c
JOIN comment par ON par.id = c.parent_id
JOIN project p ON p.id = c.project_id
LEFT JOIN "user" a ON a.id = c.author_id
WHERE c.project_id = ? AND c.deleted_at IS NULL AND c.parent_id IS NOT NULL
ORDER BY c.parent_id, c.created_at, c.id
"""
ANSWERS_SQL = """
SELECT 'A-' || oa.id, oa.created_at,
       CASE WHEN aa.id IS NULL THEN '' WHEN aa.role IN ('planner', 'gis', 'admin') THEN aa.pseudonym
            ELSE printf('P-%08x', aa.id) END,
       oa.text, group_concat(COALESCE(c.reference, 'K-' || c.id), ', ')
FROM comment c
JOIN official_answer oa ON oa.id = c.answer_id
LEFT JOIN "user" aa ON aa.id = oa.author_id
WHERE c.project_id = ? AND c.deleted_at IS NULL AND c.parent_id IS NULL
GROUP BY oa.id
ORDER BY oa.id
"""
#: Positions of the timestamps and the day in COMMENTS_SQL's and REPLIES_SQL's rows.
COMMENT_TIMES, COMMENT_DAY, REPLY_TIMES = (2, 20, 24), 3, (3,)


# --- generating the database -------------------------------------------------------------------------

def german_text(rng: random.Random, shortest: int = 50, longest: int = 600) -> str:
    """Sentences of SENTENCES up to a length drawn around 200 characters, within [shortest, longest]."""
    target = int(min(longest, max(shortest, rng.lognormvariate(5.3, 0.55))))
    parts, length = [], 0
    while length < target:
        sentence = rng.choice(SENTENCES)
        parts.append(sentence)
        length += len(sentence) + 1
    separator = "\n" if rng.random() < 0.15 else " "
    found = separator.join(parts)
    if len(found) > longest:
        found = found[:longest - 1].rsplit(" ", 1)[0] + "…"
    if rng.random() < 0.02:
        found = "- " + found  # a list as some write it: a CSV cell a spreadsheet would take for a formula
    return found


def place(rng: random.Random) -> tuple[float, float] | None:
    """A pin: none for 5 %, near a hot spot for 60 % of the rest, else anywhere in the area."""
    if rng.random() < 0.05:
        return None
    if rng.random() < 0.6:
        x0, y0 = rng.choice(HOTSPOTS)
        x, y = rng.gauss(x0, 0.004), rng.gauss(y0, 0.0025)
        return min(max(x, WEST), EAST), min(max(y, SOUTH), NORTH)
    return rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)


def project_rows(rng: random.Random, project_id: int, category_ids: list[int], residents: list[int],
                 planner_id: int, count: int, first_id: int, first_answer: int):
    """Rows for `count` comments of one project (10 % replies), their answers and supports, with ids
    from `first_id` and `first_answer` on."""
    top = count - count // 10
    start = datetime(2025, 5, 5, 6, tzinfo=timezone.utc)
    times = sorted(start + timedelta(seconds=rng.uniform(0, 42 * 86400)) for _ in range(top))
    comments = []
    for index, created in enumerate(times):
        pin = place(rng)
        online = rng.random() < 0.92
        visibility = rng.choices(list(Visibility), weights=(2, 95, 2, 1))[0]
        comments.append({
            "id": first_id + index, "project_id": project_id, "parent_id": None,
            "author_id": rng.choice(residents) if online else None,
            "category_id": rng.choice(category_ids) if rng.random() < 0.85 else None,
            "text": german_text(rng),
            "location": Point(*pin) if pin else None,
            "min_x": pin[0] if pin else None, "min_y": pin[1] if pin else None,
            "max_x": pin[0] if pin else None, "max_y": pin[1] if pin else None,
            "visibility": visibility,
            "hidden_reason": "Beleidigung einer anderen Person" if visibility is Visibility.HIDDEN else "",
            "duplicate_of_id": (first_id + rng.randrange(index)) if index and rng.random() < 0.01 else None,
            "state": rng.choice((CommentState.RECEIVED, CommentState.IN_REVIEW)),
            "answer_id": None, "decision": None, "decision_reasoning": "", "decided_at": None,
            "decided_by_id": None,
            "channel": Channel.ONLINE if online else rng.choice((Channel.LETTER, Channel.EMAIL, Channel.WORKSHOP)),
            "received_on": None if online else (created - timedelta(days=rng.randint(1, 5))).date(),
            "entered_by_id": None if online else planner_id,
            "sender_name": "" if online else "Erika Mustermann",
            "created_at": created, "updated_at": created,
        })
        if rng.random() < 0.10:
            decision = rng.choice(list(Decision))
            comments[-1].update(decision=decision, decision_reasoning=rng.choice(REASONINGS),
                                decided_at=created + timedelta(days=50), decided_by_id=planner_id)
    answers = []
    answered = sorted(rng.sample(range(top), top * 15 // 100))
    position = 0
    while position < len(answered):
        covered = answered[position:position + (rng.randint(2, 4) if rng.random() < 0.3 else 1)]
        position += len(covered)
        made = max(comments[i]["created_at"] for i in covered) + timedelta(days=rng.randint(1, 14))
        answer_id = first_answer + len(answers)
        answers.append({"id": answer_id, "text": rng.choice(ANSWERS), "author_id": planner_id,
                        "created_at": made, "updated_at": made})
        for i in covered:
            comments[i].update(answer_id=answer_id, state=CommentState.ANSWERED)
    replies = []
    for index in range(count // 10):
        parent = rng.choice(comments)
        created = parent["created_at"] + timedelta(hours=rng.uniform(0.5, 240))
        replies.append({
            **parent, "id": first_id + top + index, "parent_id": parent["id"], "author_id": rng.choice(residents),
            "category_id": None, "text": german_text(rng, 50, 300), "location": None,
            "min_x": None, "min_y": None, "max_x": None, "max_y": None, "visibility": Visibility.PUBLISHED,
            "hidden_reason": "", "duplicate_of_id": None, "state": CommentState.RECEIVED, "answer_id": None,
            "decision": None, "decision_reasoning": "", "decided_at": None, "decided_by_id": None,
            "channel": Channel.ONLINE, "received_on": None, "entered_by_id": None, "sender_name": "",
            "created_at": created, "updated_at": created,
        })
    supports = []
    for comment in comments + replies:
        if rng.random() < (0.3 if comment["parent_id"] is None else 0.1):
            for user_id in rng.sample(residents, rng.randint(1, 8)):
                moment = comment["created_at"] + timedelta(hours=rng.uniform(1, 300))
                supports.append({"comment_id": comment["id"], "user_id": user_id, "created_at": moment,
                                 "updated_at": moment})
    return comments + replies, answers, supports


def generate(app, sizes: dict[str, int]) -> dict[str, dict]:
    """A town, RESIDENTS residents, a planner and one project per entry of `sizes` with that many comments;
    returns each project's id and counts."""
    rng = random.Random(1)
    with app.app_context():
        town = Municipality(slug="brandenburg", name="Brandenburg an der Havel")
        town_area = MultiPolygon([box(WEST - 0.05, SOUTH - 0.03, EAST + 0.05, NORTH + 0.03)])
        town.boundary = town_area
        planner = User(email="planung@example.org", pseudonym="Stadtplanung", password_hash="x", role=Role.PLANNER)
        planner.municipalities.append(town)
        residents = [User(email=f"bewohner{i}@example.org", pseudonym=f"{FIRST_NAMES[i % 20]}_{i:03d}",
                          password_hash="x") for i in range(RESIDENTS)]
        projects = {}
        for name in sizes:
            project = Project(municipality=town, title=f"Radverkehrskonzept Innenstadt ({name})",
                              phase=Phase.PARTICIPATION)
            project.set_area(MultiPolygon([box(WEST, SOUTH, EAST, NORTH)]))
            project.categories = [Category(name=title, color=color, position=position)
                                  for position, (title, color) in enumerate(CATEGORIES)]
            projects[name] = project
        db.session.add_all([town, planner, *residents, *projects.values()])
        db.session.commit()
        resident_ids = [user.id for user in residents]
        made, next_id, next_answer = {}, 1, 1
        for name, count in sizes.items():
            project = projects[name]
            comments, answers, supports = project_rows(
                rng, project.id, [c.id for c in project.categories], resident_ids, planner.id, count, next_id,
                next_answer)
            next_id += len(comments)
            next_answer += len(answers)
            db.session.execute(insert(OfficialAnswer.__table__), answers)
            for at in range(0, len(comments), 5000):
                db.session.execute(insert(Comment.__table__), comments[at:at + 5000])
            for at in range(0, len(supports), 20000):
                db.session.execute(insert(Support.__table__), supports[at:at + 20000])
            db.session.commit()
            replies = sum(1 for c in comments if c["parent_id"] is not None)
            made[name] = {"project": project.id, "comments": len(comments), "top": len(comments) - replies,
                          "replies": replies, "answers": len(answers), "supports": len(supports)}
        if db.engine.dialect.name == "sqlite":
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


def child_app(database: str, folder: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": folder,
                       "TESTING": True})


def measure(spec: dict) -> dict:
    """Run one measurement (`spec["kind"]`: "app", "baseline" or "read") after the same set-up in every
    child: the app created and its context entered, German chosen, the project loaded."""
    app = child_app(spec["database"], spec["folder"])
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.INFO)
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)
    with app.app_context(), force_locale("de"):
        project = db.session.get(Project, spec["project"])
        export = Export(municipality=project.municipality, project=project, statute=None,
                        format=ExportFormat(APP_FORMATS[spec.get("format", "csv")]), crs=CRS, grouping="thema")
        [str(column.header) for column in COMMENT_COLUMNS]  # loads the catalogue
        out = Path(spec["out"]) if spec.get("out") else None
        gc.collect()
        before = rss_mb()
        reset = reset_peak()
        cpu = time.process_time()
        start = time.perf_counter()
        if spec["kind"] == "app":
            written = services.write_file(export, out)
        elif spec["kind"] == "baseline":
            written = BASELINES[spec["format"]](spec["database"], project.id, out)
        else:
            written = sum(len(rows) for rows in read_plain(spec["database"], project.id))
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
    # The PDF is laid out in a child process of the export: its CPU time counts too, and its peak is the
    # larger of its two steps (layout, join) as reported to the log (ru_maxrss would count the fork).
    descendants = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += descendants.ru_utime + descendants.ru_stime
    renderer = [float(m) for m in re.findall(r"renderer peak (\d+) MB", log.getvalue())]
    return {"seconds": seconds, "cpu": cpu, "rows": written, "rss": before, "peak": rss_mb("VmHWM"),
            "child_peak": max(renderer, default=0.0),
            "reset": reset, "size": out.stat().st_size / 1e6 if out else 0.0}


def read_plain(database: str, project_id: int) -> tuple[list, list, list]:
    """Comments, replies and answers of the project with one plain SQL query each, all in lists."""
    connection = sqlite3.connect(database)
    try:
        return tuple(connection.execute(sql, (project_id,)).fetchall()
                     for sql in (COMMENTS_SQL, REPLIES_SQL, ANSWERS_SQL))
    finally:
        connection.close()


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def table_rows(database: str, project_id: int) -> tuple[list[list], list[list], list[list]]:
    """The plain rows as a table holds them: timestamps and days as such, easting and northing added."""
    comments, replies, answers = read_plain(database, project_id)
    lon = np.array([r[-2] if r[-2] is not None else np.nan for r in comments], dtype=float)
    lat = np.array([r[-1] if r[-1] is not None else np.nan for r in comments], dtype=float)
    xs, ys = Transformer.from_crs(4326, CRS, always_xy=True).transform(lon, lat)
    xs, ys = np.round(xs, 2).tolist(), np.round(ys, 2).tolist()
    table = []
    for row, x, y in zip(comments, xs, ys):
        row = list(row)
        for index in COMMENT_TIMES:
            row[index] = _moment(row[index])
        row[COMMENT_DAY] = date.fromisoformat(row[COMMENT_DAY]) if row[COMMENT_DAY] else None
        placed = row[-1] is not None
        table.append(row + ([x, y] if placed else [None, None]))
    reply_table = []
    for row in replies:
        row = list(row)
        for index in REPLY_TIMES:
            row[index] = _moment(row[index])
        reply_table.append(row)
    answer_table = [[r[0], _moment(r[1]), *r[2:]] for r in answers]
    return table, reply_table, answer_table


def baseline_xlsx(database: str, project_id: int, out: Path) -> int:
    comments, replies, answers = table_rows(database, project_id)
    workbook = Workbook(write_only=True)
    for title, keys, rows in (("Kommentare", COMMENT_KEYS, comments), ("Antworten", REPLY_KEYS, replies),
                              ("Antworten der Stadt", ANSWER_KEYS, answers)):
        sheet = workbook.create_sheet(title)
        sheet.append(keys)
        for row in rows:
            sheet.append(row)
    workbook.save(out)
    return len(comments) + len(replies)


def baseline_csv(database: str, project_id: int, out: Path) -> int:
    comments, replies, _answers = table_rows(database, project_id)
    keys = COMMENT_KEYS + ["reply_to"]
    where = [keys.index(key) for key in REPLY_KEYS]
    with open(out, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, dialect="excel", lineterminator="\r\n")
        writer.writerow(keys)
        writer.writerows(row + [""] for row in comments)
        for reply in replies:
            row = [""] * len(keys)
            for index, value in zip(where, reply):
                row[index] = value
            writer.writerow(row)
    return len(comments) + len(replies)


def baseline_gpkg(database: str, project_id: int, out: Path) -> int:
    comments, _replies, _answers = read_plain(database, project_id)
    frame = pd.DataFrame.from_records(comments, columns=COMMENT_KEYS[:-2])
    for column in COMMENT_COLUMNS[:-2]:
        if column.kind == "datetime":
            frame[column.key] = pd.to_datetime(frame[column.key], utc=True, format="ISO8601")
        elif column.kind == "int":
            frame[column.key] = frame[column.key].astype("Int64")
    lon = frame["longitude"].to_numpy(dtype=float, na_value=np.nan)
    lat = frame["latitude"].to_numpy(dtype=float, na_value=np.nan)
    xs, ys = Transformer.from_crs(4326, CRS, always_xy=True).transform(lon, lat)
    frame["x"], frame["y"] = np.round(xs, 2), np.round(ys, 2)
    points = shapely.points(np.column_stack([xs, ys]))
    points[np.isnan(lon)] = None
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, crs=f"EPSG:{CRS}"))
    pyogrio.write_dataframe(gdf, out, layer="comments", driver="GPKG", geometry_type="Point")
    return len(gdf)


def baseline_pdf(database: str, project_id: int, out: Path) -> int:
    """WeasyPrint alone: the comments in a plain HTML table of the same six columns, in parts of as many
    rows as the app's, each laid out and written, then joined with pypdf — in this one process."""
    from pypdf import PdfWriter  # noqa: PLC0415 - only this baseline needs them
    from weasyprint import HTML  # noqa: PLC0415
    comments, _replies, _answers = read_plain(database, project_id)
    style = ("<style>@page { size: A4 landscape; margin: 14mm } table { width: 100%; table-layout: fixed; "
             "border-collapse: collapse; font: 8.5pt sans-serif } td { vertical-align: top; padding: 3pt; "
             "border-bottom: 0.5pt solid #999 }</style>")
    writer = PdfWriter()
    for start in range(0, max(len(comments), 1), PART_ROWS):
        cells = "".join(
            "<tr>" + "".join(f"<td>{escape(str(value or ''))}</td>" for value in (
                row[0], f"{row[2]} {row[4]}", row[6], row[12], row[19], f"{row[22]} {row[23] or ''}")) + "</tr>"
            for row in comments[start:start + PART_ROWS])
        piece = out.with_name(f"{out.name}.{start}")
        HTML(string=f"<html lang=de><head><title>T</title>{style}</head><body><table>{cells}</table></body>"
             "</html>").write_pdf(piece)
        writer.append(str(piece))
    with out.open("wb") as file:
        writer.write(file)
    for piece in out.parent.glob(f"{out.name}.*"):
        piece.unlink()
    return len(comments)


BASELINES = {"xlsx": baseline_xlsx, "csv": baseline_csv, "gpkg": baseline_gpkg, "pdf": baseline_pdf}


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
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (database, files)")
    parser.add_argument("--pdf-all", action="store_true",
                        help="the PDF for N comments too (about 10 minutes each for the app and the baseline at "
                             "50 000); by default only for N/5")
    parser.add_argument("--no-pdf", action="store_true", help="no PDF at all (`make bench`: about 5 minutes less)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(measure(json.loads(args.child))))
        return

    folder = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    database = folder / "bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(folder),
                      "TESTING": True})
    with app.app_context():
        upgrade()
    sizes = {"N/5": args.comments // 5, "N": args.comments}
    start = time.perf_counter()
    made = generate(app, sizes)
    print(f"generated in {time.perf_counter() - start:.1f} s (not part of any ratio): "
          f"{database.stat().st_size / 1e6:.0f} MB SQLite database, {RESIDENTS} residents")
    for name, found in made.items():
        print(f"  project {name}: {found['comments']} comments = {found['top']} top-level + {found['replies']} "
              f"replies, {found['answers']} answers, {found['supports']} supports")

    results = []
    for name, found in made.items():
        base = {"database": str(database), "folder": str(folder), "project": found["project"]}
        read = run_child({**base, "kind": "read"})
        results.append((name, found, "read", read, None))
        for fmt in FORMATS:
            if fmt == "pdf" and (args.no_pdf or (name == "N" and not args.pdf_all)):
                continue
            out = str(folder / f"out.{fmt}")
            plain = run_child({**base, "kind": "baseline", "format": fmt, "out": out})
            Path(out).unlink()
            ours = run_child({**base, "kind": "app", "format": fmt, "out": out})
            Path(out).unlink()
            assert ours["rows"] == plain["rows"], (fmt, ours["rows"], plain["rows"])
            results.append((name, found, fmt, ours, plain))
            print(f"  measured {fmt} for {found['comments']} comments", file=sys.stderr)

    print("database: sqlite; every figure from a fresh child process; time is wall time; peak = VmHWM during "
          "the export; growth = peak − RSS after set-up; baselines include their plain SQL read; "
          "cpu ratio = the same ratio in CPU time of the child (robust when other processes share the cores)")
    header = (f"{'comments':>8}  {'format':6} {'rows':>6}  {'app s':>7} {'base s':>7} {'ratio':>7} {'cpu ratio':>9}  "
              f"{'app rows/s':>10} {'base rows/s':>11}  {'app peak MB':>11} {'growth MB':>9}  "
              f"{'base peak MB':>12} {'growth MB':>9}  {'file MB':>7}")
    print(header)
    print("-" * len(header))
    for name, found, fmt, ours, plain in results:
        if plain is None:
            print(f"{found['comments']:8d}  {'SQL':6} {ours['rows']:6d}  {'':7} {ours['seconds']:7.2f} {'':7} {'':9}  "
                  f"{'':10} {ours['rows'] / ours['seconds']:11.0f}  {'':11} {'':9}  "
                  f"{ours['peak']:12.0f} {ours['peak'] - ours['rss']:9.0f}  {'':7}   "
                  "(baseline: the plain SQL read alone)")
            continue
        print(f"{found['comments']:8d}  {fmt.upper():6} {ours['rows']:6d}  {ours['seconds']:7.2f} "
              f"{plain['seconds']:7.2f} {ours['seconds'] / plain['seconds']:6.1f}× "
              f"{ours['cpu'] / plain['cpu']:8.1f}×  "
              f"{ours['rows'] / ours['seconds']:10.0f} {plain['rows'] / plain['seconds']:11.0f}  "
              f"{ours['peak']:11.0f} {ours['peak'] - ours['rss']:9.0f}  "
              f"{plain['peak']:12.0f} {plain['peak'] - plain['rss']:9.0f}  {ours['size']:7.1f}")
    print("memory as the number of comments grows five-fold (growth over the RSS after set-up):")
    by = {(name, fmt): (ours, plain) for name, _found, fmt, ours, plain in results if plain is not None}
    for fmt in FORMATS:
        if ("N", fmt) not in by:
            continue
        (small, small_plain), (large, large_plain) = by[("N/5", fmt)], by[("N", fmt)]
        print(f"  {fmt.upper():5} app {small['peak'] - small['rss']:6.0f} MB → {large['peak'] - large['rss']:6.0f} MB"
              f"   baseline {small_plain['peak'] - small_plain['rss']:6.0f} MB → "
              f"{large_plain['peak'] - large_plain['rss']:6.0f} MB")
    for name, found, fmt, ours, plain in results:
        if fmt == "pdf":
            print(f"  PDF of {found['comments']} comments: the renderer (children of the export: layout, then join) peaked at "
                  f"{ours['child_peak']:.0f} MB RSS; it lays out {PART_ROWS} statements at a time, whatever the total")
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
