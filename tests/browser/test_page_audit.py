"""Every page in a real browser: axe WCAG 2.1 A/AA, no console errors, no CSP
violations, no request to another host — in German and, for the main pages, English."""
from __future__ import annotations

import pytest

from participation.accounts import tokens
from participation.accounts.models import User
from participation.comments.models import Comment, Report
from participation.database.mixins import utcnow
from participation.extensions import db
from tests.browser.conftest import audit, log_in, project_path, wait_for_map
from tests.conftest import PASSWORD
from tests.statutes.test_statute_comments import TEXT, add_period

pytestmark = pytest.mark.browser


@pytest.fixture
def site(app, create_town, create_project, create_user, create_comment, create_statute):
    """A town with a project in participation, comments with a pin, a reply and a report; a statute in its
    public display with its text and a statement."""
    town = create_town(slug="neubrandenburg", name="Neubrandenburg")
    project = create_project(town=town)
    resident, other = create_user(), create_user()
    planner = create_user(role="planner", towns=[town])
    admin = create_user(role="admin")
    pinned = create_comment(project, resident, text="Mehr Bäume am Markt")
    create_comment(project, other, text="Ja, bitte", parent=pinned)
    create_comment(project, other, text="Ohne Ort", location=None)
    own = create_comment(project, resident, text="Noch ohne Antwort")
    invited = create_user(role="planner", towns=[town], confirmed=False)
    with app.app_context():
        db.session.add(Report(comment_id=pinned.id, user_id=other.id, reason="Bitte prüfen"))
        stored = db.session.get(User, invited.id)
        stored.invited_at = utcnow()
        db.session.commit()
        token = tokens.make_token(stored, tokens.INVITE)
    statute = create_statute(town=town, number="12", sections=TEXT)
    add_period(app, statute)
    with app.app_context():
        db.session.add(Comment(statute_id=statute.id, author_id=other.id, text="Stellungnahme zu § 1",
                               paragraph_anchor=statute.sections[0].paragraphs[0].anchor, reference="BP12-2026-0001"))
        db.session.commit()
    return {"town": town, "project": project, "resident": resident, "planner": planner, "admin": admin,
            "own": own, "pinned": pinned, "invited": invited, "token": token, "statute": statute}


def _path(name: str, site) -> str:
    slug, project = site["town"].slug, site["project"]
    statute = f"/{slug}/satzungen/{site['statute'].id}"
    return {
        "start": "/",
        "town": f"/{slug}/",
        "project": project_path(project),
        "login": "/konto/anmelden",
        "register": "/konto/registrieren",
        "forgot": "/konto/passwort-vergessen",
        "imprint": "/impressum",
        "privacy": "/datenschutz",
        "accessibility": "/barrierefreiheit",
        "project-new": f"/{slug}/projekte/neu",
        "project-edit": f"{project_path(project)}/bearbeiten",
        "moderation": f"/{slug}/moderation",
        "town-settings": f"/{slug}/einstellungen",
        "comment-edit": f"/{slug}/kommentare/{site['own'].id}/bearbeiten",
        "admin": "/verwaltung/",
        "admin-towns": "/verwaltung/kommunen",
        "admin-town-new": "/verwaltung/kommunen/neu",
        "admin-town-edit": f"/verwaltung/kommunen/{slug}/bearbeiten",
        "admin-accounts": "/verwaltung/konten",
        "admin-invite": "/verwaltung/konten/einladen",
        "admin-account": f"/verwaltung/konten/{site['invited'].id}",
        "invitation": f"/konto/einladung/{site['token']}",
        "statutes": f"/{slug}/satzungen",
        "statute": statute,
        "statute-new": f"/{slug}/satzungen/neu",
        "statute-edit": f"{statute}/bearbeiten",
        "statute-text": f"{statute}/text",
        "statute-documents": f"{statute}/dokumente",
        "statute-periods": f"{statute}/fristen",
        "statute-import": f"/{slug}/satzungen/import",
        "here": f"/{slug}/was-gilt-hier?lon=13.255&lat=53.552",
        "addresses": f"/{slug}/adressen",
        "moderation-new": f"/{slug}/moderation?status=neu",
        "moderation-comment": f"/{slug}/moderation/kommentare/{site['pinned'].id}",
        "answer": f"/{slug}/kommentare/{site['pinned'].id}/antwort",
        "weighing-project": f"{project_path(project)}/abwaegung",
        "weighing-statute": f"{statute}/abwaegung",
        "results-statute": f"{statute}/ergebnisse",
        "intake-project": f"{project_path(project)}/eingabe-erfassen",
        "intake-statute": f"{statute}/eingabe-erfassen",
        "duplicates-project": f"{project_path(project)}/aehnliche-eingaben",
        "notifications": "/konto/benachrichtigungen",
        "exports": f"/{slug}/exporte",
    }[name]


