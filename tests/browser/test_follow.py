"""A resident follows a project with its button and an area with the address search, in a real browser."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import audit, log_in
from tests.conftest import PASSWORD
from tests.notifications.conftest import with_addresses  # noqa: F401 - fixture

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
        page.screenshot(path=f"{SHOTS}/follow-{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def test_a_resident_follows_a_project_and_an_area(page, watch, town, create_user, create_project, with_addresses):
    with_addresses(town)
    project = create_project(town=town, title="Marktplatz")
    log_in(page, create_user(), PASSWORD)
    page.goto(f"/{town.slug}/projekte/{project.id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Folgen").click()
    assert page.get_by_role("button", name="Nicht mehr folgen").is_visible()
    audit(page, watch)
    _shoot(page, "project")

    page.get_by_role("link", name="Benachrichtigungen").first.click()
    page.wait_for_url("**/konto/benachrichtigungen")
    assert page.get_by_role("link", name="Marktplatz").is_visible()
    page.get_by_label("Kommune", exact=True).select_option(town.slug)
    with page.expect_navigation():
        page.get_by_role("button", name="Kommune wählen").click()
    page.get_by_role("combobox", name="Adresse").fill("Ostweg 9")
    page.get_by_role("option", name="Ostweg 9, 17099 Musterstadt").click()
    page.get_by_label("1000 m", exact=True).check()
    audit(page, watch)
    _shoot(page, "settings-area")
    with page.expect_navigation():
        page.get_by_role("button", name="Diesem Gebiet folgen").click()
    assert page.locator(".follow-list").get_by_text("Gebiet im Umkreis von 1000 m um Ostweg 9, 17099 Musterstadt").is_visible()
    audit(page, watch)
    _shoot(page, "settings")
