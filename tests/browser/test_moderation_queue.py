"""A planner works through the moderation queue in a real browser: filter the new comments, select two,
approve them together; then hides one on its own page."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from participation.accounts.models import Role
from participation.comments.models import Comment, Report, Visibility
from participation.extensions import db
from tests.browser.conftest import audit, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

#: Set SHOTS=/tmp/shots to keep screenshots of the pages for a look by eye.
SHOTS = os.environ.get("SHOTS")


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": size["height"]})
        page.screenshot(path=f"{SHOTS}/moderation-{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def test_a_planner_approves_two_new_comments_and_hides_one(app, page, watch, town, create_user, create_project,
                                                           create_comment):
    planner = create_user(Role.PLANNER, towns=[town])
    project = create_project(town=town)
    author = create_user()
    waiting = [create_comment(project, author, text=f"Wartender Kommentar {n}") for n in range(3)]
    shown = create_comment(project, author, text="Sichtbarer Kommentar mit einem sehrlangenwortohneleerzeichen" * 2)
    reporter = create_user()
    with app.app_context():
        for comment in waiting:
            db.session.get(Comment, comment.id).visibility = Visibility.PENDING
        db.session.add(Report(comment_id=shown.id, user_id=reporter.id, reason="Bitte prüfen"))
        db.session.commit()

    log_in(page, planner, PASSWORD)
    page.goto(f"/{town.slug}/moderation")
    assert page.locator("table tbody tr").count() == 4
    _shoot(page, "queue")
    audit(page, watch)

    page.get_by_label("Status").select_option("neu")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter anwenden").click()
    assert page.locator("table tbody tr").count() == 3
    page.get_by_label(f"Nr. {waiting[0].id}", exact=True).check()
    page.get_by_label(f"Nr. {waiting[2].id}", exact=True).press("Space")
    with page.expect_navigation():
        page.get_by_role("button", name="Ausgewählte freigeben").click()
    assert "2 Kommentare freigegeben." in page.locator("main").inner_text()
    assert page.locator("table tbody tr").count() == 1  # the filter is kept: one is still waiting
    audit(page, watch)

    page.goto(f"/{town.slug}/moderation/kommentare/{shown.id}")
    _shoot(page, "comment")
    audit(page, watch)
    page.get_by_label("Begründung, öffentlich an Stelle des Kommentars angezeigt").fill("Werbung")
    with page.expect_navigation():
        page.get_by_role("button", name="Kommentar ausblenden").click()
    assert page.locator("table").last.get_by_text("Werbung").is_visible()  # the log's line
    with app.app_context():
        assert [db.session.get(Comment, c.id).visibility for c in waiting] == [
            Visibility.PUBLISHED, Visibility.PENDING, Visibility.PUBLISHED]
        assert db.session.get(Comment, shown.id).hidden_reason == "Werbung"
    _shoot(page, "comment-hidden")
    audit(page, watch)

    page.goto(f"/{town.slug}/projekte/{project.id}")
    _shoot(page, "project-tools")
    assert page.get_by_role("link", name=f"Moderieren (Kommentar Nr. {waiting[0].id})").is_visible()