PAGES = [
    ("start", None), ("town", None), ("project", None), ("project", "resident"), ("project", "planner"),
    ("login", None), ("register", None), ("forgot", None),
    ("imprint", None), ("privacy", None), ("accessibility", None),
    ("project-new", "planner"), ("project-edit", "planner"), ("moderation", "planner"), ("town-settings", "planner"),
    ("comment-edit", "resident"), ("invitation", None),
    ("admin", "admin"), ("admin-towns", "admin"), ("admin-town-new", "admin"), ("admin-town-edit", "admin"),
    ("admin-accounts", "admin"), ("admin-invite", "admin"), ("admin-account", "admin"),
    ("statutes", None), ("statute", None), ("statute", "resident"), ("statute", "planner"), ("here", None),
    ("statute-new", "planner"), ("statute-edit", "planner"), ("statute-text", "planner"),
    ("statute-documents", "planner"), ("statute-periods", "planner"), ("statute-import", "planner"),
    ("addresses", "planner"),
    ("moderation-new", "planner"), ("moderation-comment", "planner"), ("answer", "planner"),
    ("weighing-project", "planner"), ("weighing-statute", "planner"), ("results-statute", None),
    ("intake-project", "planner"), ("intake-statute", "planner"), ("duplicates-project", "planner"),
    ("notifications", "resident"), ("notifications", "planner"),
    ("exports", "planner"),
]


LANGUAGES = [{"locale": "de-DE"}, {"locale": "en-GB"}]


@pytest.mark.parametrize("context", LANGUAGES, indirect=True, ids=["de", "en"])
@pytest.mark.parametrize(("name", "who"), PAGES, ids=[f"{n}-{w or 'anonymous'}" for n, w in PAGES])
def test_page_is_clean(context, page, watch, site, name, who):
    """Each page in German and English (the browser's language), at 1280 px and 360 px (`audit`)."""
    if who:
        log_in(page, site[who], PASSWORD)
    response = page.goto(_path(name, site))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == context.lang
    assert page.locator("h1").count() == 1
    if name == "project":
        wait_for_map(page)
        assert page.get_by_text("Mehr Bäume am Markt").is_visible()
    if name == "moderation":
        assert page.get_by_text("Bitte prüfen").is_visible()
    if name == "statute":
        wait_for_map(page)
        assert page.get_by_text("Stellungnahme zu § 1").is_visible()
    audit(page, watch)


def test_not_found_page_is_clean(page, watch):
    # The browser logs the document's own 404 status as a console error; that one is expected.
    watch.allow_status(404, "/gibt-es-nicht/projekte/999999")
    response = page.goto("/gibt-es-nicht/projekte/999999")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Seite nicht gefunden"
    audit(page, watch)


def test_english_via_the_language_switcher(page, watch, site):
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Log in").first.is_visible()
    audit(page, watch)

    page.goto(project_path(site["project"]))
    assert page.locator("html").get_attribute("lang") == "en"
    wait_for_map(page)
    assert page.get_by_role("heading", name="Write a comment").is_visible()
    audit(page, watch)
