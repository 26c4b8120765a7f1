"""Messages shown where the person acted — at the comment they supported, the form they sent — not
only in the flash area at the top of the page, which is off screen by then.

A targeted message is an ordinary flash whose category carries the id of the element it concerns
(``"success@comment-12"``). A template shows it there with ``feedback_at(target)`` (templates/_feedback.html);
the flash area of base.html leaves out the messages whose target the page shows. Which targets a page
shows, features tell through `register_targets`: a function from the template context to element ids.
A message whose target is not on the page (the comment moved to another page of the list meanwhile)
stays in the flash area, so that no message is lost.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, current_app, flash, get_flashed_messages
from jinja2 import pass_context

_SEPARATOR = "@"
#: The kinds of KERN alert; any other flash category is shown as "info".
KINDS = ("success", "danger", "warning", "info")

TargetFinder = Callable[[Mapping[str, Any]], Iterable[str]]


def flash_at(target: str, message: str, category: str = "success") -> None:
    """Flash `message` for the element with id `target` (e.g. "comment-12")."""
    flash(message, f"{category}{_SEPARATOR}{target}")


def _messages() -> list[tuple[str, str | None, str]]:
    """(kind, target or None, message) for each flashed message of this request."""
    found = []
    for category, message in get_flashed_messages(with_categories=True):
        kind, _, target = str(category).partition(_SEPARATOR)
        found.append((kind if kind in KINDS else "info", target or None, message))
    return found


def messages_at(target: str) -> list[tuple[str, str]]:
    """(kind, message) of the messages flashed for `target`."""
    return [(kind, message) for kind, at, message in _messages() if at == target]


def has_targeted_messages() -> bool:
    return any(at is not None for _kind, at, _message in _messages())


@pass_context
def general_messages(context) -> list[tuple[str, str]]:
    """(kind, message) for the flash area: messages without a target, and those whose target this page
    does not show."""
    shown = {target for finder in current_app.extensions.get("feedback_targets", ()) for target in finder(context)}
    return [(kind, message) for kind, at, message in _messages() if at is None or at not in shown]


def register_targets(app: Flask, finder: TargetFinder) -> None:
    """Tell the flash area which targets a page shows: `finder(context)` gives their ids."""
    finders = app.extensions.setdefault("feedback_targets", [])
    if finder not in finders:
        finders.append(finder)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(messages_at=messages_at, general_messages=general_messages,
                                 has_targeted_messages=has_targeted_messages)
