"""A resident answers a survey in the browser: choices, conditions, and the map questions by keyboard, by
mouse and on a phone by tapping; every page audited (axe, overflow, overlaps, CSP, no other host)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.surveys.models import Access, Answer, Question, ResponseState, SurveyResponse
from tests.browser.conftest import audit, log_in, tab_to
from tests.conftest import AREA, PASSWORD, add_vector_layer
from tests.surveys.conftest import create_survey  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser


def _map_of(selector: str) -> str:
    return f"window[document.querySelector('{selector} [data-map-name]').dataset.mapName]"


def _answers(app) -> dict[str, Answer]:
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.state == ResponseState.SENT))
        assert response is not None, "no response was sent"
        return {db.session.get(Question, a.question_id).kind: a for a in response.answers}


def test_answer_with_keyboard_and_mouse(app, page, watch, town, create_project, create_survey, create_user):
    project = create_project(town=town)
    survey_id = create_survey(project=project, kinds=["single", "multiple", "text", "number", "map_point", "map_line",
                                                      "map_area"], demographic=False)
    with app.app_context():
        from participation.surveys import builder
        from participation.surveys.models import Survey

        survey = db.session.get(Survey, survey_id)
        single, text = survey.questions[0], survey.questions[2]
        builder.update_question(text, builder.QuestionData(
            text="Why by car?", settings=text.settings, condition_question_id=single.id, condition_value="3"))
        # A plan layer over the whole area: a click on its feature must mark a place, not open its popup.
        add_vector_layer(town.id, "Plan", [(AREA, {"name": "Baufeld"})], map_id=survey.map_id,
                         popup=[{"attribute": "name", "label": "Name"}])
        db.session.commit()
        q = {question.kind: question.id for question in survey.questions}
        why = text.id
    user = create_user()
    log_in(page, user, PASSWORD)
    page.goto(f"/{town.slug}/umfragen/{survey_id}")
    audit(page, watch)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/umfragen/{survey_id}/seite/1")
    audit(page, watch)

    # The question that depends on "By car" appears only when that is chosen.
    assert page.locator(f"#q{why}").is_hidden()
    page.check(f"#q{q['single']}-3")
    assert page.locator(f"#q{why}").is_visible()
    # Said to screen readers too, since the new question appears further down the page.
    assert page.locator("[data-condition-status]").inner_text() == "Eine weitere Frage wird angezeigt: Why by car?"
    page.check(f"#q{q['single']}-1")
    assert page.locator(f"#q{why}").is_hidden()
    page.check(f"#q{q['multiple']}-2")
    page.check(f"#q{q['multiple']}-4")
    page.locator("button[value=weiter]").click()
    page.wait_for_url(f"**/umfragen/{survey_id}/seite/2")
    audit(page, watch)

    # Places by keyboard alone: Tab to the map, move it with an arrow key, Enter marks the centre.
    box = f"#q{q['map_point']}"
    tab_to(page, f"{box} .leaflet-container")
    assert page.locator(f"{box} .map-crosshair").is_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")
    assert page.locator(f"{box} [data-map-status]").inner_text().startswith("2")
    centre = page.evaluate(f"() => {{ const c = {_map_of(box)}.getCenter(); return [c.lng, c.lat]; }}")

    # A way by mouse: three clicks on the map; the last undone with the button.
    line = f"#q{q['map_line']}"
    page.locator(f"{line} .leaflet-container").scroll_into_view_if_needed()
    for x, y in ((80, 80), (200, 120), (260, 200)):
        page.locator(f"{line} .leaflet-container").click(position={"x": x, "y": y})
    assert page.locator(".leaflet-popup").count() == 0
    page.locator(f"{line} [data-undo]").click()
    assert page.locator(f"{line} [data-map-status]").inner_text().startswith("2")

    # An area with the button under the map (the map moved between the corners).
    area = f"#q{q['map_area']}"
    for dx, dy in ((0, 0), (120, 0), (0, 120)):
        page.evaluate(f"([dx, dy]) => {_map_of(area)}.panBy([dx, dy], {{animate: false}})", [dx, dy])
        page.locator(f"{area} [data-add-centre]").click()
    assert page.locator(f"{area} [data-map-status]").inner_text().startswith("3")
    page.locator("button[value=weiter]").click()
    page.wait_for_url(f"**/umfragen/{survey_id}/pruefen")
    audit(page, watch)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/umfragen/{survey_id}/danke")
    audit(page, watch)

    answers = _answers(app)
    assert answers["single"].value == "1" and answers["multiple"].value == ["2", "4"]
    assert "text" not in answers
    points = list(answers["map_point"].geometry.geoms)
    assert len(points) == 2 and abs(points[1].x - centre[0]) < 1e-6 and points[1].x > points[0].x
    assert answers["map_line"].geometry.geom_type == "LineString" and len(answers["map_line"].geometry.coords) == 2
    assert answers["map_area"].geometry.geom_type == "Polygon" and answers["map_area"].value > 0


@pytest.mark.parametrize("context", [{"viewport": {"width": 360, "height": 740}, "has_touch": True,
                                      "is_mobile": True}], indirect=True)
def test_answer_on_a_phone_with_an_access_code(app, page, watch, town, create_project, create_survey):
    project = create_project(town=town)
    survey_id = create_survey(project=project, kinds=["scale", "matrix", "ranking", "map_point"], demographic=True,
                              access=Access.CODE)
    with app.app_context():
        from participation.surveys import responding
        from participation.surveys.models import AccessCode, Survey

        responding.make_codes(db.session.get(Survey, survey_id), 1)
        db.session.commit()
        code = responding.show_code(db.session.scalar(select(AccessCode.code)))
        q = {question.kind: question.id for question in db.session.get(Survey, survey_id).questions}
    page.goto(f"/{town.slug}/umfragen/{survey_id}")
    page.fill("#code", code.lower())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/umfragen/{survey_id}/seite/1")
    audit(page, watch)
    page.locator(f"label[for=q{q['scale']}-4]").tap()
    page.locator(f"#q{q['matrix']}-1-2").tap()
    page.locator(f"#q{q['matrix']}-2-3").tap()
    page.select_option(f"#q{q['ranking']}-3", "1")
    page.select_option(f"#q{q['ranking']}-1", "2")
    box = f"#q{q['map_point']}"
    page.locator(f"{box} .leaflet-container").scroll_into_view_if_needed()
    bounds = page.locator(f"{box} .leaflet-container").bounding_box()
    page.touchscreen.tap(bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2)
    assert page.locator(f"{box} [data-map-status]").inner_text() == "1 Ort markiert."
    page.locator("button[value=weiter]").click()
    page.wait_for_url(f"**/umfragen/{survey_id}/seite/2")
    audit(page, watch)  # the demographic page
    page.locator("button[value=weiter]").click()
    page.wait_for_url(f"**/umfragen/{survey_id}/pruefen")
    audit(page, watch)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/umfragen/{survey_id}/danke")
    answers = _answers(app)
    assert answers["scale"].value == 4 and answers["matrix"].value == {"1": "2", "2": "3"}
    assert answers["ranking"].value == ["3", "1"] and len(answers["map_point"].geometry.geoms) == 1


def test_builder_pages_are_clean(app, page, watch, town, create_project, create_survey, create_user):
    """The planner's pages: the builder, a question form with its settings, the preview with maps."""
    from participation.accounts.models import Role

    survey_id = create_survey(project=create_project(town=town))
    with app.app_context():
        from participation.surveys.models import Survey

        survey = db.session.get(Survey, survey_id)
        matrix = next(question.id for question in survey.questions if question.kind == "matrix")
        pages = len(survey.pages)
    log_in(page, create_user(Role.PLANNER, towns=[town]), PASSWORD)
    for path in (f"/{town.slug}/umfragen/{survey_id}/bearbeiten", f"/{town.slug}/umfragen/{survey_id}/fragen/{matrix}",
                 *(f"/{town.slug}/umfragen/{survey_id}/vorschau/{n}" for n in range(1, pages + 1))):
        page.goto(path)
        assert page.locator("h1").is_visible()
        audit(page, watch)
