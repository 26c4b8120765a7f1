"""Real headless Chromium against the app on a loopback port.

One browser per session, a fresh context (cookies, storage) per test. Every
page a test opens is watched for console errors, uncaught exceptions, CSP
violations and requests to any host but the test server; `audit(page)` adds
an axe-core run (WCAG 2.1 A/AA) for the page currently shown.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext

from participation.accounts.models import Role

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    # This hook sees the whole session's items; mark only the ones in this folder.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is absent: apt-get install -y chromium"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Remember whether the test body failed, so teardown does not report it twice.
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright refuses --user-data-dir with launch(); it gives every
        # launch a fresh temporary profile directory of its own instead.
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


# Pushed into window.__csp by every document: the console message is the
# first signal, this one also catches violations reported without a log line.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@dataclass
class Watch:
    """What went wrong on the pages of one browser context."""
    host: str
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    #: Console errors a test expects (e.g. the 404 status of a 404 page), matched against "console: text @ url".
    allowed: list[re.Pattern] = field(default_factory=list)

    def console(self, msg):
        text = msg.text
        line = f"console: {text} @ {msg.location.get('url')}"
        if "Content Security Policy" in text:
            self.csp.append(text)
        elif msg.type == "error" and not any(p.search(line) for p in self.allowed):
            self.errors.append(line)

    def allow_status(self, code: int, path: str):
        """Expect the browser's console error for a document at `path` answered with `code`."""
        self.allowed.append(re.compile(rf"status of {code} \(.* @ http://{re.escape(self.host + path)}$"))

    def request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != self.host:
            self.foreign.append(request.url)

    def check(self, page=None):
        csp_dom = []
        if page is not None and not page.is_closed() and page.url.startswith(f"http://{self.host}/"):
            csp_dom = page.evaluate("() => window.__csp || []")
        problems = (
            [f"console or page error: {e}" for e in self.errors]
            + [f"CSP violation: {c}" for c in self.csp + csp_dom]
            + [f"request to another host: {u}" for u in self.foreign]
        )
        assert problems == [], "\n".join(problems)


