"""After supporting, reporting, editing or deleting, the message is where the person is: inside the comment,
in view and focused; a reported comment says so; the own comment's actions work on a 360 px phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from shapely.geometry import Point

from tests.browser.conftest import audit, log_in, project_path, wait_for_map
from tests.browser.test_phone_layout import PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def many(create_project, create_user, create_comment):
    """A project whose list is long enough that the oldest comment is far below the top of the page."""
    project = create_project()
    writer = create_user()
    comments = [create_comment(project, writer, text=f"Vorschlag Nummer {n} für den Platz",
                               location=Point(13.251 + n * 0.0004, 53.551)) for n in range(12)]
    return project, comments


def in_viewport(page, selector: str) -> bool:
    """Whether the element is wholly in view, once the (smooth) scroll there has ended."""
    try:
        page.wait_for_function(
            "s => { const r = document.querySelector(s).getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= window.innerHeight; }", arg=selector, timeout=3000)
    except PlaywrightTimeoutError:
        return False
    return True


def focused_feedback_of(page) -> str | None:
    """The id of the comment holding the focused message, if the focus is on one."""
    return page.evaluate("() => { const f = document.activeElement.closest('[data-feedback]');"
                         " return f ? f.closest('li.comment').id : null; }")


def test_support_shows_the_message_at_the_comment_in_view_and_focused(page, watch, many, create_user):
    project, comments = many
    oldest = comments[0]  # newest first: at the bottom of the list
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    item = page.locator(f"#comment-{oldest.id}")
    with page.expect_navigation():
        item.get_by_role("button", name="Unterstützen").click()
    message = item.locator("[data-feedback]")
    expect(message).to_have_text("Sie unterstützen diesen Kommentar.")
    page.wait_for_function("() => document.activeElement.matches('[data-feedback]')")
    assert focused_feedback_of(page) == f"comment-{oldest.id}"
    assert in_viewport(page, f"#comment-{oldest.id} [data-feedback]")
    assert page.locator(".flash-messages").count() == 0  # not a second time at the top
    audit(page, watch)


def test_a_reported_comment_says_so_and_offers_no_report(page, watch, many, create_user):
    project, comments = many
    target = comments[3]
    log_in(page, create_user(), PASSWORD)
    page.goto(f"{project_path(project)}?sortierung=alt")
    item = page.locator(f"#comment-{target.id}")
    item.locator("summary", has_text="Melden").click()
    item.get_by_label("Warum sollte die Moderation diesen Kommentar prüfen?").fill("Werbung")
    with page.expect_navigation():
        item.get_by_role("button", name="An die Moderation melden").click()
    assert "sortierung=alt" in page.url
    expect(item.get_by_text("Sie haben diesen Kommentar gemeldet.")).to_be_visible()
    expect(item.locator("summary", has_text="Melden")).to_have_count(0)
    page.wait_for_function("() => document.activeElement.matches('[data-feedback]')")
    assert focused_feedback_of(page) == f"comment-{target.id}"
    audit(page, watch)


@pytest.mark.parametrize("context", [PHONE], indirect=True)
def test_edit_and_delete_the_own_comment_on_a_phone(page, watch, create_project, create_user, create_comment):
    project = create_project()
    author = create_user()
    others = [create_comment(project, create_user(), text=f"Andere Meinung {n}") for n in range(3)]
    mine = create_comment(project, author, text="Mein erster Gedanke")
    create_comment(project, create_user(), text="Eine Antwort an andere", parent=others[0])
    log_in(page, author, PASSWORD)
    page.goto(project_path(project))
    item = page.locator(f"#comment-{mine.id}")
    with page.expect_navigation():
        item.get_by_role("link", name="Bearbeiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihren Kommentar bearbeiten")
    audit(page, watch)
    page.get_by_label("Ihr Kommentar").fill("Mein besserer Gedanke")
    with page.expect_navigation():
        page.get_by_role("button", name="Änderungen speichern").click()
    expect(item.locator(".comment__text")).to_have_text("Mein besserer Gedanke")
    expect(item.locator("[data-feedback]")).to_have_text("Ihre Änderungen sind gespeichert.")
    expect(item.locator("header")).to_contain_text("bearbeitet")
    page.wait_for_function("() => document.activeElement.matches('[data-feedback]')")
    assert in_viewport(page, f"#comment-{mine.id} [data-feedback]")
    audit(page, watch)

    item.locator("summary", has_text="Löschen").click()
    expect(item.get_by_text("Ihren Kommentar endgültig löschen?")).to_be_visible()
    audit(page, watch)  # the opened confirmation fits the phone as well
    with page.expect_navigation():
        item.get_by_role("button", name="Ja, löschen").click()
    expect(page.locator(f"#comment-{mine.id}")).to_have_count(0)
    # Nothing is left of it: the message stands under the list's heading, and has the focus.
    expect(page.locator("#comments-feedback")).to_contain_text("Ihr Kommentar ist gelöscht.")
    page.wait_for_function("() => document.activeElement.matches('#comments-feedback')")
    assert page.locator(".flash-messages").count() == 0
    # Someone else's comment offers neither.
    expect(page.locator(f"#comment-{others[0].id}").get_by_role("link", name="Bearbeiten")).to_have_count(0)
    audit(page, watch)
