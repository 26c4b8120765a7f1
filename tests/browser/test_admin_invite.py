"""An admin invites a planner in the browser; the planner accepts from the mail and starts working."""
from __future__ import annotations

import os
import re

import pytest

from participation.accounts.models import Role
from tests.browser.conftest import audit, latest_mail, log_in
from tests.conftest import PASSWORD
from tests.conftest import wait_for_jobs

pytestmark = pytest.mark.browser

#: Set ADMIN_SHOTS=/tmp/shots to keep full-page screenshots of every page the test audits.
SHOTS = os.environ.get("ADMIN_SHOTS")


def look(page, watch, name: str):
    """Audit the page (axe, 360 px, overlaps, console, CSP) and, when asked, keep screenshots of it."""
    audit(page, watch)
    if SHOTS:
        size = page.viewport_size
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": size["height"]})
            page.screenshot(path=f"{SHOTS}/admin-{name}-{width}.png", full_page=True)
        page.set_viewport_size(size)


def test_admin_invites_a_planner_who_accepts_and_works(app, browser, live_server, page, watch,
                                                      create_town, create_user):
    town = create_town(slug="alpha", name="Alphastadt")
    create_town(slug="beta", name="Betadorf")
    admin = create_user(role=Role.ADMIN)
    create_user(role=Role.PLANNER, towns=[town], email="someone@example.org")
    watch.allow_status(400, "/verwaltung/kommunen/neu")

    log_in(page, admin, PASSWORD)
    page.get_by_role("navigation", name="Kontomenü").get_by_role("link", name="Verwaltung").click()
    page.wait_for_url("**/verwaltung/")
    look(page, watch, "index")

    # A town with a reserved address is refused at the field, then created with a good one.
    page.goto("/verwaltung/kommunen/neu")
    page.get_by_label("Name der Kommune").fill("Gammaheim")
    page.get_by_label("Adresse im Pool").fill("konto")
    with page.expect_navigation():
        page.get_by_role("button", name="Kommune anlegen").click()
    assert "gehört zu den Adressen der Seite selbst" in page.locator("#slug-error").inner_text()
    look(page, watch, "town-new-error")
    page.get_by_label("Adresse im Pool").fill("gammaheim")
    with page.expect_navigation():
        page.get_by_role("button", name="Kommune anlegen").click()
    assert page.url.endswith("/verwaltung/kommunen/gammaheim/bearbeiten")
    assert page.get_by_role("link", name="Logo und Gemeindegrenze von Gammaheim").get_attribute("href") \
        == "/gammaheim/einstellungen"
    look(page, watch, "town-edit")
    page.goto("/verwaltung/kommunen")
    look(page, watch, "towns")

    # The invitation.
    page.goto("/verwaltung/konten/einladen")
    page.get_by_label("E-Mail-Adresse").fill("anna@example.org")
    page.get_by_label("Rolle").select_option("planner")
    page.get_by_label("Alphastadt").check()
    look(page, watch, "invite")
    with page.expect_navigation():
        page.get_by_role("button", name="Einladung senden").click()
    assert re.search(r"/verwaltung/konten/\d+$", page.url)
    assert "Einladung offen" in page.inner_text("main")
    look(page, watch, "account")
    page.goto("/verwaltung/konten")
    assert "anna@example.org" in page.inner_text("main")
    look(page, watch, "accounts")

    wait_for_jobs(app)
    link = re.search(r"http://localhost(/konto/einladung/\S+)", latest_mail(app, "anna@example.org")).group(1)

    # The planner, in a browser of their own.
    planner = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 800}, locale="de-DE")
    try:
        mine = planner.new_page()
        mine.goto(link)
        assert "mit der Rolle „Planung“ für Alphastadt" in mine.inner_text("main")
        if SHOTS:
            mine.screenshot(path=f"{SHOTS}/admin-accept-360.png", full_page=True)
        mine.get_by_label("Öffentlicher Name").fill("Anna Plan")
        mine.get_by_label("Passwort", exact=True).fill("a long new password")
        mine.get_by_label("Passwort wiederholen").fill("a long new password")
        mine.get_by_label("Ich habe die Datenschutzerklärung gelesen.").check()
        with mine.expect_navigation():
            mine.get_by_role("button", name="Speichern und anmelden").click()
        assert mine.url.endswith("/alpha/")
        assert "Angemeldet als Anna Plan" in mine.inner_text("header")
        mine.get_by_role("link", name="Neues Projekt").click()
        mine.wait_for_url("**/alpha/projekte/neu")
        # The link worked once.
        mine.goto(link)
        assert mine.url == live_server + "/"
        assert "wurde schon benutzt" in mine.inner_text("main")
    finally:
        planner.close()
