"""The page checks themselves can fail: each one notices the problem it is for."""
from __future__ import annotations

import pytest

from tests.browser.conftest import overlapping_controls, run_axe, sideways_overflow

pytestmark = pytest.mark.browser


def _fails(watch, page) -> str:
    with pytest.raises(AssertionError) as failure:
        watch.check(page)
    # Start clean again, so the end-of-test check does not fail this test.
    watch.errors.clear(), watch.csp.clear(), watch.foreign.clear()
    page.evaluate("() => { window.__csp = []; }")
    return str(failure.value)


def test_axe_reports_an_image_without_text(page, watch):
    page.goto("/")
    assert run_axe(page) == []
    page.evaluate("() => { const i = document.createElement('img'); i.src = 'data:,'; document.querySelector('main').append(i); }")
    assert "image-alt" in [v["id"] for v in run_axe(page)]


def test_a_page_wider_than_a_phone_is_reported_and_the_viewport_restored(page, watch):
    page.goto("/")
    assert sideways_overflow(page) == []
    # 500 px fit the desktop viewport, but not a 360 px phone.
    page.evaluate("() => { const d = document.createElement('div'); d.id = 'wide'; d.style.width = '500px';"
                  " d.style.height = '1em';"
                  " document.querySelector('main').append(d); }")
    problems = sideways_overflow(page)
    assert len(problems) == 1 and problems[0].startswith("at 360px") and "div. 5" in problems[0]
    assert page.viewport_size["width"] == 1280


def test_controls_drawn_over_each_other_are_reported_at_either_width(page, watch):
    page.goto("/")
    assert overlapping_controls(page) == []
    # Two buttons, the second pulled over the first, as the comment actions once were
    # (styles set through the DOM: the CSP refuses style attributes).
    page.evaluate("""() => {
        const box = document.createElement('div');
        box.innerHTML = '<button id="first" type="button">Erster</button><button id="second" type="button">Zweiter</button>';
        document.querySelector('main').append(box);
        document.getElementById('second').style.marginLeft = '-2.5em';
    }""")
    problems = overlapping_controls(page)
    assert [p.split(":")[0] for p in problems] == ["at 1280px", "at 360px"]
    assert "button#first" in problems[0] and "button#second" in problems[0]
    # Side by side, and a label around its own checkbox, are fine.
    page.evaluate("""() => {
        document.getElementById('second').style.marginLeft = '1em';
        const label = document.createElement('label');
        label.innerHTML = '<input type="checkbox"> Ja';
        document.querySelector('main').append(label);
    }""")
    assert overlapping_controls(page) == []
    # Hidden by CSS: not drawn, so not a problem.
    page.evaluate("() => { const s = document.getElementById('second'); s.style.marginLeft = '-2.5em';"
                  " s.style.visibility = 'hidden'; }")
    assert overlapping_controls(page) == []


def test_console_errors_and_uncaught_exceptions_are_caught(page, watch):
    page.goto("/")
    watch.check(page)
    page.evaluate("() => console.error('broken on purpose')")
    assert "broken on purpose" in _fails(watch, page)
    page.evaluate("() => { setTimeout(() => { throw new Error('thrown on purpose'); }); }")
    page.wait_for_function("() => new Promise(r => setTimeout(() => r(true), 50))")
    assert "thrown on purpose" in _fails(watch, page)


def test_inline_script_without_nonce_is_a_csp_violation(page, watch):
    page.goto("/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s); }")
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("() => window.__ran") is None
    assert "CSP violation: " in _fails(watch, page)


def test_requests_to_other_hosts_are_reported_and_blocked(context, page, watch):
    page.goto("/")
    # A second tab: the failed navigation must not disturb the page that is checked.
    other = context.new_page()
    with pytest.raises(Exception):  # aborted by the context's route, never sent
        other.goto("http://192.0.2.1/tile.png")
    other.close()
    assert watch.foreign == ["http://192.0.2.1/tile.png"]
    assert "request to another host: http://192.0.2.1/tile.png" in _fails(watch, page)
