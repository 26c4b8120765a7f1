"""Tests of the Flask-free geo package."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from geo.errors import GeoInputError

CATALOG = Path(__file__).resolve().parents[2] / "participation" / "translations" / "de" / "LC_MESSAGES" / "messages.po"


@cache
def german_msgids() -> frozenset[str]:
    with CATALOG.open("rb") as handle:
        return frozenset(message.id for message in read_po(handle) if message.id)


def raises_catalogued(function, *args) -> GeoInputError:
    """Call `function`, expect a GeoInputError whose message the German catalog lists; return it."""
    with pytest.raises(GeoInputError) as caught:
        function(*args)
    error = caught.value
    assert error.message in german_msgids(), f"not in {CATALOG.name}: {error.message!r}"
    # The parameters fit the message, so the web layer can format the translation.
    assert str(error) == error.message.format(**error.params)
    return error
