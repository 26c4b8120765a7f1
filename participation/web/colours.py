"""The one colour format of the platform: ``#rrggbb``, checked wherever a colour comes in or goes out.

Colours end up in style sheets and SVG attributes, so nothing else may pass.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import Regexp

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_colour(value: object) -> bool:
    return isinstance(value, str) and HEX_COLOUR.match(value) is not None


def colour_or(value: object, default: str) -> str:
    """`value` in lower case if it is a colour, else `default`."""
    return value.lower() if is_colour(value) else default


def colour_validator() -> Regexp:
    """The form check for a colour field (with a colour picker the message is rarely seen)."""
    return Regexp(HEX_COLOUR, message=_l("Choose a colour."))
