"""Who gets what: every page and action, for every role, as one table.

Each cell is its own test. POSTs carry a valid CSRF token and a valid body,
so a refusal can only come from the permission check.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.layers.uploads.models import LayerUpload, UploadStatus
from participation.projects.models import Project
from participation.surveys import builder
from participation.surveys.responding import make_codes
from participation.surveys.models import SurveyState
from tests.conftest import INSIDE, csrf_token, town_today

ROLES = ["anonymous", "resident", "planner", "other_planner", "gis", "admin"]
#: 302 to the login page (Flask-Login's answer to anonymous visitors).
LOGIN = "login"
OK, FOUND, FORBIDDEN, MISSING, CREATED, UNAUTHORISED = 200, 302, 403, 404, 201, 401


def row(*statuses):
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses))


ALL_OK = row(OK, OK, OK, OK, OK, OK)
PLANNERS_ONLY = row(LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK)
PLANNERS_ACT = row(LOGIN, FORBIDDEN, FOUND, FORBIDDEN, FORBIDDEN, FOUND)
DRAFT_VIEW = row(MISSING, MISSING, OK, MISSING, MISSING, OK)
ANY_ACCOUNT_ACTS = row(LOGIN, FOUND, FOUND, FOUND, FOUND, FOUND)
AUTHOR_ONLY = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
#: The town's GIS team and planners (and admins) manage its layers.
GIS_ONLY = row(LOGIN, FORBIDDEN, OK, FORBIDDEN, OK, OK)
GIS_ACT = row(LOGIN, FORBIDDEN, FOUND, FORBIDDEN, FOUND, FOUND)

# (name, method, url, body kind, expected status per role)
TABLE = [
    ("start page", "GET", "/", None, ALL_OK),
    ("imprint", "GET", "/impressum", None, ALL_OK),
    ("privacy", "GET", "/datenschutz", None, ALL_OK),
    ("accessibility", "GET", "/barrierefreiheit", None, ALL_OK),
    ("healthz", "GET", "/healthz", None, ALL_OK),
    ("register", "GET", "/konto/registrieren", None, ALL_OK),
    ("login page", "GET", "/konto/anmelden", None, row(OK, FOUND, FOUND, FOUND, FOUND, FOUND)),
    ("town page", "GET", "/{slug}/", None, ALL_OK),
    ("unknown town", "GET", "/nirgendwo/", None, row(*[MISSING] * 6)),
    ("town logo (none)", "GET", "/{slug}/logo", None, row(*[MISSING] * 6)),
    ("project page", "GET", "/{slug}/projekte/{project}", None, ALL_OK),
    ("draft page", "GET", "/{slug}/projekte/{draft}", None, DRAFT_VIEW),
    ("project under other town", "GET", "/{other}/projekte/{project}", None, row(*[MISSING] * 6)),
    ("new project form", "GET", "/{slug}/projekte/neu", None, PLANNERS_ONLY),
    ("edit project form", "GET", "/{slug}/projekte/{project}/bearbeiten", None, PLANNERS_ONLY),
    ("edit draft form", "GET", "/{slug}/projekte/{draft}/bearbeiten", None, PLANNERS_ONLY),
    ("moderation", "GET", "/{slug}/moderation", None, PLANNERS_ONLY),
    ("api projects", "GET", "/api/v1/projects", None, ALL_OK),
    ("api project", "GET", "/api/v1/projects/{project}", None, ALL_OK),
    ("api draft", "GET", "/api/v1/projects/{draft}", None, DRAFT_VIEW),
    ("api pins", "GET", "/api/v1/projects/{project}/comments?bbox=13,53,14,54", None, ALL_OK),
    ("api comment", "GET", "/api/v1/comments/{comment}", None, ALL_OK),
    ("create project", "POST", "/{slug}/projekte/neu", "project", PLANNERS_ACT),
    ("edit project", "POST", "/{slug}/projekte/{project}/bearbeiten", "project", PLANNERS_ACT),
    ("comment", "POST", "/{slug}/projekte/{project}/kommentare", "comment", ANY_ACCOUNT_ACTS),
    ("comment on draft", "POST", "/{slug}/projekte/{draft}/kommentare", "comment",
     row(LOGIN, MISSING, FORBIDDEN, MISSING, MISSING, FORBIDDEN)),
    ("comment on closed", "POST", "/{slug}/projekte/{closed}/kommentare", "comment",
     row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("reply", "POST", "/{slug}/kommentare/{comment}/antworten", "reply", ANY_ACCOUNT_ACTS),
    ("support", "POST", "/{slug}/kommentare/{comment}/unterstuetzen", "none", ANY_ACCOUNT_ACTS),
    ("report", "POST", "/{slug}/kommentare/{comment}/melden", "report", ANY_ACCOUNT_ACTS),
    # Someone else's comment: only its author edits or deletes it — not moderators, not admins.
    ("edit comment form", "GET", "/{slug}/kommentare/{comment}/bearbeiten", None, AUTHOR_ONLY),
    ("edit comment", "POST", "/{slug}/kommentare/{comment}/bearbeiten", "reply", AUTHOR_ONLY),
    ("delete comment", "POST", "/{slug}/kommentare/{comment}/loeschen", "none", AUTHOR_ONLY),
    ("moderate comment", "GET", "/{slug}/moderation/kommentare/{comment}", None, PLANNERS_ONLY),
    ("approve", "POST", "/{slug}/moderation/kommentare/{comment}/freigeben", "none", PLANNERS_ACT),
    ("keep", "POST", "/{slug}/moderation/kommentare/{comment}/behalten", "none", PLANNERS_ACT),
    # The town's permission is checked before the comment is looked for.
    ("keep under other town", "POST", "/{other}/moderation/kommentare/{comment}/behalten", "none",
     row(LOGIN, FORBIDDEN, FORBIDDEN, MISSING, FORBIDDEN, MISSING)),
    ("answer", "GET", "/{slug}/kommentare/{comment}/antwort", None, PLANNERS_ONLY),
    ("weighing", "GET", "/{slug}/projekte/{project}/abwaegung", None, PLANNERS_ONLY),
    ("enter input", "GET", "/{slug}/projekte/{project}/eingabe-erfassen", None, PLANNERS_ONLY),
    ("likely duplicates", "GET", "/{slug}/projekte/{project}/aehnliche-eingaben", None, PLANNERS_ONLY),
    ("exports", "GET", "/{slug}/exporte", None, PLANNERS_ONLY),
    ("ogc api collections", "GET", "/{slug}/ogc/collections", None, ALL_OK),
    ("exports of another town", "GET", "/{other}/exporte", None, row(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK)),
    ("logout", "POST", "/konto/abmelden", "none", ANY_ACCOUNT_ACTS),
    ("language", "POST", "/language", "language", row(*[FOUND] * 6)),
    ("api comment create", "POST", "/api/v1/projects/{project}/comments", "api",
     row(UNAUTHORISED, CREATED, CREATED, CREATED, CREATED, CREATED)),
    ("api comment on draft", "POST", "/api/v1/projects/{draft}/comments", "api",
     row(MISSING, MISSING, FORBIDDEN, MISSING, MISSING, FORBIDDEN)),
    ("api layer features", "GET", "/api/v1/layers/{layer}/features", None, ALL_OK),
    ("layers", "GET", "/{slug}/gis/ebenen", None, GIS_ONLY),
    ("upload form", "GET", "/{slug}/gis/ebenen/hochladen", None, GIS_ONLY),
    ("layer page", "GET", "/{slug}/gis/ebenen/{layer}", None, GIS_ONLY),
    ("layer under other town", "GET", "/{other}/gis/ebenen/{layer}", None,
     row(LOGIN, FORBIDDEN, FORBIDDEN, MISSING, FORBIDDEN, MISSING)),
    ("layer edit form", "GET", "/{slug}/gis/ebenen/{layer}/bearbeiten", None, GIS_ONLY),
    ("layer style form", "GET", "/{slug}/gis/ebenen/{layer}/darstellung", None, GIS_ONLY),
    ("layer version preview", "GET", "/{slug}/gis/ebenen/{layer}/versionen/1/vorschau", None, GIS_ONLY),
    ("upload status", "GET", "/{slug}/gis/hochladen/{upload}", None, GIS_ONLY),
    ("project map layers", "GET", "/{slug}/projekte/{project}/karte", None, GIS_ONLY),
    ("edit layer", "POST", "/{slug}/gis/ebenen/{layer}/bearbeiten", "layer", GIS_ACT),
    ("publish layer version", "POST", "/{slug}/gis/ebenen/{layer}/versionen/1/veroeffentlichen", "none", GIS_ACT),
    ("delete layer", "POST", "/{slug}/gis/ebenen/{layer}/loeschen", "none", GIS_ACT),
    ("discard upload", "POST", "/{slug}/gis/hochladen/{upload}/verwerfen", "none", GIS_ACT),
    ("arrange project map", "POST", "/{slug}/projekte/{project}/karte", "project_map", GIS_ACT),
    ("survey page", "GET", "/{slug}/umfragen/{survey}", None, ALL_OK),
    ("draft survey page", "GET", "/{slug}/umfragen/{draft_survey}", None, DRAFT_VIEW),
    ("survey under other town", "GET", "/{other}/umfragen/{survey}", None, row(*[MISSING] * 6)),
    ("survey preview", "GET", "/{slug}/umfragen/{survey}/vorschau/1", None, DRAFT_VIEW),
    ("new survey form", "GET", "/{slug}/projekte/{project}/umfragen/neu", None, PLANNERS_ONLY),
    ("survey builder", "GET", "/{slug}/umfragen/{survey}/bearbeiten", None, PLANNERS_ONLY),
    ("survey question form", "GET", "/{slug}/umfragen/{survey}/fragen/{question}", None, PLANNERS_ONLY),
    ("survey map layers", "GET", "/{slug}/umfragen/{survey}/karte", None, GIS_ONLY),
    # Open and not public: the planners see the results, the others are told why they do not.
    ("survey results", "GET", "/{slug}/umfragen/{survey}/ergebnisse", None,
     row(FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK)),
    ("survey access codes", "GET", "/{slug}/umfragen/{survey}/zugangscodes", None, PLANNERS_ONLY),
    ("begin survey", "POST", "/{slug}/umfragen/{survey}/beginnen", "none", ANY_ACCOUNT_ACTS),
    ("close survey", "POST", "/{slug}/umfragen/{survey}/status", "close", PLANNERS_ACT),
    ("new survey version", "POST", "/{slug}/umfragen/{survey}/neue-version", "none", PLANNERS_ACT),
    ("make access codes", "POST", "/{slug}/umfragen/{survey}/zugangscodes", "codes", PLANNERS_ACT),
    ("access codes as CSV", "GET", "/{slug}/umfragen/{survey}/zugangscodes/1.csv", None, PLANNERS_ONLY),
    ("make the code sheet", "POST", "/{slug}/umfragen/{survey}/zugangscodes/1/bogen", "none", PLANNERS_ACT),
    ("export survey responses", "POST", "/{slug}/umfragen/{survey}/export", "survey_export", PLANNERS_ACT),
]

CELLS = [(entry, role) for entry in TABLE for role in ROLES]


def _layer_with_upload(app, town) -> tuple[int, int]:
    with app.app_context():
        layer = Layer(municipality_id=town.id, name="Parzellen")
        db.session.add(layer)
        db.session.flush()
        version = LayerVersion(layer_id=layer.id, number=1, original_filename="p.geojson")
        db.session.add(version)
        db.session.flush()
        db.session.add(LayerFeature(version_id=version.id, geometry=INSIDE.buffer(0.001), properties={}))
        layer.current_version_id = version.id
        upload = LayerUpload(municipality_id=town.id, stored_name="gone.zip", original_filename="p.zip",
                             name="Parzellen", status=UploadStatus.FAILED, message="The file is empty.")
        db.session.add(upload)
        db.session.commit()
        return layer.id, upload.id


@pytest.fixture
def world(app, create_town, create_project, create_user, create_comment):
    town, other = create_town(slug="stadt"), create_town(slug="anderswo")
    yesterday = town_today() - timedelta(days=1)
    project = create_project(town=town)
    ids = {
        "slug": town.slug,
        "other": other.slug,
        "project": project.id,
        "draft": create_project(town=town, phase="draft").id,
        "closed": create_project(town=town, start=yesterday - timedelta(days=9), end=yesterday).id,
        "comment": create_comment(project, create_user()).id,
        "category": project.categories[0].id,
    }
    ids["layer"], ids["upload"] = _layer_with_upload(app, town)
    ids["survey"], ids["question"], ids["draft_survey"] = _surveys(app, project.id)
    return town, other, ids


def _surveys(app, project_id: int) -> tuple[int, int, int]:
    """An open survey (answered with an account) and a draft one on the project."""
    with app.app_context():
        project = db.session.get(Project, project_id)
        ids = []
        for state in (SurveyState.OPEN, SurveyState.DRAFT):
            survey = builder.create_survey(project.municipality, project, builder.SurveyData(title="Ways"), None)
            question = builder.add_question(survey.pages[0], "yesno", builder.QuestionData(text="Bike?"))
            survey.state = state
            ids += [survey.id, question.id]
            if state is SurveyState.OPEN:
                make_codes(survey, 2)
        db.session.commit()
        return ids[0], ids[1], ids[2]


def user_for(role, town, other, create_user):
    if role == "anonymous":
        return None
    towns = {"planner": [town], "other_planner": [other], "gis": [town]}.get(role, [])
    kind = {"other_planner": Role.PLANNER}.get(role, role)
    return create_user(role=Role(kind), towns=towns)


def body_for(kind: str, ids: dict) -> dict:
    if kind == "project":
        return {"title": "Plan", "phase": "information", "categories-0-name": "Traffic",
                "area_geojson": '{"type": "Polygon", "coordinates": [[[13.25, 53.55], [13.26, 53.55], [13.26, 53.554], [13.25, 53.55]]]}'}
    if kind == "comment":
        return {"text": "Here", "category": ids["category"], "lon": INSIDE.x, "lat": INSIDE.y}
    if kind == "api":
        return {"text": "Here", "category_id": ids["category"], "location": {"type": "Point", "coordinates": [INSIDE.x, INSIDE.y]}}
    if kind == "project_map":
        return {"add": str(ids["layer"])}
    if kind == "close":
        return {"state": "closed"}
    if kind == "codes":
        return {"count": "5"}
    if kind == "survey_export":
        return {"format": "csv"}
    return {"layer": {"name": "Parcels"}, "reply": {"text": "Agreed"}, "report": {"reason": "Rude"}, "language": {"lang": "en"}}.get(kind, {})


@pytest.mark.parametrize(
    "entry, role", CELLS, ids=[f"{entry[1]} {entry[0]} as {role}" for entry, role in CELLS]
)
def test_route_answers_role(client, world, create_user, login, entry, role):
    name, method, template, kind, expected = entry
    town, other, ids = world
    user = user_for(role, town, other, create_user)
    if user is not None:
        login(user)
    url = template.format(**ids)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/")
        body = body_for(kind, ids)
        if kind == "api":
            response = client.post(url, json=body, headers={"X-CSRFToken": token})
        else:
            response = client.post(url, data={**body, "csrf_token": token})
    want = expected[role]
    location = response.headers.get("Location", "")
    if want == LOGIN:
        assert response.status_code == 302 and location.startswith("/konto/anmelden"), (response.status_code, location)
    else:
        assert response.status_code == want, response.get_data(as_text=True)[:300]
        if want == FOUND:
            assert not location.startswith("/konto/anmelden"), location
