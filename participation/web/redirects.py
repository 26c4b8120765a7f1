"""Redirect targets that come from the user (`?next=`, the language switcher): only paths on this site."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

#: Control characters (CR, LF, TAB, DEL, C1) and line/paragraph separators: never part of a path,
#: and a Location header with CR or LF cannot even be sent (werkzeug raises, a 500).
_FORBIDDEN_CATEGORIES = {"Cc", "Zl", "Zp"}


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects, no header injection)."""
    if not target:
        return None
    if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
