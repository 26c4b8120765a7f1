"""The demo's surveys: an open one on the market square with every question type and 320 responses, and a
closed household survey on the Lindenberg estate whose results are public (60 responses by access code).

The responses come from made-up people — an age group, a district, a usual way of getting to town — drawn
with a seeded `random.Random`, so that the results differ between groups the way a planner would expect
(more bikes among the young, more cars from outside the town) and the demo is the same every time. They
are written in bulk, as sending leaves them: sent, with no account or code, only shown questions answered.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask import current_app
from shapely.geometry.base import BaseGeometry
from sqlalchemy import insert, select, update

from geo.drawn import drawn_geometry, measure
from geo.errors import GeoInputError
from participation.extensions import db
from participation.maps import services as maps
from participation.projects.models import Project
from participation.projects.permissions import local_today
from participation.surveys import builder
from participation.surveys.builder import QuestionData
from participation.surveys.models import (
    Access, AccessCode, Answer, ResponseState, Survey, SurveyResponse, SurveyState,
)
from participation.surveys.responding import make_codes

WALK, BIKE, BUS, CAR, OTHER = "1", "2", "3", "4", "5"
MODES = ["Zu Fuß", "Mit dem Fahrrad", "Mit Bus oder Bahn", "Mit dem Auto", "Anders (z. B. Rollstuhl, E-Scooter)"]
AGE_GROUPS = ["unter 18", "18 bis 29", "30 bis 44", "45 bis 64", "65 bis 79", "80 und älter"]
#: Who answers an online survey: few under 18 and over 80, most in the middle.
AGE_WEIGHTS = [4, 17, 26, 29, 19, 5]
#: (name, where its people live (lon, lat), share of respondents); the last one is outside the town.
DISTRICTS = [
    ("Altstadt", (13.2620, 53.5580), 14),
    ("Am Mühlenteich", (13.2510, 53.5578), 10),
    ("Schulviertel", (13.2750, 53.5640), 15),
    ("Am Lindenberg", (13.2875, 53.5690), 11),
    ("Tollenseufer", (13.2550, 53.5460), 12),
    ("Oststadt", (13.3000, 53.5560), 13),
    ("Weststadt", (13.2250, 53.5620), 13),
    ("Außerhalb von Musterstadt", None, 9),
]
PURPOSES = ["Einkaufen", "Wochenmarkt", "Arbeit oder Ausbildung", "Arzt, Apotheke, Behörden", "Cafés und Gaststätten",
            "Kultur und Veranstaltungen", "Freunde treffen"]
#: How likely each purpose is, by age group (rows as AGE_GROUPS, columns as PURPOSES).
PURPOSE_WEIGHTS = [
    [3, 1, 5, 1, 3, 2, 6],
    [4, 1, 5, 1, 4, 3, 4],
    [5, 2, 4, 2, 3, 2, 2],
    [5, 3, 3, 3, 2, 2, 2],
    [5, 5, 1, 4, 2, 2, 2],
    [4, 5, 0, 5, 1, 1, 2],
]
RATED = ["die Gehwege", "die Radwege und Abstellplätze", "die Beleuchtung am Abend", "die Sitzgelegenheiten",
         "die Barrierefreiheit"]
STEPS = ["schlecht", "eher schlecht", "eher gut", "gut"]
PRIORITIES = ["Mehr Platz zum Gehen und Verweilen", "Sichere Radwege und Abstellplätze", "Parkplätze in der Nähe",
              "Bäume und Schatten", "Bessere Anbindung an Bus und Bahn"]

TRAFFIC_TITLE = "Wie kommen Sie in die Innenstadt?"
TRAFFIC_INTRO = (
    "Der Marktplatz wird ab 2027 neu gestaltet. Damit er für alle gut erreichbar ist, möchten wir wissen, wie "
    "Sie heute in die Innenstadt kommen, wo es hakt und was Ihnen für die Zukunft wichtig ist.\n\n"
    "Die Umfrage dauert etwa fünf Minuten. Sie brauchen dafür kein Konto. Ihre Antworten werden ohne Namen "
    "gespeichert und nur zusammengefasst ausgewertet.\n\n"
    "Die Angaben auf der letzten Seite „Über Sie“ sind freiwillig. Sie helfen uns zu erkennen, ob wir "
    "alle Altersgruppen und Stadtteile erreichen."
)
#: (page title, questions: (name, kind, data, condition (name of an earlier question, value) or None)).
TRAFFIC = (
    ("Ihr Weg in die Innenstadt", (
        ("mode", "single", QuestionData(
            "Wie kommen Sie meistens in die Innenstadt?", required=True, with_comment=True,
            help="Wenn es wechselt, etwa je nach Wetter: Wie kommen Sie am häufigsten?",
            settings={"options": MODES}), None),
        ("purposes", "multiple", QuestionData(
            "Wofür kommen Sie in die Innenstadt?", help="Wählen Sie bis zu drei Antworten.",
            settings={"options": PURPOSES, "min": 1, "max": 3}), None),
        ("minutes", "number", QuestionData(
            "Wie lange sind Sie für den Weg in die Innenstadt ungefähr unterwegs?", required=True,
            help="Für eine Richtung, von Tür zu Tür.",
            settings={"min": 1, "max": 120, "unit": "Minuten", "whole": True}), None),
        ("parking_search", "number", QuestionData(
            "Wie lange suchen Sie in der Innenstadt meist einen Parkplatz?",
            settings={"min": 0, "max": 60, "unit": "Minuten", "whole": True}), ("mode", CAR)),
        ("bike_parking", "map_point", QuestionData(
            "Wo stellen Sie Ihr Rad ab?",
            help="Markieren Sie auf der Karte bis zu drei Stellen, an denen Sie Ihr Rad abstellen.",
            settings={"max_points": 3}), ("mode", BIKE)),
    )),
    ("Der Marktplatz heute", (
        ("reach", "scale", QuestionData(
            "Wie gut kommen Sie heute zum Marktplatz?", with_comment=True,
            settings={"points": 5, "low_label": "sehr schlecht", "high_label": "sehr gut"}), None),
        ("rating", "matrix", QuestionData(
            "Wie bewerten Sie rund um den Marktplatz …", settings={"rows": RATED, "columns": STEPS}), None),
        ("route", "map_line", QuestionData(
            "Welchen Weg nehmen Sie zum Marktplatz?",
            help="Zeichnen Sie Ihren üblichen Weg vom Rand der Karte bis zum Markt ein."), None),
        ("unsafe", "map_area", QuestionData(
            "Wo fühlen Sie sich im Verkehr unsicher?", with_comment=True,
            help="Umranden Sie die Stelle auf der Karte. Schreiben Sie gern dazu, was dort passiert."), None),
    )),
    ("Ihre Wünsche", (
        ("priorities", "ranking", QuestionData(
            "Was ist Ihnen bei der Neugestaltung am wichtigsten?",
            help="Bringen Sie die Punkte in eine Reihenfolge: 1 ist Ihnen am wichtigsten. Sie können auch nur "
                 "die ersten drei ordnen.",
            settings={"options": PRIORITIES}), None),
        ("car_free", "yesno", QuestionData(
            "Sollte der Marktplatz autofrei werden (Lieferverkehr ausgenommen)?", with_comment=True), None),
        ("wishes", "text", QuestionData(
            "Was möchten Sie uns sonst noch mitgeben?", settings={"max_length": 2000, "multiline": True}), None),
    )),
    ("Über Sie (freiwillig)", (
        ("age", "single", QuestionData(
            "Wie alt sind Sie?", demographic=True, settings={"options": AGE_GROUPS},
            help="Alle Angaben auf dieser Seite sind freiwillig."), None),
        ("district", "single", QuestionData(
            "In welchem Stadtteil wohnen Sie?", demographic=True,
            settings={"options": [name for name, _where, _share in DISTRICTS]}), None),
        ("children", "yesno", QuestionData(
            "Leben Kinder unter 14 Jahren in Ihrem Haushalt?", demographic=True), None),
    )),
)

#: Where people park their bikes today: (lon, lat, weight) — at the town hall, the church, the bus stop,
#: the entrance of the shopping street.
BIKE_SPOTS = [(13.2618, 53.5588, 35), (13.2639, 53.5576, 20), (13.2611, 53.5568, 25), (13.2597, 53.5584, 20)]
#: Where people feel unsafe: the crossing in the south-east, the bus stop, the narrow corner in the north-west.
UNSAFE_SPOTS = [(13.2647, 53.5567, 45), (13.2611, 53.5567, 30), (13.2593, 53.5591, 25)]

MODE_COMMENTS = {
    OTHER: ["E-Scooter", "Mit dem Rollstuhl.", "Mit dem Rollator, das geht nur langsam.", "Motorroller",
            "Die Nachbarin nimmt mich mit dem Auto mit."],
    BIKE: ["Im Winter nehme ich lieber den Bus.", "Mit dem E-Bike."],
    CAR: ["Bei Regen mit dem Auto, sonst mit dem Rad.", "Aus dem Umland geht es leider nicht anders."],
    WALK: ["Bei schlechtem Wetter mit dem Bus."],
    BUS: ["Abends fährt kein Bus mehr, dann nehme ich ein Taxi."],
}
REACH_COMMENTS = {
    CAR: ["Samstags dauert die Parkplatzsuche ewig.", "Die Parkhäuser sind zu teuer."],
    BIKE: ["Auf dem Kopfsteinpflaster ist es sehr holprig.", "Es fehlen Abstellbügel, die Räder stehen überall."],
    BUS: ["Die Haltestelle ist zu weit vom Markt entfernt.", "Der Bus fährt am Wochenende nur alle zwei Stunden."],
    WALK: ["Zu Fuß ist es gut, nur die Ampel an der Bahnhofstraße dauert lange."],
    OTHER: ["Mit dem Rollstuhl komme ich über die Bordsteine kaum auf den Platz.",
            "Die Baustelle in der Bahnhofstraße macht es gerade schwierig."],
}
UNSAFE_COMMENTS = ["Autos fahren hier viel zu schnell.", "Unübersichtliche Einmündung, Radfahrer werden übersehen.",
                   "Hier wird ständig auf dem Gehweg geparkt.",
                   "Der Bus hält auf der Fahrbahn, man muss zwischen den Autos durch.",
                   "Abends ist es hier sehr dunkel.", "Kinder queren hier auf dem Schulweg ohne Ampel."]
CAR_FREE_COMMENTS = {
    "yes": ["Aber nur mit genug Parkplätzen am Rand der Altstadt.", "Lieferverkehr am Morgen muss möglich bleiben.",
            "Endlich! Dann hat der Markt wieder Platz.", "Mit Ausnahmen für Menschen mit Behinderung."],
    "no": ["Ältere Menschen müssen nah heranfahren können.", "Dann verlieren die Geschäfte ihre Kundschaft.",
           "Erst muss der Bus besser fahren."],
}
#: Free texts: (way of getting to town it fits, or None for anyone; text).
WISHES = [
    (None, "Der Wochenmarkt muss auf jeden Fall bleiben, er ist das Herz der Stadt."),
    (None, "Mehr Bänke im Schatten, gern mit Lehne, damit auch Ältere sich ausruhen können."),
    (None, "Ein Trinkbrunnen und eine öffentliche Toilette fehlen am Markt."),
    (None, "Mehr Grün statt Steinwüste! Im Sommer ist der Platz kaum auszuhalten."),
    (None, "Die Beleuchtung in den Seitengassen reicht abends nicht aus."),
    (None, "Bitte Menschen mit Sehbehinderung beteiligen, es fehlen Leitstreifen auf dem Platz."),
    (None, "Tempo 20 rund um den Markt, dann kommen alle gut miteinander aus."),
    (None, "Die Querung an der Bahnhofstraße ist für Kinder gefährlich."),
    (BIKE, "Ein überdachter, abschließbarer Fahrradabstellplatz am Rathaus wäre ein großer Gewinn."),
    (BIKE, "Auf dem Pflaster fährt man sehr unruhig, ein glatter Streifen für Räder würde helfen."),
    (BIKE, "Lastenräder zum Ausleihen, dann lasse ich das Auto auch beim Großeinkauf stehen."),
    (CAR, "Ohne Parkplätze in der Nähe kommen die Leute aus den Dörfern nicht mehr zum Einkaufen."),
    (CAR, "Die Parkgebühren sind zu hoch, deshalb fahre ich oft ins Einkaufszentrum am Stadtrand."),
    (CAR, "Ein Parkhaus am Rand der Altstadt mit kurzem Fußweg zum Markt wäre ein guter Kompromiss."),
    (BUS, "Die Busse fahren abends und am Wochenende viel zu selten."),
    (BUS, "Die Haltestelle sollte näher an den Markt rücken und ein Dach bekommen."),
    (WALK, "Die Gehwege in der Kirchstraße sind so schmal, dass man mit Kinderwagen auf die Straße muss."),
    (OTHER, "Das Kopfsteinpflaster ist mit Rollator und Rollstuhl kaum zu befahren."),
    (OTHER, "Abgesenkte Bordsteine an allen Ecken des Platzes, bitte."),
]

HOUSING_TITLE = "Haushaltsbefragung Wohngebiet Am Lindenberg"
HOUSING_INTRO = (
    "Alle Haushalte rund um den Lindenberg haben mit einem Brief einen Zugangscode erhalten. Mit ihm konnte jeder "
    "Haushalt einmal antworten.\n\n"
    "Die Befragung ist beendet. Vielen Dank für Ihre Antworten! Die Ergebnisse fließen in den Entwurf des "
    "Bebauungsplans ein."
)
HOMES = ["Kleine Wohnungen für ein oder zwei Personen", "Wohnungen für Familien",
         "Barrierefreie Wohnungen für Ältere", "Einfamilien- und Reihenhäuser"]
HOUSING = (
    ("", (
        ("homes", "single", QuestionData(
            "Welche Wohnungen fehlen in Musterstadt am meisten?", required=True,
            settings={"options": HOMES}), None),
        ("playground", "scale", QuestionData(
            "Wie wichtig ist Ihnen ein Spielplatz im neuen Wohngebiet?",
            settings={"points": 5, "low_label": "unwichtig", "high_label": "sehr wichtig"}), None),
        ("parking_edge", "yesno", QuestionData(
            "Sollen Autos am Rand des Wohngebiets parken, damit die Straßen innen ruhig bleiben?"), None),
        ("playground_place", "map_point", QuestionData(
            "Wo sollte der Spielplatz liegen?", help="Markieren Sie eine Stelle auf der Karte.",
            settings={"max_points": 1}), None),
    )),
)
#: Where streets enter the market's map: (side n/e/s/w, how far along it from the west or south).
ENTRIES = [("n", 0.35), ("n", 0.7), ("e", 0.3), ("e", 0.65), ("s", 0.45), ("s", 0.8), ("w", 0.45), ("w", 0.75)]
#: Where the households would put the playground: in the green strip in the middle, at the forest's edge.
PLAYGROUND_SPOTS = [(13.2872, 53.5688, 60), (13.2843, 53.5716, 40)]
HOUSING_CODES, HOUSING_RESPONSES = 90, 60

#: Metres in degrees of latitude; a degree of longitude is shorter by the cosine of the latitude.
DEGREES_PER_METRE = 1 / 111_320


def load_surveys(town, planner) -> None:
    """The demo's two surveys (safe to run again: a survey that exists is kept as it is)."""
    marketplace = _project(town, "Neugestaltung Marktplatz")
    if marketplace is not None and not _exists(marketplace, TRAFFIC_TITLE):
        _traffic_survey(town, planner, marketplace)
    lindenberg = _project(town, "Wohngebiet Am Lindenberg")
    if lindenberg is not None and not _exists(lindenberg, HOUSING_TITLE):
        _housing_survey(town, planner, lindenberg)
    db.session.flush()