@pytest.fixture
def context(browser, live_server, request):
    """A fresh browser context; its pages are watched, and checked at the end of the test.

    Parametrize it indirectly with a dict to change new_context options (viewport …).
    """
    options = {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE", **getattr(request, "param", {})}
    ctx = browser.new_context(base_url=live_server, **options)
    ctx.set_default_timeout(10_000)
    watch = Watch(host=urlsplit(live_server).netloc)
    ctx.add_init_script(CSP_LISTENER)
    ctx.on("request", watch.request)
    # Recorded above as a failure; never let such a request leave the machine.
    # A regex (not a Python callable) is matched inside the driver: only foreign requests are intercepted.
    ctx.route(re.compile("^(?!" + re.escape(live_server + "/") + ")"), lambda route: route.abort())

    def attach(page):
        page.on("console", watch.console)
        page.on("pageerror", lambda exc: watch.errors.append(f"pageerror: {exc}"))

    ctx.on("page", attach)
    ctx.watch = watch
    ctx.lang = options["locale"][:2]
    yield ctx
    try:
        # Whatever happened after the last audit() (late errors, requests) still counts.
        if not getattr(request.node, "call_failed", True):
            for p in [p for p in ctx.pages if not p.is_closed()] or [None]:
                watch.check(p)
    finally:
        ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def watch(context):
    return context.watch


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the current page.

    The source goes in through page.evaluate (DevTools Runtime.evaluate), which
    the page's CSP does not govern, so the CSP stays enforced for the checks.
    """
    result = page.evaluate(
        _axe_source()
        + ";\naxe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})"
        % json.dumps(WCAG_TAGS)
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:10],
         "summary": [n.get("failureSummary", "")[:300] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


#: The narrowest screen every page must fit without scrolling sideways (CSS px).
PHONE_WIDTH = 360
_TOO_WIDE = """width => [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.leaflet-container') && (e.getBoundingClientRect().right > width + 1
                 || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')))
    .slice(-8).map(e => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`
                        + ` (content ${e.scrollWidth}px)`)"""


def _at_widths(page, check) -> list[str]:
    """`check(page, width)`'s findings at the page's own width and at 360 px; the viewport is narrowed
    for the 360 px check and restored afterwards."""
    size = page.viewport_size
    problems = []
    for width in dict.fromkeys((size["width"], PHONE_WIDTH)):
        if width != size["width"]:
            page.set_viewport_size({"width": width, "height": size["height"]})
        try:
            problems += check(page, width)
        finally:
            if width != size["width"]:
                page.set_viewport_size(size)
    return problems


def sideways_overflow(page) -> list[str]:
    """Where the current page is wider than its viewport, at its own size and at 360 px; [] if nowhere."""
    def check(page, width):
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width <= width:
            return []
        return [f"at {width}px the page is {scroll_width}px wide: {page.evaluate(_TOO_WIDE, width)}"]
    return _at_widths(page, check)


#: Controls a person clicks, taps or reads as one: two of them drawn over each other is a defect.
_OVERLAPS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, label, summary, [role=button]';
  const clipped = (el, rect) => {
    let {left, top, right, bottom} = rect;
    for (let box = el.parentElement; box; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const r = box.getBoundingClientRect();
      left = Math.max(left, r.left); top = Math.max(top, r.top);
      right = Math.min(right, r.right); bottom = Math.min(bottom, r.bottom);
    }
    return {left, top, right, bottom, width: Math.max(0, right - left), height: Math.max(0, bottom - top)};
  };
  const boxes = [];
  for (const el of document.querySelectorAll(selector)) {
    // Map content (markers, shapes) may overlap by nature; the map's own controls may not.
    if (el.closest('.leaflet-pane')) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const style = getComputedStyle(el);
    if (style.clipPath !== 'none' || (style.clip && style.clip !== 'auto')) continue;  // visually hidden
    // One box per line: a link that wraps is two boxes, not the rectangle around both lines. Each box is cut
    // to the scrolling boxes around it: what a list scrolled out of its own box does not cover the page.
    const rects = [...el.getClientRects()].map(r => clipped(el, r)).filter(r => r.width > 2 && r.height > 2);
    if (rects.length) boxes.push({el, rects});
  }
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '')
    + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].el, b = boxes[j].el;
      if (a.contains(b) || b.contains(a)) continue;
      // A label drawn around its own control is one control.
      if ((a.tagName === 'LABEL' && a.control === b) || (b.tagName === 'LABEL' && b.control === a)) continue;
      const overlap = boxes[i].rects.some(r => boxes[j].rects.some(q =>
        Math.min(r.right, q.right) - Math.max(r.left, q.left) > 2
        && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 2));
      if (overlap) hits.push(name(a) + ' over ' + name(b));
    }
  }
  return hits.slice(0, 10);
}"""


def overlapping_controls(page) -> list[str]:
    """Visible interactive elements drawn over each other, at the page's own size and at 360 px; [] if none."""
    return _at_widths(page, lambda page, width: [f"at {width}px: {hit}" for hit in page.evaluate(_OVERLAPS)])


def audit(page, watch: Watch):
    """Assert the current page is clean: axe, no sideways scrolling and no controls drawn over each other
    (own size and 360 px), console, CSP, hosts."""
    violations = run_axe(page)
    assert violations == [], f"axe violations on {page.url}:\n" + json.dumps(violations, indent=2, ensure_ascii=False)
    overflow = sideways_overflow(page)
    assert overflow == [], f"{page.url} scrolls sideways:\n" + "\n".join(overflow)
    overlaps = overlapping_controls(page)
    assert overlaps == [], f"{page.url} draws controls over each other:\n" + "\n".join(overlaps)
    watch.check(page)


def latest_mail(app, to: str) -> str:
    """The body of the newest .eml written for `to`."""
    folder = Path(app.instance_path) / "mail"
    for path in sorted(folder.glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            return message.get_content()
    raise AssertionError(f"no mail to {to} in {folder}")


def project_path(project) -> str:
    return f"/{project.municipality.slug}/projekte/{project.id}"


def wait_for_map(page):
    """Wait until the project map has loaded its comments from the API."""
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-map-status]');"
        " return s && /\\d/.test(s.textContent); }"
    )


def log_in(page, user, password):
    """Log in through the form, as a user would."""
    page.goto("/konto/anmelden")
    page.fill("#email", user.email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/konto/anmelden" not in page.url, f"login as {user.email} failed"


def map_point(page, lon: float, lat: float) -> dict:
    """Where (lon, lat) lies inside the map container, in CSS pixels."""
    return page.evaluate(
        """([lon, lat]) => {
          const el = document.querySelector('[data-project-map] [data-map-name]');
          const p = window[el.dataset.mapName].latLngToContainerPoint([lat, lon]);
          return {x: p.x, y: p.y};
        }""",
        [lon, lat],
    )


def tab_to(page, selector: str, limit: int = 80):
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")


@pytest.fixture
def de(app):
    """The German text of a msgid, as the pages render it (the msgid itself while untranslated)."""
    def translate(msgid: str, **params) -> str:
        with app.test_request_context(), force_locale("de"):
            return gettext(msgid, **params)
    return translate


@pytest.fixture
def gis(create_user, town):
    """A GIS-team member of `town` (the browser tests log in through the form)."""
    return create_user(Role.GIS, towns=[town])
