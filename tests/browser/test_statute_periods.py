"""A planner sets a statute's public display and extends it, with the keyboard, in a real browser."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from participation.accounts.models import Role
from participation.statutes.periods import earliest_display_end
from tests.browser.conftest import audit, log_in, tab_to
from tests.conftest import PASSWORD, town_today

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
        page.screenshot(path=f"{SHOTS}/f-{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def test_a_planner_sets_and_extends_a_public_display_by_keyboard(page, watch, town, create_user, create_statute):
    planner = create_user(Role.PLANNER, towns=[town])
    statute = create_statute(town, number="12")
    url = f"/{town.slug}/satzungen/{statute.id}/fristen"
    log_in(page, planner, PASSWORD)
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == "Beteiligungsfristen"
    audit(page, watch)

    start = town_today()
    earliest = earliest_display_end(start)
    # Too short: the law's reason, in the error summary and at the field.
    watch.allow_status(400, f"{url}#add-period")  # the page answers the refused form with 400
    # The date fields' segments follow the browser's own locale; fill() types the ISO value into them.
    page.locator("#starts_on").fill(start.isoformat())
    page.locator("#ends_on").fill((earliest - timedelta(days=1)).isoformat())
    tab_to(page, "form.period-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    assert f"frühestens am {earliest:%d.%m.%Y} enden" in summary.inner_text()
    assert page.locator("#ends_on").get_attribute("aria-invalid") == "true"
    _shoot(page, "periods-error")
    audit(page, watch)

    page.locator("#ends_on").fill(earliest.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Zeitraum anlegen").click()
    row = page.locator("table tbody tr")
    assert row.count() == 1
    assert "Läuft" in row.inner_text()

    # Extend it, with the reason the statute's page will show.
    tab_to(page, "table a[href*='/fristen/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("#ends_on").fill((earliest + timedelta(days=14)).isoformat())
    page.locator("#reason").fill("Die Planunterlagen lagen zwei Tage nicht aus.")
    _shoot(page, "period-change")
    audit(page, watch)
    with page.expect_navigation():
        page.get_by_role("button", name="Änderung speichern").click()
    changes = page.locator(".period-changes").inner_text()
    assert f"Verlängert am {town_today():%d.%m.%Y} bis zum {earliest + timedelta(days=14):%d.%m.%Y}:" in changes
    assert "Die Planunterlagen lagen zwei Tage nicht aus." in changes
    _shoot(page, "periods")
    audit(page, watch)
