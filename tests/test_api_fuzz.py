"""Schemathesis against /api/v1/openapi.json, in process (WSGI): the API and its document agree.

Every operation gets generated valid and invalid input (the explicit examples, the boundaries,
random data), anonymously and, for writing, as a logged-in resident with a CSRF token; each
answer must be documented, fit its schema and never be a 5xx. Bounded: a few examples per
operation and a deadline per example, so that `make test` stays quick on SQLite and PostgreSQL.
"""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.conftest import csrf_token
from tests.test_openapi import make_layers

#: Per operation and phase; the coverage phase adds its boundary cases on top.
MAX_EXAMPLES = 15
#: Milliseconds for one generated request (PostgreSQL on a slow CI machine included).
DEADLINE_MS = 3000

#: Where "schema-valid input must be accepted" cannot hold: the rule is the data's, not the shape's.
NOT_EVERY_VALID_SHAPE_IS_ACCEPTED = {
    # The category must be one of this project's, the pin inside its area, the parent a comment of it.
    ("POST", "/projects/{project_id}/comments"),
    # west ≤ east and south ≤ north: JSON Schema cannot compare two items of an array.
    ("GET", "/projects/{project_id}/comments"),
}

SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=DEADLINE_MS,
    derandomize=True,  # the same cases on every run: a failure is reproducible, not luck
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture
def fuzz_world(app, create_project, create_user, create_comment):
    """A published project with a comment and a reply, a published layer: something to find."""
    project = create_project()
    comment = create_comment(project, create_user())
    create_comment(project, create_user(), parent=comment)
    make_layers(app, project.municipality_id)
    return project


@pytest.fixture
def api_schema(app, fuzz_world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def resident(client, create_user, login):
    """A logged-in resident's session for `case.call`: its cookie, the CSRF token of a page, the
    browser's name and address (the session is bound to both: `session_protection = "strong"`)."""
    browser = {"HTTP_USER_AGENT": "fuzzing resident", "REMOTE_ADDR": "192.0.2.7"}
    client.environ_base.update(browser)
    login(create_user())
    token = csrf_token(client, "/")
    return {"cookies": {"session": client.get_cookie("session").value},
            "headers": {"X-CSRFToken": token, "User-Agent": browser["HTTP_USER_AGENT"]},
            "environ_base": browser}


def operations(api_schema, method: str | None = None):
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if method is None or operation.method.upper() == method:
            yield operation


def fuzz(operation, mode: GenerationMode, session: dict | None = None, **fixed) -> set[int]:
    """Run the generated cases of one operation through the app and every default check;
    `fixed` holds parameters not to generate (``path_parameters={...}``). Returns the statuses seen."""
    seen = set()

    @SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def run(case):
        response = case.call(**(session or {}))
        seen.add(response.status_code)
        semantic = (operation.method.upper(), operation.path) in NOT_EVERY_VALID_SHAPE_IS_ACCEPTED
        case.validate_response(response, excluded_checks=[checks.positive_data_acceptance] if semantic else None)

    run()
    return seen


# schemathesis' own pytest integration (schema.parametrize with a fixture) does not run under
# pytest 9.2 (it reads a removed private attribute), so the cases come from its Python API.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_api_anonymously(api_schema, mode):
    for operation in operations(api_schema):
        fuzz(operation, mode)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_api_writing_as_a_resident(api_schema, resident, fuzz_world, mode):
    [operation] = operations(api_schema, "POST")
    seen = fuzz(operation, mode, resident, path_parameters={"project_id": fuzz_world.id})
    assert 400 in seen  # the cases reached the checks of the input, not only the log-in or CSRF check
    assert 401 not in seen