def _project(town, title: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.municipality_id == town.id, Project.title == title))


def _exists(project: Project, title: str) -> bool:
    return db.session.scalar(select(Survey.id).where(Survey.project_id == project.id, Survey.title == title)
                             .limit(1)) is not None


# -- building -------------------------------------------------------------------------------------------------

def _build(town, planner, project: Project, title: str, intro: str, access: Access, pages) -> tuple[Survey, dict]:
    """The survey with `pages` (see TRAFFIC), the project's map layers on its map; its questions by name."""
    survey = builder.create_survey(town, project, builder.SurveyData(
        title=title, intro=intro, access=access, results_public=True), planner)
    maps.arrange_map(survey.map, town, planner, [(item.layer_id, item.visible) for item in project.map.layers])
    questions = {}
    for number, (page_title, items) in enumerate(pages):
        page = builder.rename_page(survey.pages[0], page_title) if number == 0 else builder.add_page(survey, page_title)
        for name, kind, data, condition in items:
            if condition is not None:
                data = replace(data, condition_question_id=questions[condition[0]].id, condition_value=condition[1])
            questions[name] = builder.add_question(page, kind, data)
    return survey, questions


def _traffic_survey(town, planner, project: Project) -> None:
    survey, questions = _build(town, planner, project, TRAFFIC_TITLE, TRAFFIC_INTRO, Access.OPEN, TRAFFIC)
    builder.set_state(survey, SurveyState.OPEN, planner)
    rng = random.Random(14)  # noqa: S311 - seeded on purpose: the same demo every time
    today = local_today(current_app.config["TIME_ZONE"])
    # Over three weeks: many answers when it opened, another wave when the paper wrote about it (day 10).
    days = _days(rng, 320, today, 21, lambda day: 3 * math.exp(-day / 4) + 1.5 * math.exp(-((day - 10) / 1.5) ** 2)
                 + 0.4)
    drawing = _Drawing(project.area)
    _insert(survey, questions, Access.OPEN, [(day, _traffic_answers(rng, _traffic_person(rng), drawing))
                                            for day in days])


