"""A resident attaches a photo in the comment form and sees its thumbnail under the comment."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, log_in, project_path, wait_for_map
from tests.conftest import PASSWORD
from tests.photos.images import jpeg_with_gps

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("PHOTO_SHOTS")  # a folder: screenshots to look at


@pytest.mark.parametrize("context", [{"viewport": {"width": 1280, "height": 900}},
                                     {"viewport": {"width": 360, "height": 740}, "is_mobile": True,
                                      "has_touch": True}], indirect=True, ids=["desktop", "phone"])
def test_a_resident_attaches_a_photo_and_sees_the_thumbnail(page, watch, create_project, create_user):
    project = create_project()
    resident = create_user()
    log_in(page, resident, PASSWORD)
    page.goto(project_path(project))
    wait_for_map(page)
    form = page.locator("[data-comment-form]")
    form.get_by_label("Kategorie").select_option(label="Green")
    form.get_by_label("Ihr Kommentar").fill("Hier wächst Unkraut über den Gehweg.")
    form.get_by_label("Fotos").set_input_files([
        {"name": "IMG_0815.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps(1200, 900)},
        {"name": "IMG_0816.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps(600, 900)},
    ])
    with page.expect_navigation():
        form.get_by_role("button", name="Kommentar absenden").click()
    photos = page.locator(".comment-photos img")
    expect(photos).to_have_count(2)
    expect(photos.first).to_have_attribute("alt", f"Foto 1 von 2 zum Kommentar von {resident.pseudonym}")
    page.wait_for_function("() => [...document.querySelectorAll('.comment-photos img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate("() => document.querySelector('.comment-photos img').naturalWidth") == 400
    photos.first.scroll_into_view_if_needed()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/comment-photos-{page.viewport_size['width']}.png", full_page=True)
    audit(page, watch)
    # The link opens the full photo (fetched here: a browser test's own script cannot run in the sandboxed document).
    full = page.request.get(photos.first.locator("xpath=..").get_attribute("href"))
    assert full.ok and full.headers["content-type"] == "image/jpeg"
    assert b"Exif" not in full.body()
