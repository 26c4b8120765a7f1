"""Every page speaks one language: German by default, English on request — and the catalog is complete."""
from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from participation.accounts import tokens
from participation.accounts.models import Role, User
from participation.comments.models import Report
from participation.extensions import db
from tests.conftest import PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "participation/translations/de/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
GERMAN = re.compile(
    r"[äöüÄÖÜß]|\b(und|oder|der|die|das|dem|den|nicht|Sie|Ihre?|für|mit|ein|eine|zur|zum|auf|bitte|Bitte|"
    r"Kommentare?|Anmelden|Abmelden|Registrieren|Passwort|Projekte?|Karte|Seite|Startseite|Datenschutz|"
    r"Barrierefreiheit|Beteiligung\w*|Hinweis\w*|Fehler|Zurück)\b"
)


def read_catalog():
    with PO.open("rb") as file:
        return read_po(file)


@cache
def _german() -> dict[str, str]:
    return {m.id: m.string for m in read_catalog() if m.id and isinstance(m.id, str)}


def german(msgid: str) -> str:
    """The German text for `msgid` as the catalog has it now."""
    text = _german().get(msgid)
    assert text and text != msgid, f"no German translation for {msgid!r}"
    return text


class _Text(HTMLParser):
    """Visible text and user-facing attributes, leaving out scripts, styles and other-language parts."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self):
        super().__init__()
        self.lang, self.stack, self.texts = None, [], []

    def _hidden(self):
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
            return
        skip = tag in ("script", "style") or ("lang" in attrs and attrs["lang"] != self.lang)
        if not skip and not self._hidden():
            self.texts += [v for k, v in attrs.items() if v and (k in self.ATTRIBUTES or k.startswith("data-msg-"))]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden():
            self.texts.append(text)


def visible_texts(html: str) -> tuple[str | None, list[str]]:
    parser = _Text()
    parser.feed(html)
    return parser.lang, parser.texts


@pytest.fixture
def pages(app, create_town, create_user, create_project, create_comment):
    """All pages of a small site with neutral ASCII content, as (name, client, url) for each role."""
    town = create_town(slug="alpha", name="Alpha Town")
    planner = create_user(role=Role.PLANNER, towns=[town])
    resident = create_user()
    project = create_project(town=town, title="Project Alpha", categories=(("Alpha", "#1f77b4"), ("Beta", "#2ca02c")))
    comment = create_comment(project, resident, text="A neutral remark")
    create_comment(project, planner, text="A neutral reply", parent=comment)
    with app.app_context():
        db.session.add(Report(comment_id=comment.id, user_id=planner.id, reason="Off topic"))
        db.session.commit()
        reset = tokens.make_token(db.session.get(User, resident.id), tokens.RESET)
    show = f"/alpha/projekte/{project.id}"

    def render(prepare):
        anonymous, as_resident, as_planner = (app.test_client() for _ in range(3))
        for client, user in ((anonymous, None), (as_resident, resident), (as_planner, planner)):
            prepare(client)
            if user:
                client.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD,
                                                     "csrf_token": csrf_token(client)})
        visits = [(anonymous, url) for url in (
            "/", "/alpha/", show, "/konto/anmelden", "/konto/registrieren", "/konto/passwort-vergessen",
            f"/konto/passwort-neu/{reset}", "/konto/bestaetigung-erneut", "/impressum", "/datenschutz",
            "/barrierefreiheit", "/alpha/no-such-page", "/api-nowhere/x/y")]
        visits += [(as_resident, show), (as_resident, "/")]
        visits += [(as_planner, url) for url in (
            show, "/alpha/projekte/neu", f"{show}/bearbeiten", "/alpha/moderation", "/alpha/einstellungen")]
        rendered = []
        for client, url in visits:
            response = client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            rendered.append((url, response.get_data(as_text=True)))
        # Forms with errors and flashed messages.
        failed = anonymous.post("/konto/registrieren", data={"csrf_token": csrf_token(anonymous, "/konto/registrieren")})
        rendered.append(("register with errors", failed.get_data(as_text=True)))
        failed = anonymous.post("/konto/anmelden", data={"email": "nobody@example.org", "password": "wrong",
                                                         "csrf_token": csrf_token(anonymous)})
        rendered.append(("failed login", failed.get_data(as_text=True)))
        return rendered
    return render


def operator_content(app) -> list[str]:
    """Configured texts that are the operator's, not the interface's."""
    return [app.config[key] for key in ("OPERATOR_NAME", "OPERATOR_ADDRESS", "BASEMAP_ATTRIBUTION")]


def english_by_header(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def english_by_switcher(client):
    # The explicit choice beats the browser's language.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-DE,de;q=0.9"
    response = client.post("/language", data={"lang": "en", "next": "/impressum", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and response.headers["Location"] == "/impressum"


@pytest.mark.parametrize("choose", [english_by_header, english_by_switcher])
def test_english_pages_have_no_german(app, pages, choose):
    problems = []
    for url, html in pages(choose):
        lang, texts = visible_texts(html)
        assert lang == "en", url
        for text in texts:
            for content in operator_content(app):
                text = text.replace(content, "")
            if GERMAN.search(text):
                problems.append((url, text))
    assert not problems, "German text on English pages:\n" + "\n".join(map(str, problems))


def untranslated_patterns() -> list[re.Pattern]:
    """For each msgid whose German text differs: a pattern matching it with any values filled in."""
    patterns = []
    for message in read_catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, msgid in enumerate(ids):
            if msgid in strings[min(index, len(strings) - 1):]:
                continue  # the same word in both languages
            literal = PLACEHOLDER.split(msgid)
            if sum(c.isalpha() for part in literal for c in part) < 3:
                continue
            patterns.append(re.compile(".+?".join(re.escape(part) for part in literal)))
    return patterns


def test_german_pages_have_no_english(pages):
    patterns = untranslated_patterns()
    problems = []
    for url, html in pages(lambda client: None):
        lang, texts = visible_texts(html)
        assert lang == "de", url
        problems += [(url, text) for text in texts if any(p.fullmatch(text) for p in patterns)]
    assert not problems, "English text on German pages:\n" + "\n".join(map(str, problems))


def test_language_choice_persists_and_can_be_undone(client):
    assert '<html lang="de">' in client.get("/impressum").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/")})
    for url in ("/impressum", "/konto/anmelden", "/"):
        assert '<html lang="en">' in client.get(url).get_data(as_text=True), url
    client.post("/language", data={"lang": "xx", "csrf_token": csrf_token(client, "/")})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "de", "csrf_token": csrf_token(client, "/")})
    assert '<html lang="de">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_unsupported_browser_language_falls_back_to_german(client):
    assert '<html lang="de">' in client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)


def test_catalog_is_complete():
    catalog = read_catalog()
    missing = [m.id for m in catalog if m.id and not all(
        m.string if isinstance(m.string, tuple) else (m.string,))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    # Placeholders must match, or formatting the German text fails at run time.
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert not errors, errors


def test_catalog_covers_every_message_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as file:
        extracted = {m.id for m in read_po(file) if m.id}
    known = {m.id for m in read_catalog() if m.id}
    missing = sorted(map(str, extracted - known))
    assert not missing, f"not in the catalog (run `make extract-messages` and translate): {missing}"