def _housing_survey(town, planner, project: Project) -> None:
    """Closed after its two weeks; of the codes sent, two in three were used."""
    survey, questions = _build(town, planner, project, HOUSING_TITLE, HOUSING_INTRO, Access.CODE, HOUSING)
    builder.set_state(survey, SurveyState.OPEN, planner)
    rng = random.Random(12)  # noqa: S311 - seeded on purpose
    yesterday = local_today(current_app.config["TIME_ZONE"]) - timedelta(days=1)
    days = _days(rng, HOUSING_RESPONSES, yesterday, 14, lambda day: math.exp(-day / 3) + 0.2)
    drawing = _Drawing(project.area)
    _insert(survey, questions, Access.CODE, [(day, _housing_answers(rng, drawing)) for day in days])
    make_codes(survey, HOUSING_CODES)
    used = db.session.scalars(select(AccessCode.id).where(AccessCode.survey_id == survey.id)
                              .order_by(AccessCode.id).limit(HOUSING_RESPONSES)).all()
    db.session.execute(update(AccessCode).where(AccessCode.id.in_(used)).values(used=True))
    builder.set_state(survey, SurveyState.CLOSED, planner)


def _days(rng: random.Random, count: int, last: date, span: int, weight) -> list[date]:
    """`count` days of sending over the `span` days up to `last`, the `weight(day)` of day 0 (the first) …, sorted."""
    offsets = rng.choices(range(span), [weight(day) for day in range(span)], k=count)
    return sorted(last - timedelta(days=span - 1 - offset) for offset in offsets)


