"""In a real browser: a planner answers a comment as the town, and the resident sees the town's answer.
The answer page, the weighing table and the results page pass the page audit (axe, 360 px, overlaps)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from participation.accounts.models import Role
from participation.projects.models import Phase
from tests.browser.conftest import audit, log_in, project_path
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_planner_answers_and_the_resident_sees_the_towns_answer(page, watch, town, create_user,
                                                                  create_project, create_comment):
    project = create_project(town=town, phase=Phase.PARTICIPATION)
    resident = create_user()
    comment = create_comment(project, resident, text="Bitte mehr Bäume am Marktplatz")
    create_comment(project, create_user(), text="Mehr Schatten auf dem Platz")

    log_in(page, create_user(Role.PLANNER, towns=[town]), PASSWORD)
    page.goto(project_path(project))
    page.locator(f"#comment-{comment.id} .comment__answer-tools a").click()
    expect(page.locator("h1")).to_have_text("Als Stadt antworten")
    page.fill("#text", "Wir pflanzen zwölf Linden.")
    audit(page, watch)
    with page.expect_navigation():
        page.get_by_role("button", name="Antwort speichern").click()
    expect(page.locator(f"#comment-{comment.id} [data-feedback]")).to_contain_text("Die Antwort wurde gespeichert.")

    page.goto(f"/{town.slug}/projekte/{project.id}/abwaegung")
    expect(page.locator(f"#row-{comment.id}")).to_contain_text("Beantwortet")
    audit(page, watch)

    page.context.clear_cookies()
    log_in(page, resident, PASSWORD)
    page.goto(project_path(project))
    answer = page.locator(f"#comment-{comment.id} .official-answer")
    expect(answer).to_contain_text(f"Antwort der Stadt {town.name}")
    expect(answer).to_contain_text("Wir pflanzen zwölf Linden.")
    expect(page.locator(f"#comment-{comment.id} .comment__answer-tools")).to_have_count(0)

    page.goto(f"/{town.slug}/projekte/{project.id}/ergebnisse")
    expect(page.locator("main")).to_contain_text("Wir pflanzen zwölf Linden.")
    audit(page, watch)
