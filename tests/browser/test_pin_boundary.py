"""The page's pin check (Pool.inArea) and the server (ST_Covers / shapely covers) agree:
the area's boundary, a hole's boundary included, belongs to the area on both sides, so
the page never refuses a pin the server would take."""
from __future__ import annotations

import pytest
from shapely.geometry import MultiPolygon, Point, Polygon
from sqlalchemy import func, select

from participation.comments.models import Comment
from participation.extensions import db
from tests.browser.conftest import audit, log_in, project_path, wait_for_map
from tests.conftest import AREA, PASSWORD

pytestmark = pytest.mark.browser

#: Well beyond Pool's 1e-9° boundary tolerance, well above float noise at these magnitudes.
NEAR = 1e-7
W, S, E, N = AREA.bounds
SQUARE = [
    ("south-west corner", (W, S), True),
    ("north-east corner", (E, N), True),
    ("middle of the south edge", ((W + E) / 2, S), True),
    ("middle of the east edge", (E, (S + N) / 2), True),
    ("just inside the west edge", (W + NEAR, (S + N) / 2), True),
    ("just outside the west edge", (W - NEAR, (S + N) / 2), False),
    ("just outside the south edge", ((W + E) / 2, S - NEAR), False),
]
HOLE = Polygon([(13.254, 53.551), (13.256, 53.551), (13.256, 53.553), (13.254, 53.553)])
WITH_HOLE = MultiPolygon([Polygon(AREA.geoms[0].exterior.coords, [HOLE.exterior.coords])])
HOLED = [
    ("middle of the hole", (13.255, 53.552), False),
    ("just inside the hole", (13.254 + NEAR, 53.552), False),
    ("on the hole's west edge", (13.254, 53.552), True),
    ("on a corner of the hole", (13.256, 53.553), True),
    ("just outside the hole", (13.254 - NEAR, 53.552), True),
    ("between hole and outer edge", (13.252, 53.552), True),
    ("on the outer edge", (W, (S + N) / 2), True),
]

BROWSER_VERDICTS = """([points]) => {
  const area = JSON.parse(document.querySelector('[data-project-map]').dataset.area);
  return points.map(([lng, lat]) => Pool.inArea(area, lng, lat));
}"""

# Through the same helper the page scripts use, so the CSRF meta tag and header are tested too.
SERVER_VERDICTS = """async ([url, category, points]) => {
  const verdicts = [];
  for (const [i, [lng, lat]] of points.entries()) {
    const body = {text: "Pin " + i, category_id: category, location: {type: "Point", coordinates: [lng, lat]}};
    try {
      await Pool.fetchJSON(url, {method: "POST", body: body});
      verdicts.push(true);
    } catch (error) {
      if (error.status !== 400) { throw error; }
      const answer = await error.response.json();
      verdicts.push(answer.field === "location" ? false : JSON.stringify(answer));
    }
  }
  return verdicts;
}"""


@pytest.mark.parametrize(
    "area, cases", [(AREA, SQUARE), (WITH_HOLE, HOLED)], ids=["square", "with-hole"]
)
def test_page_and_server_agree_on_the_area_boundary(app, page, watch, create_project, create_user, area, cases):
    names = [name for name, _, _ in cases]
    points = [list(point) for _, point, _ in cases]
    expected = [covered for _, _, covered in cases]
    # The cases themselves say what covers says; a wrong expectation would test nothing.
    assert [area.covers(Point(p)) for p in points] == expected

    project = create_project(area=area)
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)

    browser = page.evaluate(BROWSER_VERDICTS, [points])
    assert dict(zip(names, browser)) == dict(zip(names, expected))

    url = f"/api/v1/projects/{project.id}/comments"
    watch.allow_status(400, url)  # the refused pins
    server = page.evaluate(SERVER_VERDICTS, [url, project.categories[0].id, points])
    assert dict(zip(names, server)) == dict(zip(names, browser))
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == sum(expected)
    audit(page, watch)


def test_pins_on_the_corners_are_placed_not_refused(page, watch, create_project, create_user):
    project = create_project()
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    pin_status = page.locator("[data-pin-status]")
    # Plain ray casting takes one corner and refuses the other; covers takes both.
    for lng, lat in [(W, S), (E, N)]:
        # Without a move since setView, Leaflet gives back this exact centre.
        page.evaluate("([lat, lng]) => Pool.mapOf(document.querySelector('[data-project-map]'))"
                      ".setView([lat, lng], 17, {animate: false})", [lat, lng])
        page.locator("[data-pin-center]").click()
        assert page.locator("[data-pin-lon]").input_value() == f"{lng:.7f}"
        assert page.locator("[data-pin-lat]").input_value() == f"{lat:.7f}"
        assert pin_status.inner_text().startswith("Markierung gesetzt.")
        assert "pin-status--error" not in pin_status.get_attribute("class")
        assert page.locator(".leaflet-marker-icon").count() == 1
    audit(page, watch)