def _insert(survey: Survey, questions: dict, channel: Access, responses: list[tuple[date, dict]]) -> None:
    """Write sent responses ((day, {question name: (value, geometry, comment)})) in two statements."""
    # As `responding.send` leaves them: the day sent, no time of day.
    rows = [{"survey_id": survey.id, "state": ResponseState.SENT, "channel": channel, "started_at": None,
             "sent_on": day} for day, _answers in responses]
    ids = db.session.scalars(insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True),
                             rows).all()
    answers = [{"response_id": response_id, "question_id": questions[name].id, "value": value,
                "geometry": geometry, "comment": comment}
               for response_id, (_day, given) in zip(ids, responses)
               for name, (value, geometry, comment) in given.items()]
    db.session.execute(insert(Answer), answers)
    survey.responses_count = len(ids)


# -- the people and their answers ------------------------------------------------------------------------------

@dataclass
class _Person:
    """Someone who answers: indexes into AGE_GROUPS and DISTRICTS, and the key of their usual way into town."""

    age: int
    district: int
    mode: str
    #: How far they live from the market, in kilometres.
    distance: float


def _traffic_person(rng: random.Random) -> _Person:
    age = rng.choices(range(len(AGE_GROUPS)), AGE_WEIGHTS)[0]
    district = rng.choices(range(len(DISTRICTS)), [share for _name, _where, share in DISTRICTS])[0]
    where = DISTRICTS[district][1]
    distance = rng.uniform(6, 18) if where is None else _kilometres(where, DISTRICTS[0][1]) + rng.uniform(0.1, 0.6)
    # By age: walking, cycling, bus, car, other.
    weights = [[3, 5, 4, 1, 0.4], [3, 5, 3, 2, 0.6], [3, 4, 1.5, 4, 0.3], [3, 3, 1.5, 5, 0.3],
               [4, 2, 3, 4, 0.5], [3, 0.3, 4, 2, 2]][age]
    # … and by distance: few walk more than two kilometres, more drive from outside.
    factors = [3 if distance < 1 else 1 if distance < 2 else 0.15 if distance < 4 else 0.01,
               1 if distance < 5 else 0.25, 0.5 if distance < 1 else 1,
               0.3 if distance < 1 else 1 if distance < 4 else 2.5, 1]
    mode = rng.choices([WALK, BIKE, BUS, CAR, OTHER], [w * f for w, f in zip(weights, factors)])[0]
    return _Person(age, district, mode, distance)


