"""In a real browser: a planner enters a letter, setting its place with the keyboard, and sees it listed.
The form, the confirmation and the duplicates page pass the page audit (axe, 360 px, overlaps)."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.accounts.models import Role
from participation.comments.models import Channel, Comment
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.projects.models import Project
from tests.browser.conftest import audit, log_in, project_path, tab_to, wait_for_map
from tests.conftest import AREA, PASSWORD, town_today

pytestmark = pytest.mark.browser

#: Set INTAKE_SHOTS=/tmp/shots to keep screenshots of the pages at 1280 and 360 px.
SHOTS = os.environ.get("INTAKE_SHOTS")


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": size["height"]})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def test_planner_enters_a_letter_with_the_keyboard(app, page, watch, town, create_user, create_project,
                                                    create_comment):
    project = create_project(town=town)
    with app.app_context():
        db.session.get(Project, project.id).created_at = utcnow() - timedelta(days=20)
        db.session.commit()
    create_comment(project, create_user(), text="Bitte mehr Bäume am Marktplatz pflanzen, es ist zu heiß.")
    log_in(page, create_user(Role.PLANNER, towns=[town]), PASSWORD)

    page.goto(project_path(project))
    page.get_by_role("link", name="Eingabe per Brief, E-Mail oder aus Veranstaltung erfassen").click()
    wait_for_map(page)
    audit(page, watch)
    _shoot(page, "intake-form")

    tab_to(page, ".leaflet-container")
    page.keyboard.press("Enter")  # the pin at the cross in the middle of the map
    assert page.locator("[data-pin-status]").inner_text().startswith("Markierung gesetzt.")
    tab_to(page, "#channel-0")
    page.keyboard.press("Space")
    assert page.locator("#channel-0").is_checked()
    page.fill("#received_on", (town_today() - timedelta(days=3)).isoformat())
    page.fill("#sender_name", "Erika Mustermann")
    tab_to(page, "#category")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#text", limit=3)
    page.keyboard.type("Mehr Bäume auf dem Marktplatz pflanzen bitte, es ist zu heiß!")
    tab_to(page, "[data-comment-form] button[type=submit]", limit=6)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "/erfasst" in page.url
    assert page.get_by_text("Per Brief eingegangen am").first.is_visible()
    assert page.locator(".intake-likely").get_by_text("Bitte mehr Bäume am Marktplatz").is_visible()
    audit(page, watch)
    _shoot(page, "intake-entered")

    page.get_by_role("link", name="Mögliche Doppelungen unter allen Kommentaren").click()
    assert page.get_by_text("1 Paar möglicher Doppelungen").is_visible()
    audit(page, watch)
    _shoot(page, "intake-duplicates")

    page.goto(project_path(project))
    listed = page.locator(".comment-list .comment").filter(has_text="Mehr Bäume auf dem Marktplatz")
    assert listed.get_by_text("Eingabe bei der Stadt eingegangen").is_visible()
    assert "Mustermann" not in page.content()
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.author_id.is_(None)))
        assert comment.channel is Channel.LETTER and AREA.contains(comment.location)
