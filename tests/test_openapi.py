"""/api/v1/openapi.json describes the API as it behaves: every route, every status, every body."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from participation.comments.models import Comment, Visibility
from participation.extensions import db
from participation.projects.models import Project
from tests.conftest import INSIDE, OUTSIDE, csrf_token, town_today

PREFIX = "/api/v1"
DOC_URI = "urn:beteiligungspool:openapi"
METHODS = {"get", "post", "put", "patch", "delete"}
#: Every operation the API has; the document must list exactly these.
OPERATIONS = [
    ("/openapi.json", "get"),
    ("/projects", "get"),
    ("/projects/{project_id}", "get"),
    ("/projects/{project_id}/comments", "get"),
    ("/projects/{project_id}/comments", "post"),
    ("/statutes/{statute_id}/comments", "get"),
    ("/projects/{project_id}/comments/tiles/{z}/{x}/{y}.json", "get"),
    ("/statutes/{statute_id}/comments/tiles/{z}/{x}/{y}.json", "get"),
    ("/projects/{project_id}/comments/version", "get"),
    ("/statutes/{statute_id}/comments/version", "get"),
    ("/statutes/{statute_id}/plan-objects", "get"),
    ("/comments/{comment_id}", "get"),
    ("/layers/{layer_id}/features", "get"),
    ("/towns/{slug}/addresses", "get"),
]

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value)) and len(value) == 10


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@pytest.fixture
def document(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def validator_for(document: dict, fragment: str) -> Draft202012Validator:
    """A validator for the schema at `fragment` of the document, its $refs resolved in the document."""
    registry = Registry().with_resource(DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": DOC_URI + fragment}, registry=registry, format_checker=FORMATS)


def check_response(document: dict, path: str, method: str, response) -> None:
    """The status is documented for the operation and the body fits the documented schema."""
    responses = document["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{method.upper()} {path}: undocumented status {status}: {response.get_data(as_text=True)[:300]}"
    assert response.mimetype == "application/json"
    fragment = pointer("paths", path, method, "responses", status, "content", "application/json", "schema")
    errors = list(validator_for(document, fragment).iter_errors(response.get_json()))
    assert not errors, f"{method.upper()} {path} {status}: " + "; ".join(e.message for e in errors[:5])


def test_document_is_openapi_31_with_valid_schemas(document):
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": PREFIX}]
    for name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert method in METHODS and operation["responses"], (path, method)
            declared = set(re.findall(r"{(\w+)}", path))
            assert {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"} == declared
            for status, response in operation["responses"].items():
                Draft202012Validator.check_schema(response["content"]["application/json"]["schema"])
                assert validator_for(document, pointer("paths", path, method, "responses", status))


def test_every_api_route_is_documented_and_nothing_else(app, document):
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len(PREFIX):])
            routed |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(p, m) for p, item in document["paths"].items() for m in item}
    assert routed == documented
    assert set(OPERATIONS) == documented


@pytest.fixture
def world(app, client, create_project, create_user, create_comment, login):
    """A published project with a comment, a reply and a removed comment; a closed and a draft project."""
    yesterday = town_today() - timedelta(days=1)
    project = create_project()
    closed = create_project(town=project.municipality, start=yesterday - timedelta(days=9), end=yesterday)
    draft = create_project(town=project.municipality, phase="draft")
    moderated = create_project(town=project.municipality)
    author = create_user()
    comment = create_comment(project, author)
    reply = create_comment(project, author, parent=comment)
    removed = create_comment(project, author, text="Gone")
    with app.app_context():
        db.session.get(Comment, removed.id).visibility = Visibility.HIDDEN
        db.session.get(Project, moderated.id).pre_moderation = True
        db.session.commit()
    layers = make_layers(app, project.municipality_id)
    statutes = make_statutes(app, project.municipality_id)
    return {"project": project, "closed": closed, "draft": draft, "moderated": moderated, "comment": comment, "reply": reply, **layers, **statutes,
            "removed": removed, "login": lambda: login(create_user()),
            "token": lambda: csrf_token(client, f"/{project.municipality.slug}/projekte/{project.id}")}


def make_layers(app, town_id: int) -> dict:
    """A published layer with two features (one attribute in its popup) and a layer with nothing published."""
    from shapely.geometry import Point, box

    from participation.layers.models import Layer, LayerFeature, LayerVersion

    with app.app_context():
        published = Layer(municipality_id=town_id, name="Parcels", popup=[{"attribute": "use", "label": "Use"}])
        unpublished = Layer(municipality_id=town_id, name="Draft")
        db.session.add_all([published, unpublished])
        db.session.flush()
        version = LayerVersion(layer_id=published.id, number=1, original_filename="p.gpkg")
        db.session.add(version)
        db.session.flush()
        for geometry in (box(13.25, 53.55, 13.26, 53.56), Point(13.255, 53.552)):
            feature = LayerFeature(version_id=version.id, geometry=geometry,
                                   properties={"owner": "secret", "use": "WA"})
            feature._set_bbox(geometry)
            db.session.add(feature)
        published.current_version_id = version.id
        db.session.commit()
        return {"layer": published.id, "unpublished_layer": unpublished.id}


def make_statutes(app, town_id: int) -> dict:
    """A published statute and a draft, with their areas."""
    from shapely.geometry import MultiPolygon, box

    from participation.statutes.models import Statute

    with app.app_context():
        ids = {}
        for name, published in (("statute", datetime.now(timezone.utc)), ("draft_statute", None)):
            statute = Statute(municipality_id=town_id, title=name, published_at=published)
            statute.set_area(MultiPolygon([box(13.2, 53.5, 13.3, 53.6)]))
            db.session.add(statute)
            db.session.flush()
            ids[name] = statute.id
        db.session.commit()
        return ids


def get_requests(path: str, world: dict) -> list[str]:
    """URLs for a GET operation: valid ones and the kinds of invalid input a client may send."""
    project, comment = world["project"], world["comment"]
    if path == "/openapi.json":
        return [path]
    if path == "/projects":
        return ["/projects", f"/projects?municipality={project.municipality.slug}"]
    if path == "/projects/{project_id}":
        return [f"/projects/{i}" for i in (project.id, world["closed"].id, world["draft"].id, 0, 999_999, 10**20)]
    if path == "/projects/{project_id}/comments":
        base = f"/projects/{project.id}/comments"
        return [
            f"{base}?bbox=13,53,14,54", f"{base}?bbox=13,53,14,54&limit=1", f"{base}?bbox=0,0,1,1",
            base, f"{base}?bbox=1,2,3", f"{base}?bbox=a,b,c,d", f"{base}?bbox=nan,1,2,3", f"{base}?bbox=1,100,2,100",
            f"{base}?bbox=13,53,14,54&limit=0", f"{base}?bbox=13,53,14,54&limit=abc",
            f"/projects/{world['draft'].id}/comments?bbox=13,53,14,54", f"/projects/{10**20}/comments?bbox=1,2,3,4",
        ]
    if path == "/statutes/{statute_id}/comments":
        base = f"/statutes/{world['statute']}/comments"
        return [f"{base}?bbox=13,53,14,54", f"{base}?bbox=13,53,14,54&limit=1", base, f"{base}?bbox=a,b,c,d",
                f"/statutes/{world['draft_statute']}/comments?bbox=13,53,14,54", "/statutes/999999/comments?bbox=1,2,3,4",
                f"/statutes/{10**20}/comments?bbox=1,2,3,4"]
    if path.endswith("/comments/tiles/{z}/{x}/{y}.json"):
        ids = ((project.id, world["draft"].id, "projects") if path.startswith("/projects")
               else (world["statute"], world["draft_statute"], "statutes"))
        base = f"/{ids[2]}/{ids[0]}/comments/tiles"
        return [f"{base}/14/8799/5307.json", f"{base}/3/4/2.json?v=0", f"{base}/14/8799/5307.json?category=1",
                f"{base}/14/8799/5307.json?category=x", f"{base}/21/0/0.json", f"{base}/3/8/0.json",
                f"/{ids[2]}/{ids[1]}/comments/tiles/3/4/2.json", f"/{ids[2]}/999999/comments/tiles/3/4/2.json"]
    if path.endswith("/comments/version"):
        kind, subject, draft = (("projects", project.id, world["draft"].id) if path.startswith("/projects")
                                else ("statutes", world["statute"], world["draft_statute"]))
        return [f"/{kind}/{subject}/comments/version", f"/{kind}/{draft}/comments/version",
                f"/{kind}/999999/comments/version"]
    if path == "/statutes/{statute_id}/plan-objects":
        base = f"/statutes/{world['statute']}/plan-objects"
        return [f"{base}?lon=13.25&lat=53.55", base, f"{base}?lon=a&lat=1", f"{base}?lon=200&lat=1",
                f"/statutes/{world['draft_statute']}/plan-objects?lon=13.25&lat=53.55", "/statutes/999999/plan-objects"]
    if path == "/comments/{comment_id}":
        return [f"/comments/{i}" for i in (comment.id, world["reply"].id, world["removed"].id, 999_999, 10**20)]
    if path == "/layers/{layer_id}/features":
        base = f"/layers/{world['layer']}/features"
        return [base, f"{base}?zoom=0", f"{base}?zoom=18", f"{base}?zoom=23", f"{base}?zoom=abc", f"{base}?zoom=-1",
                f"/layers/{world['unpublished_layer']}/features", "/layers/999999/features", f"/layers/{10**20}/features"]
    if path == "/towns/{slug}/addresses":  # with addresses found: tests/addresses/test_search.py
        base = f"/towns/{project.municipality.slug}/addresses"
        return [f"{base}?q=Hauptstr%205", f"{base}?q=Hauptstr&limit=20", f"{base}?q=%20", base, f"{base}?q=",
                f"{base}?q={'x' * 201}", f"{base}?q=a&limit=0", f"{base}?q=a&limit=21", f"{base}?q=a&limit=abc",
                "/towns/nirgendwo/addresses?q=a"]
    raise AssertionError(f"no requests for {path}")


def post_requests(world: dict) -> list:
    """(project, json body or raw text, send CSRF token?) for the comment POST; the caller logs in half-way."""
    project, closed = world["project"], world["closed"]
    category = project.categories[0].id
    valid = {"text": "Here", "category_id": category, "location": {"type": "Point", "coordinates": [INSIDE.x, INSIDE.y]}}
    return [
        (project, valid, True),
        (project, {"text": "Reply", "parent_id": world["comment"].id}, True),
        (project, {"text": "No place", "category_id": category, "location": None}, True),
        (project, {**valid, "location": {"type": "Point", "coordinates": [OUTSIDE.x, OUTSIDE.y]}}, True),
        (project, {**valid, "category_id": 999_999}, True),
        (project, {**valid, "text": ""}, True),
        (project, {**valid, "parent_id": world["reply"].id}, True),
        (project, '{"text": "x", "location": {"type": "Point", "coordinates": [NaN, 1]}}', True),
        (project, "[1, 2]", True),
        (project, valid, False),
        (closed, valid, True),
        (world["draft"], valid, True),
        (world["moderated"], {**valid, "category_id": world["moderated"].categories[0].id}, True),
    ]


@pytest.mark.parametrize("path, method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_operation_answers_as_documented(client, document, world, path, method):
    seen = set()
    if method == "get":
        urls = get_requests(path, world)
        urls.append(urls[0] + ("&" if "?" in urls[0] else "?") + "q=%00")  # refused for every address: 400
        for url in urls:
            response = client.get(PREFIX + url)
            check_response(document, path, method, response)
            seen.add(str(response.status_code))
    else:
        body_schema = validator_for(document, pointer("paths", path, method, "requestBody", "content",
                                                      "application/json", "schema"))
        for logged_in in (False, True):
            if logged_in:
                world["login"]()
            token = world["token"]()
            for project, body, with_token in post_requests(world):
                headers = {"X-CSRFToken": token} if with_token else {}
                url = f"{PREFIX}/projects/{project.id}/comments"
                if isinstance(body, str):
                    response = client.post(url, data=body, content_type="application/json", headers=headers)
                else:
                    response = client.post(url, json=body, headers=headers)
                check_response(document, path, method, response)
                seen.add(str(response.status_code))
                if response.status_code == 201:
                    body_schema.validate(body)  # what was accepted is what the document allows
    # The walk reached every documented outcome, so none of them is dead text. Two need an app with
    # other limits: the rate limit (429, tests/test_write_limits.py checks it against this document)
    # and a layer too large for GeoJSON (422, tests/layers/test_layer_api.py).
    assert seen == set(document["paths"][path][method]["responses"]) - {"429", "422"}