def _kilometres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * math.cos(math.radians(b[1]))
    return math.hypot(dx, a[1] - b[1]) * 111.32


def _traffic_answers(rng: random.Random, person: _Person, drawing: "_Drawing") -> dict:
    """{question name: (value, geometry, comment)}: only questions shown to this person."""
    chance = rng.random
    answers: dict[str, tuple] = {}

    def put(name: str, value, geometry: BaseGeometry | None = None, comment: str = "") -> None:
        answers[name] = (value, geometry, comment)

    mode = person.mode
    comments = MODE_COMMENTS[mode]
    put("mode", mode, comment=rng.choice(comments) if chance() < (0.6 if mode == OTHER else 0.06) else "")
    if chance() < 0.95:
        purposes = _sample(rng, PURPOSE_WEIGHTS[person.age], rng.choices([1, 2, 3], [35, 40, 25])[0])
        put("purposes", [str(key + 1) for key in sorted(purposes)])
    # Minutes for one way: per kilometre and a fixed part (waiting, parking), rounded as people do.
    per_km, fixed = {WALK: (12, 1), BIKE: (4, 1), BUS: (3, 8), CAR: (2, 4), OTHER: (8, 2)}[mode]
    minutes = max(1, min(120, round(person.distance * per_km + fixed + rng.gauss(0, 2))))
    put("minutes", 5 * max(1, round(minutes / 5)) if minutes > 7 and chance() < 0.6 else minutes)
    if mode == CAR and chance() < 0.85:
        put("parking_search", max(0, min(60, round(rng.gauss(7, 5)))))
    if mode == BIKE and chance() < 0.8:
        points = drawing.points(rng, BIKE_SPOTS, rng.choices([1, 2, 3], [70, 22, 8])[0])
        if points is not None:
            put("bike_parking", *points)

    if chance() < 0.93:
        mean = {WALK: 3.8, BIKE: 2.6, BUS: 3.0, CAR: 2.7, OTHER: 2.2}[mode] - (0.6 if person.age == 5 else 0)
        reach = max(1, min(5, round(rng.gauss(mean, 0.9))))
        put("reach", reach, comment=rng.choice(REACH_COMMENTS[mode]) if chance() < (0.25 if reach <= 2 else 0.05)
            else "")
    if chance() < 0.9:
        means = [2.7, 1.5 if mode == BIKE else 1.9, 2.0, 2.3, 1.6 if person.age >= 4 or mode == OTHER else 2.1]
        rating = {str(row + 1): str(max(1, min(4, round(rng.gauss(mean, 0.8)))))
                  for row, mean in enumerate(means) if chance() < 0.93}
        if rating:
            put("rating", rating)
    if chance() < 0.55:
        way = drawing.way(rng, DISTRICTS[person.district][1])
        if way is not None:
            put("route", *way)
    if chance() < (0.45 if mode in (BIKE, WALK, OTHER) else 0.25):
        patch = drawing.patch(rng, UNSAFE_SPOTS)
        if patch is not None:
            put("unsafe", *patch, comment=rng.choice(UNSAFE_COMMENTS) if chance() < 0.5 else "")

    if chance() < 0.85:
        # The higher the score, the earlier in the list: each mode of travel favours its own needs.
        bonus = {WALK: [1.2, 0, -0.8, 0.6, 0], BIKE: [0.3, 1.8, -1.2, 0.4, 0], BUS: [0.3, 0, -0.5, 0.3, 1.6],
                 CAR: [-0.3, -0.6, 2.0, 0.2, 0], OTHER: [1.5, -0.3, 0.3, 0.3, 0.6]}[mode]
        scores = [b + base + rng.gauss(0, 0.9) for b, base in zip(bonus, [0.6, 0.3, 0.0, 0.7, 0.2])]
        order = sorted(range(len(PRIORITIES)), key=lambda key: -scores[key])
        put("priorities", [str(key + 1) for key in order[:3 if chance() < 0.3 else len(order)]])
    if chance() < 0.92:
        likely = {WALK: 0.75, BIKE: 0.8, BUS: 0.65, CAR: 0.25, OTHER: 0.55}[mode] + (0.05 if 1 <= person.age <= 2
                                                                                    else 0)
        said = "yes" if chance() < likely else "no"
        put("car_free", said, comment=rng.choice(CAR_FREE_COMMENTS[said]) if chance() < 0.15 else "")
    if chance() < 0.22:
        fitting = [text for fits, text in WISHES if fits in (None, mode)]
        put("wishes", rng.choice(fitting))

    if chance() < 0.72:  # the voluntary page: most say something about themselves, not always everything
        if chance() < 0.95:
            put("age", str(person.age + 1))
        if chance() < 0.92:
            put("district", str(person.district + 1))
        if chance() < 0.85:
            children = [0.35, 0.2, 0.6, 0.3, 0.05, 0.02][person.age]
            put("children", "yes" if chance() < children else "no")
    return answers


