"""Jinja filters and globals shared by all templates."""
from __future__ import annotations

import re

import markdown as md
import nh3
from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal
from markupsafe import Markup

from geo.errors import GeoInputError
from geo.layers.sandbox import run_limited
from participation.web.colours import is_colour

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, sanitised: no scripts, no styles, no images from elsewhere."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    # Headings in content sit below the page's own h1 (before cleaning, which drops h1).
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


#: Up to this length Markdown is rendered in the web process: its worst case (1 000 × ``[``, 0.19 s
#: measured) costs no more than starting the child process that bounds longer texts.
_IN_PROCESS_CHARS = 1_000


class MarkdownTooComplex(Exception):
    """The text did not render within its time or memory limit (Python-Markdown is quadratic on ``[``)."""


def render_markdown_bounded(text: str, *, timeout: float, memory_bytes: int = 512 * 2**20) -> Markup:
    """`render_markdown` with a time and memory limit, for a text about to be stored.

    Longer texts render in a child process that is stopped after `timeout`
    seconds; `MarkdownTooComplex` then says that the text cannot be stored.
    """
    if len(text) <= _IN_PROCESS_CHARS:
        return render_markdown(text)
    try:
        return Markup(run_limited("participation.web.templating:render_markdown", text,
                                  timeout=timeout, memory_bytes=memory_bytes))
    except GeoInputError as error:  # the sandbox's words for a timeout, memory or a crash
        raise MarkdownTooComplex(str(error)) from None


def safe_color(value: str | None) -> str:
    """A colour for a style sheet, or a neutral grey if it is not ``#rrggbb``."""
    return value if is_colour(value) else "#666666"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["safe_color"] = safe_color
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    #: A number in the reader's language ("40,5" in German), with `digits` decimals.
    app.jinja_env.filters["decimal"] = lambda value, digits=1: format_decimal(
        value, format=f"#,##0.{'0' * digits}" if digits else "#,##0")
    app.jinja_env.globals["config_value"] = lambda key: current_app.config.get(key)
