"""The results of a survey in the browser: charts with their tables, the filter, the map with its heat map,
audited at 1280 and 360 px (axe, overflow, overlaps, CSP, no other host)."""
from __future__ import annotations

import pytest

from participation.accounts.models import Role
from participation.surveys.models import SurveyState
from tests.browser.conftest import audit, log_in
from tests.conftest import PASSWORD
from tests.surveys.conftest import PLACES, create_survey, send_responses  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_public_results_with_a_heat_map(app, page, watch, town, create_project, create_survey, send_responses):
    survey_id = create_survey(project=create_project(town=town), state=SurveyState.CLOSED, results_public=True)
    send_responses(survey_id, {"single": "1", "multiple": ["1", "2"], "text": "More trees", "number": 12,
                               "scale": 4, "yesno": "yes", "ranking": ["2", "1", "3"],
                               "matrix": {"1": "2", "2": "3"}, "map_point": (1, PLACES["map_point"]),
                               "map_line": (600, PLACES["map_line"]), "map_area": (9000, PLACES["map_area"])},
                   times=6)
    send_responses(survey_id, {"single": "2", "yesno": "no", "number": 30}, times=4)
    page.goto(f"/{town.slug}/umfragen/{survey_id}/ergebnisse")
    assert page.locator("[data-response-count]").inner_text().startswith("10")
    maps = page.locator("[data-results-map]")
    assert maps.count() == 3
    first = maps.first
    first.scroll_into_view_if_needed()
    page.wait_for_function("() => /\\d/.test(document.querySelector('[data-results-map] [data-map-status]').textContent)")
    assert first.locator("[data-map-status]").inner_text()  # "Die Karte zeigt 6 Antworten."
    first.locator("input[value=heat]").check()
    assert first.locator("canvas.leaflet-heatmap-layer").count() == 1
    assert first.locator("[data-heat-hint]").is_visible()
    audit(page, watch)


def test_planners_results_with_filter_and_export_form(app, page, watch, town, create_project, create_survey,
                                                      send_responses, create_user):
    survey_id = create_survey(project=create_project(town=town), kinds=["single", "yesno"])
    with app.app_context():
        from participation.extensions import db
        from participation.surveys.models import Survey

        age = next(q.id for q in db.session.get(Survey, survey_id).questions if q.demographic)
    send_responses(survey_id, {"single": "1", "yesno": "yes", age: "1"}, times=6)
    send_responses(survey_id, {"single": "3", "yesno": "no", age: "3"}, times=5)
    log_in(page, create_user(Role.PLANNER, towns=[town]), PASSWORD)
    page.goto(f"/{town.slug}/umfragen/{survey_id}/ergebnisse")
    assert page.locator("[data-response-count]").inner_text().startswith("11")
    page.select_option(f"#d{age}", "3")
    with page.expect_navigation():
        page.locator(f"#d{age}").evaluate("e => e.form.requestSubmit()")
    assert page.locator("[data-response-count]").inner_text().startswith("5")
    audit(page, watch)
