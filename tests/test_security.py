"""Security headers, cookies, CSRF, error pages and escaping of user content."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participation.accounts.models import Role, User
from participation.comments.models import Comment, Support
from participation.config import DEV_SECRET_KEY
from participation.extensions import db
from participation.projects.models import Project
from participation.web.templating import render_markdown
from tests.conftest import INSIDE, PASSWORD, csrf_token, extra_app
from tests.test_i18n import german

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
STYLE_TAG = re.compile(r"<style\b([^>]*)>", re.I)
NONCE = re.compile(r"""\bnonce="([^"]+)\"""")


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def throwaway_app(app, **config):
    return extra_app({
        "INSTANCE_PATH": app.instance_path,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "another-test-secret",
        "MAIL_SERVER": "",
        **config,
    })


@pytest.fixture
def site(create_town, create_user, create_project, create_comment):
    town = create_town(slug="alpha")
    project = create_project(town=town)
    comment = create_comment(project, create_user())
    return town, project, comment


def test_html_pages_have_a_strict_policy(client, site, create_user, login):
    town, project, _ = site
    login(create_user(role=Role.PLANNER, towns=[town]))
    urls = ["/", "/alpha/", f"/alpha/projekte/{project.id}", f"/alpha/projekte/{project.id}/bearbeiten",
            "/alpha/projekte/neu", "/alpha/moderation", "/impressum", "/alpha/nothing-here"]
    for url in urls:
        response = client.get(url)
        assert response.mimetype == "text/html", url
        policy = directives(response)
        [nonce] = [v[len("'nonce-"):-1] for v in policy["script-src"] if v.startswith("'nonce-")]
        assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"], url
        assert not any("unsafe" in v for v in policy["script-src"] + policy["style-src"] + policy["default-src"])
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
        html = response.get_data(as_text=True)
        scripts = SCRIPT_TAG.findall(html)
        assert scripts, url
        for attributes, body in scripts:
            if body.strip() or "src=" not in attributes:
                assert NONCE.findall(attributes) == [nonce], (url, attributes)
        for attributes in STYLE_TAG.findall(html):
            assert NONCE.findall(attributes) == [nonce], (url, attributes)
        # The policy blocks inline handlers and style attributes, so the pages must not rely on them.
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), url
        assert not re.search(r"<[^>]+\sstyle\s*=", html), url


def test_nonce_is_new_for_every_request(client):
    nonces = {directives(client.get("/"))["script-src"][1] for _ in range(3)}
    assert len(nonces) == 3


def test_json_and_static_responses_are_not_sniffed(client):
    for url in ("/api/v1/projects", "/static/js/project-map.js", "/healthz"):
        with client.get(url) as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff", url


def session_cookie(response, name="session") -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
    return cookie


def test_session_cookie_is_http_only_and_same_site(client):
    cookie = session_cookie(client.get("/konto/anmelden"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test app serves plain HTTP


def test_production_cookies_are_secure(app, create_user):
    user = create_user()
    production = throwaway_app(app, ENV_NAME="production", SECRET_KEY="x" * 48, SESSION_COOKIE_SECURE=True,
                               BASE_URL="https://localhost")
    client = production.test_client()
    page = client.get("/konto/anmelden", base_url="https://localhost")
    cookie = session_cookie(page)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    # Over HTTPS, Flask-WTF also wants a same-origin Referer.
    response = client.post("/konto/anmelden", base_url="https://localhost",
                           headers={"Referer": "https://localhost/konto/anmelden"},
                           data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token})
    assert response.status_code == 302
    remember = session_cookie(response, "remember_token")
    assert "Secure" in remember and "HttpOnly" in remember


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, ""])
def test_production_refuses_an_unsafe_secret_key(app, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        throwaway_app(app, ENV_NAME="production", SECRET_KEY=secret, SESSION_COOKIE_SECURE=True,
                      BASE_URL="https://localhost")


def test_production_refuses_insecure_cookies(app):
    with pytest.raises(RuntimeError, match="SESSION_COOKIE_SECURE"):
        throwaway_app(app, ENV_NAME="production", SECRET_KEY="x" * 48, SESSION_COOKIE_SECURE=False,
                      BASE_URL="https://localhost")


def test_posts_without_csrf_token_are_refused(app, client, site, create_user, login):
    _, project, comment = site
    login(create_user())
    show = f"/alpha/projekte/{project.id}"
    message = german("The form has expired or was sent from elsewhere. Please reload the page and try again.")
    anonymous = app.test_client()
    attempts = [
        (anonymous, "/konto/anmelden", {"email": "a@example.org", "password": PASSWORD}),
        (anonymous, "/konto/registrieren", {"email": "b@example.org", "pseudonym": "Someone", "password": PASSWORD,
                                           "password_repeat": PASSWORD, "accept_privacy": "y"}),
        (client, f"{show}/kommentare", {"text": "Forged", "category": project.categories[0].id}),
        (client, f"/alpha/kommentare/{comment.id}/unterstuetzen", {}),
        (client, "/language", {"lang": "en"}),
        (client, "/konto/abmelden", {}),
    ]
    for who, url, data in attempts:
        response = who.post(url, data=data)
        assert response.status_code == 400, url
        assert message in response.get_data(as_text=True), url
    api = client.post(f"/api/v1/projects/{project.id}/comments", json={"text": "Forged", "category_id": project.categories[0].id})
    assert api.status_code == 400 and api.get_json()["error"] == message

    page = client.get(show).get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Forged" not in page
    assert 'action="/konto/abmelden"' in page  # still logged in
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 1
        assert db.session.scalar(select(func.count(Support.comment_id))) == 0
        assert db.session.scalar(select(func.count(User.id))) == 2
    # With the token the same API request goes through.
    ok = client.post(f"/api/v1/projects/{project.id}/comments", headers={"X-CSRFToken": csrf_token(client, show)},
                     json={"text": "Real", "category_id": project.categories[0].id})
    assert ok.status_code == 201


ERRORS = {
    403: ("Access denied", "You are not allowed to do this."),
    404: ("Page not found", "There is no page at this address. It may have been moved or removed."),
    405: ("Method not allowed", "This address does not accept this kind of request."),
    500: ("Something went wrong", "An unexpected error occurred. It has been logged; please try again later."),
}


@pytest.fixture
def error_pages(app, site, create_user):
    """A client that meets each error, on an app with a route that fails."""
    broken = throwaway_app(app)

    @broken.get("/kaputt")
    def kaputt():
        raise ValueError("secret internal detail")

    resident = create_user()
    client = broken.test_client()
    client.post("/konto/anmelden", data={"email": resident.email, "password": PASSWORD,
                                         "csrf_token": csrf_token(client)})
    return client, {403: "/alpha/moderation", 404: "/nowhere/at/all", 405: "/konto/abmelden", 500: "/kaputt"}


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_error_pages_are_localised(error_pages, code):
    client, urls = error_pages
    title, text = ERRORS[code]
    english = client.get(urls[code], headers={"Accept-Language": "en"})
    deutsch = client.get(urls[code])
    assert english.status_code == deutsch.status_code == code
    english, deutsch = english.get_data(as_text=True), deutsch.get_data(as_text=True)
    assert '<html lang="en">' in english and title in english and text in english
    assert '<html lang="de">' in deutsch and german(title) in deutsch and german(text) in deutsch
    assert title not in deutsch
    for page in (english, deutsch):
        assert "Traceback" not in page and "secret internal detail" not in page and "ValueError" not in page


def test_api_errors_are_json(client):
    response = client.get("/api/v1/projects/999999", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.get_json() == {"error": ERRORS[404][1]}


@pytest.mark.parametrize("source", [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert('x')>",
    "[click](javascript:alert('x'))",
    '<a href="javascript:alert(\'x\')">click</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<p style="position:fixed" onclick="alert(\'x\')">text</p>',
])
def test_markdown_is_sanitised(source):
    html = str(render_markdown("Intro\n\n" + source))
    assert "Intro" in html
    # Escaped text ("&lt;img …&gt;") is harmless; real tags and attributes are not.
    tags = re.findall(r"<[a-z][^>]*>", html, re.I)
    assert tags
    for tag in tags:
        assert not re.match(r"<(script|img|iframe)\b", tag, re.I), html
        assert not re.search(r"\s(on[a-z]+|style)\s*=|javascript:", tag, re.I), html


def test_markdown_keeps_formatting_and_safe_links():
    html = str(render_markdown("# Head\n\n**bold** and [site](https://example.org)\n\n### Sub"))
    assert "<h3>Sub</h3>" in html
    assert "<h2>Head</h2>" in html and "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html and "noopener" in html


def scripts_in(html: str) -> str:
    return " ".join(body for _attributes, body in SCRIPT_TAG.findall(html))


def test_user_content_is_escaped_in_pages(app, client, create_project, create_user, create_comment):
    payload = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    project = create_project(title="Title " + payload)
    with app.app_context():
        db.session.get(Project, project.id).description = "Text " + payload
        db.session.commit()
    create_comment(project, create_user(), text="Comment " + payload, location=INSIDE)
    for url in (f"/{project.municipality.slug}/", f"/{project.municipality.slug}/projekte/{project.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in html and 'alert("xss")' not in scripts_in(html), url
        assert "Title &lt;script&gt;" in html, url
    assert "Comment &lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html


def test_nul_characters_in_input_never_reach_the_database(app, client, create_user):
    from sqlalchemy import select

    from participation.accounts.models import User
    from participation.extensions import db

    assert client.get("/api/v1/projects?municipality=a%00b").status_code == 400
    assert client.get("/a%00b/").status_code == 404
    token = csrf_token(client, "/konto/registrieren")
    client.post("/konto/registrieren", data={
        "csrf_token": token, "email": "nul@example.org", "pseudonym": "Nul\x00 Person",
        "password": "long enough password", "password_repeat": "long enough password", "accept_privacy": "y"})
    with app.app_context():
        assert db.session.scalar(select(User.pseudonym).where(User.email == "nul@example.org")) == "Nul Person"


def test_make_test_runs_the_security_lint_before_pytest():
    """Finding 13: ruff with the flake8-bandit rules runs in `make test`, before the suite."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    target = re.search(r"^test:.*?\n((?:\t.*\n)+)", (root / "Makefile").read_text(), re.M).group(1)
    assert "ruff check" in target and target.index("ruff check") < target.index("pytest")


def test_the_lint_catches_what_bandit_knows(tmp_path):
    """The configured rules find a shell command and SQL built from input (fails if "S" is not selected)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    planted = tmp_path / "planted.py"
    planted.write_text('import subprocess\n\n\ndef run(name, db):\n'
                       '    subprocess.call("ls " + name, shell=True)\n'
                       '    db.execute(f"SELECT * FROM comment WHERE text = \'{name}\'")\n')
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "--config", str(root / "pyproject.toml"), "--no-cache",
                             "--output-format", "concise", str(planted)], capture_output=True, text=True)
    assert result.returncode == 1 and "S602" in result.stdout and "S608" in result.stdout, result.stdout