def _housing_answers(rng: random.Random, drawing: "_Drawing") -> dict:
    homes = rng.choices(["1", "2", "3", "4"], [30, 35, 20, 15])[0]
    family = homes in ("2", "4")
    answers = {"homes": (homes, None, "")}
    if rng.random() < 0.95:
        mean = 4.2 if family else 3.0
        answers["playground"] = (max(1, min(5, round(rng.gauss(mean, 0.9)))), None, "")
    if rng.random() < 0.9:
        answers["parking_edge"] = ("yes" if rng.random() < (0.7 if family else 0.55) else "no", None, "")
    if rng.random() < 0.6:
        place = drawing.points(rng, PLAYGROUND_SPOTS, 1, spread=35)
        if place is not None:
            answers["playground_place"] = (*place, "")
    return answers


def _sample(rng: random.Random, weights: list[float], count: int) -> list[int]:
    """`count` different indexes of `weights`, each drawn by its weight."""
    left = {index: weight for index, weight in enumerate(weights) if weight > 0}
    chosen = []
    while left and len(chosen) < count:
        index = rng.choices(list(left), list(left.values()))[0]
        chosen.append(index)
        del left[index]
    return chosen


# -- drawing on the map ----------------------------------------------------------------------------------------

class _Drawing:
    """Places, ways and areas as people would draw them inside `area` (lon/lat), with their measures.

    Each returns (measure, geometry) as a map question stores it, or None for the rare drawing that came out
    of the area (the person then leaves the question out).
    """

    def __init__(self, area: BaseGeometry) -> None:
        self.area = area
        self.west, self.south, self.east, self.north = area.bounds
        self.centre = area.centroid
        self.metre_x = DEGREES_PER_METRE / math.cos(math.radians(self.centre.y))
        self.metre_y = DEGREES_PER_METRE

    def points(self, rng: random.Random, spots, count: int, spread: float = 18) -> tuple[float, BaseGeometry] | None:
        """`count` places, each near one of `spots` ((lon, lat, weight)); `spread` metres apart on average."""
        places = []
        for lon, lat, _weight in rng.choices(spots, [weight for *_lonlat, weight in spots], k=count):
            places.append(self._near(rng, lon, lat, spread))
        return self._drawn("points", places)

    def way(self, rng: random.Random, home: tuple[float, float] | None) -> tuple[float, BaseGeometry] | None:
        """From where a street enters the area on the side of `home` (any, when None or in the middle) to the
        market: mostly along that street and then the cross street, sometimes straight across."""
        x, y = self.centre.x, self.centre.y
        entries = [(side, self._clamped((self.west + share * (self.east - self.west) if side in "ns" else
                                         self.east if side == "e" else self.west,
                                         self.south + share * (self.north - self.south) if side in "ew" else
                                         self.north if side == "n" else self.south)))
                   for side, share in ENTRIES]
        far = home is not None and math.hypot((home[0] - x) / self.metre_x, (home[1] - y) / self.metre_y) > 150
        toward = math.atan2((home[1] - y) / self.metre_y, (home[0] - x) / self.metre_x) if far else 0.0
        weights = [math.exp(4 * math.cos(toward - math.atan2((ey - y) / self.metre_y, (ex - x) / self.metre_x)))
                   if far else 1.0 for _side, (ex, ey) in entries]
        side, entry = rng.choices(entries, weights)[0]
        start = self._clamped(self._near(rng, *entry, 6))
        end = self._near(rng, x, y, 15)
        if rng.random() < 0.7:
            corner = (start[0], end[1]) if side in "ns" else (end[0], start[1])
            middle = self._near(rng, *corner, 6)
        else:
            middle = self._near(rng, (start[0] + end[0]) / 2, (start[1] + end[1]) / 2, 15)
        return self._drawn("line", [start, middle, end])

    def patch(self, rng: random.Random, spots) -> tuple[float, BaseGeometry] | None:
        """A small area (20–45 m across) around one of `spots`: corners at rising angles, so that it is simple."""
        lon, lat, _weight = rng.choices(spots, [weight for *_lonlat, weight in spots])[0]
        x, y = self._near(rng, lon, lat, 12)
        corners = rng.randint(4, 6)
        angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(corners))
        radius = rng.uniform(10, 22)
        ring = [(x + math.cos(a) * radius * rng.uniform(0.7, 1.3) * self.metre_x,
                 y + math.sin(a) * radius * rng.uniform(0.7, 1.3) * self.metre_y) for a in angles]
        return self._drawn("area", ring)

    def _near(self, rng: random.Random, lon: float, lat: float, metres: float) -> tuple[float, float]:
        return lon + rng.gauss(0, metres) * self.metre_x, lat + rng.gauss(0, metres) * self.metre_y

    def _clamped(self, point: tuple[float, float], metres: float = 10) -> tuple[float, float]:
        """`point` moved inside the area's bounding box, `metres` from its edge."""
        x_margin, y_margin = metres * self.metre_x, metres * self.metre_y
        return (min(max(point[0], self.west + x_margin), self.east - x_margin),
                min(max(point[1], self.south + y_margin), self.north - y_margin))

    def _drawn(self, shape: str, points: list[tuple[float, float]]) -> tuple[float, BaseGeometry] | None:
        points = [(round(x, 7), round(y, 7)) for x, y in points]
        try:
            geometry = drawn_geometry(shape, points)
        except GeoInputError:  # the form would refuse it: the person leaves the question out
            return None
        if not self.area.contains(geometry):
            return None
        return round(measure(geometry), 1), geometry
