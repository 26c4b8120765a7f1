"""Forms sent with mistakes: the errors are tied to their fields and the page stays accessible."""
from __future__ import annotations

import pytest

from tests.browser.conftest import audit, log_in, project_path
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _error_of(page, field_id: str) -> str:
    """The text of the error the field points to with aria-describedby."""
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true"
    ids = (field.get_attribute("aria-describedby") or "").split()
    assert f"{field_id}-error" in ids, ids
    return page.locator(f"#{field_id}-error").inner_text().strip()


def test_register_errors_are_announced_per_field(page, watch):
    # The browser logs the re-rendered form's 400 status as a console error; that one is expected.
    watch.allow_status(400, "/konto/registrieren")
    page.goto("/konto/registrieren")
    page.get_by_label("E-Mail-Adresse").fill("not-an-address")
    page.get_by_label("Passwort", exact=True).fill("short")
    with page.expect_navigation():
        page.get_by_role("button", name="Konto anlegen").click()
    assert _error_of(page, "email")
    assert _error_of(page, "password")
    assert _error_of(page, "accept_privacy")
    # The hint stays referenced next to the error.
    assert "password-hint" in page.locator("#password").get_attribute("aria-describedby").split()
    assert page.locator("#pseudonym").get_attribute("aria-invalid") == "true"
    audit(page, watch)


def test_wrong_password_shows_an_alert(page, watch, create_user):
    watch.allow_status(401, "/konto/anmelden")
    user = create_user()
    page.goto("/konto/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort").fill("wrong password!")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.get_by_role("alert").inner_text().strip() == "E-Mail-Adresse oder Passwort ist falsch."
    audit(page, watch)


def test_empty_comment_is_refused_with_an_alert_at_the_form(page, watch, create_project, create_user):
    project = create_project()
    log_in(page, create_user(), PASSWORD)
    page.goto(project_path(project))
    # Skip the browser's own check of `required` to reach the server's answer.
    page.locator("[data-comment-form]").evaluate("f => { f.noValidate = true; }")
    watch.allow_status(400, f"{project_path(project)}/kommentare")  # the browser logs the page's own status
    with page.expect_navigation():
        page.get_by_role("button", name="Kommentar absenden").click()
    # The page itself answers (400), the form as sent; the address bar shows the page's address.
    assert page.url.endswith(f"{project_path(project)}#comment-form")
    alerts = page.get_by_role("alert")
    # Both missing fields are named: the text and the category (no default category is chosen).
    assert alerts.filter(has_text="Bitte schreiben Sie einen Kommentar.").is_visible()
    assert alerts.filter(has_text="Bitte wählen Sie eine der Kategorien").is_visible()
    audit(page, watch)
