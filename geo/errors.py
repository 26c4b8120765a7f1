"""Errors for bad geographic input, translatable by the caller.

`geo/` has no Flask and so no Babel: messages are English msgids marked with
`N_` (extracted by pybabel), and the web layer translates them with the
parameters filled in after translation.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


class GeoInputError(ValueError):
    """Input that cannot be used, with a message a person can act on."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params
