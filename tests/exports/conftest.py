"""Comments with everything an export writes: formal and not, answered, weighed, entered on someone's behalf."""
from __future__ import annotations

import pytest

from participation.comments.models import Channel, Comment, CommentState, Decision, OfficialAnswer, Visibility
from participation.exports import services
from participation.exports.models import Export, ExportFormat
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.projects.models import Project
from participation.statutes.models import Statute
from tests.conftest import INSIDE, persist
from tests.weighing.conftest import statute_comment  # noqa: F401 - fixture

RESIDENT_EMAIL = "anna.beispiel@example.org"
SENDER_NAME = "Bernd Briefschreiber"
SENDER_EMAIL = "bernd@example.org"


@pytest.fixture
def filled_project(app, town, planner, create_project, create_user, create_comment):
    """A project with an answered comment with a reply, a letter entered on someone's behalf, a hidden
    comment and one without a place. Returns (project, {name: comment id})."""
    project = create_project(town=town)
    resident = create_user(email=RESIDENT_EMAIL)
    first = create_comment(project, resident, text="=HYPERLINK(\"http://evil.example\";\"Klick\")")
    second = create_comment(project, resident, text="Mehr Bäume am Markt", location=None)
    reply = create_comment(project, create_user(), text="Sehe ich auch so", parent=first)
    with app.app_context():
        answer = OfficialAnswer(text="Wir prüfen das.", author_id=planner.id)
        db.session.add(answer)
        db.session.flush()
        row = db.session.get(Comment, first.id)
        row.answer_id, row.state = answer.id, CommentState.ANSWERED
        db.session.get(Comment, second.id).visibility = Visibility.HIDDEN
        db.session.get(Comment, second.id).hidden_reason = "Beleidigung"
        db.session.commit()
    letter = Comment(project_id=project.id, text="Per Brief: die Ampel ist zu kurz grün.", channel=Channel.LETTER,
                     sender_name=SENDER_NAME, sender_email=SENDER_EMAIL, entered_by_id=planner.id,
                     category_id=project.categories[1].id)
    letter.set_location(INSIDE)
    letter = persist(app, letter)
    return project, {"first": first.id, "second": second.id, "reply": reply.id, "letter": letter.id,
                     "resident": resident.id}


@pytest.fixture
def statute_with_text(create_statute, town):
    return create_statute(town=town, sections=[
        ("§ 1", "Art der Nutzung", [("(1)", "Allgemeines Wohngebiet.", []), ("(2)", "Ausnahmen.", [])]),
        ("§ 2", "Maß der Nutzung", ["GRZ 0,4."]),
    ])


@pytest.fixture
def weighed_statute(app, statute_with_text, statute_comment, create_user):
    """The statute with a statement on each paragraph but § 1 (2)'s informal comment, one on the whole
    plan, received on different days, the earliest weighed. Returns (statute, {name: comment})."""
    statute = statute_with_text
    anchors = [p.anchor for s in statute.sections for p in s.paragraphs]
    made = {
        "late": statute_comment(statute, create_user(), text="On § 2", anchor=anchors[2], days_ago=1),
        "early": statute_comment(statute, create_user(), text="On § 1 (1)", anchor=anchors[0], days_ago=5),
        "loose": statute_comment(statute, create_user(), text="On the whole plan", days_ago=3),
        "middle": statute_comment(statute, create_user(), text="On § 1 (2)", anchor=anchors[1], days_ago=2,
                                  formal=False),
    }
    weigh(app, made["early"].id, Decision.PARTLY_ACCEPTED, "Die Traufhöhe sinkt.")
    return statute, made


@pytest.fixture
def write(app, tmp_path):
    """Write an export of `subject` (or the whole town) straight to a file, as the job does; returns the path."""
    def make(town, fmt: ExportFormat, subject=None, **options):
        with app.app_context():
            found = db.session.merge(subject) if subject is not None else None
            export = Export(municipality=db.session.get(Municipality, town.id), format=fmt,
                            project=found if isinstance(found, Project) else None,
                            statute=found if isinstance(found, Statute) else None,
                            **{"crs": 4326, "grouping": "thema", **options})
            path = tmp_path / f"{fmt.value}-{len(list(tmp_path.iterdir()))}.{services.EXTENSIONS[fmt]}"
            services.write_file(export, path)
            db.session.rollback()
            return path
    return make


def weigh(app, comment_id: int, decision: Decision, reasoning: str = "") -> None:
    with app.app_context():
        row = db.session.get(Comment, comment_id)
        row.decision, row.decision_reasoning = decision, reasoning
        db.session.commit()
