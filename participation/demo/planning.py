"""The planners' side of the demo: comments waiting for approval, reports, hidden and duplicate comments,
the town's answers, input that came by letter and at a workshop, and a weighing in progress."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from shapely.geometry import Point
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.comments.models import (
    Channel, Comment, CommentState, Decision, ModerationAction, OfficialAnswer, Report, Visibility,
)
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.moderation import audit
from participation.projects.models import Project
from participation.projects.permissions import local_today
from participation.statutes.models import Statute
from participation.statutes.receipts import next_receipt_number, reference_prefix

WAITING = [
    "Der Radweg sollte an der Brücke breiter werden, dort wird es eng.",
    "Bitte an der Einmündung Seestraße eine Ampel vorsehen.",
]
LETTER = ("Sehr geehrte Damen und Herren, als Anwohnerin der Uferstraße bitte ich darum, die Zufahrt zu "
          "unseren Garagen während der Bauzeit offen zu halten.")
WORKSHOP = "Beim Workshop im Rathaus: mehr Fahrradstellplätze am Bahnhof, überdacht."
ANSWER = ("Danke für die Hinweise zur Beleuchtung. Die Stadt prüft mit den Stadtwerken zusätzliche Leuchten am "
          "Marktplatz; das Ergebnis stellen wir im Frühjahr vor.")
STATEMENTS = [
    ("Die geplante Traufhöhe im WA 2 passt nicht zur Nachbarbebauung am Mühlenteich.", Decision.PARTLY_ACCEPTED,
     "Die Traufhöhe im WA 2 wird auf 7,5 m begrenzt; eine weitere Absenkung ist wegen der Zahl der Wohnungen nicht "
     "möglich."),
    ("Der Grünzug am Teich muss als öffentliche Grünfläche gesichert werden.", Decision.ACCEPTED,
     "Der Grünzug wird als öffentliche Grünfläche festgesetzt."),
]


def load_planning(town, planner) -> None:
    """Safe to run again: does nothing once the demo's letter is there."""
    marketplace = _project(town, "Neugestaltung Marktplatz")
    cycle_path = _project(town, "Radweg entlang der Tollense")
    plan = db.session.scalar(select(Statute).where(Statute.municipality_id == town.id, Statute.number == "12"))
    if marketplace is None or cycle_path is None or plan is None:
        return
    if db.session.scalar(select(func.count(Comment.id)).where(Comment.channel == Channel.LETTER,
                                                              Comment.project_id == cycle_path.id)):
        return
    residents = list(db.session.scalars(select(User).where(User.email.like("person%@demo.invalid"))
                                        .order_by(User.id).limit(6)))
    _moderation(town, planner, marketplace, cycle_path, residents)
    _answers(planner, marketplace)
    _on_behalf(planner, cycle_path)
    _statements(planner, plan, residents)
    db.session.flush()


def _project(town, title: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.municipality_id == town.id, Project.title == title))


def _top_level(project: Project, limit: int) -> list[Comment]:
    return list(db.session.scalars(select(Comment).where(
        Comment.project_id == project.id, Comment.parent_id.is_(None), Comment.channel == Channel.ONLINE)
        .order_by(Comment.id).limit(limit)))


def _moderation(town, planner, marketplace: Project, cycle_path: Project, residents: list[User]) -> None:
    """The cycle path is pre-moderated with two comments waiting; on the market square two comments are
    reported, one was hidden with a reason and one marked as the same as another."""
    cycle_path.pre_moderation = True
    area = cycle_path.area.representative_point()
    for number, text in enumerate(WAITING):
        comment = Comment(project=cycle_path, author_id=residents[number].id, text=text,
                          visibility=Visibility.PENDING, category_id=cycle_path.categories[0].id)
        comment.set_location(Point(area.x + 0.001 * number, area.y))
        db.session.add(comment)
    first, second, third, fourth = _top_level(marketplace, 4)
    for reporter in residents[2:4]:
        if reporter.id != first.author_id:
            db.session.add(Report(comment_id=first.id, user_id=reporter.id, reason="Bitte prüfen, ob das sachlich ist."))
    third.visibility, third.hidden_reason = Visibility.HIDDEN, "Beleidigender Inhalt"
    db.session.flush()
    audit.record(town.id, planner, ModerationAction.HIDDEN, third.hidden_reason, comment=third)
    fourth.duplicate_of_id = second.id
    audit.record(town.id, planner, ModerationAction.DUPLICATE, f"Gleiches Anliegen wie Nr. {second.id}",
                 comment=fourth)


def _answers(planner, marketplace: Project) -> None:
    """One answer of the town for two comments about the lighting (or the first two if none is)."""
    comments = _top_level(marketplace, 40)
    lighting = [c for c in comments if "Beleuchtung" in c.text and c.visibility is Visibility.PUBLISHED][:2]
    answer = OfficialAnswer(text=ANSWER, author_id=planner.id)
    for comment in lighting or comments[4:6]:
        comment.answer = answer
        comment.state = CommentState.ANSWERED
    for comment in [c for c in comments if c.answer is None][6:9]:
        comment.state = CommentState.IN_REVIEW


def _on_behalf(planner, cycle_path: Project) -> None:
    today = local_today(current_app.config["TIME_ZONE"])
    centre = cycle_path.area.representative_point()
    letter = Comment(project=cycle_path, text=LETTER, channel=Channel.LETTER, received_on=today - timedelta(days=3),
                     entered_by_id=planner.id, sender_name="Erika Beispiel", category_id=cycle_path.categories[0].id)
    letter.set_location(Point(centre.x - 0.002, centre.y + 0.001))
    workshop = Comment(project=cycle_path, text=WORKSHOP, channel=Channel.WORKSHOP,
                       received_on=today - timedelta(days=6), entered_by_id=planner.id,
                       category_id=cycle_path.categories[0].id)
    db.session.add_all([letter, workshop])


def _statements(planner, plan: Statute, residents: list[User]) -> None:
    """Two formal statements on the displayed plan, one by letter, both weighed (the result not yet published)."""
    received = utcnow() - timedelta(days=2)
    for number, (text, decision, reasoning) in enumerate(STATEMENTS):
        comment = Comment(statute=plan, text=text, created_at=received + timedelta(hours=number),
                          decision=decision, decision_reasoning=reasoning, decided_at=utcnow(),
                          decided_by_id=planner.id, state=CommentState.IN_REVIEW)
        if number == 0:
            comment.author_id = residents[4].id
        else:
            comment.channel, comment.received_on = Channel.LETTER, received.date()
            comment.entered_by_id, comment.sender_name = planner.id, "Naturschutzverein Musterstadt e. V."
        comment.reference = f"{reference_prefix(plan)}-{received.year}-{next_receipt_number(plan):04d}"
        db.session.add(comment)
        db.session.flush()
