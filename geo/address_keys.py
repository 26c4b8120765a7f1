"""Search keys for addresses: what residents type against what the address list holds.

`normalise` makes "Hauptstr. 5a" and "Hauptstraße 5a" meet, `parse_query`
splits "Hauptstraße 5 a, 17033" into street key, house number and postcode.
"""
from __future__ import annotations

import re
import unicodedata

_STREET_SUFFIX = re.compile(r"str(?:asse|aße)?\.?(?=[\s,-]|$)")
#: "…stras" / "…strass" at the very end: someone is still typing "straße".
_TYPING_STRASSE = re.compile(r"stra(?:ss?|ß)$")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/]+")
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_HOUSE_NUMBER = re.compile(r"(?:^|\s)(\d{1,4})\s*([a-zA-ZäöüÄÖÜ](?![\w.]))?\s*$")


def normalise(text: str) -> str:
    """A search key for a street name: "Karl-Marx-Str." and "Karl Marx Straße" give the same key.

    Lower case (not ``casefold``, which would turn ß into ss), "str." /
    "str" / "strasse" at the end of a word become "straße", umlauts and ß stay,
    dots and commas go, hyphens and whitespace collapse to one space. Keys are
    matched by their start, so a key of half-typed text is the start of the
    full one: "Hauptstras" gives "hauptstraß", "Karl-Marx-S" gives "karl marx s".

    Parameters
    ----------
    text : str
        A street name as a file or a person writes it.

    Returns
    -------
    str
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    key = unicodedata.normalize("NFC", text).lower()
    key = _STREET_SUFFIX.sub("straße", key)
    key = key.replace(".", " ").replace(",", " ")
    key = _SEPARATORS.sub(" ", key).strip()
    return _TYPING_STRASSE.sub("straß", key)


def number_key(text: str) -> str:
    """A house number as compared: "5 A" and "5a" are the same."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).lower()


def parse_query(text: str) -> tuple[str, str | None, str | None]:
    """Split what a resident typed into street key, house number and postcode.

    Understands "Hauptstr 5a", "Hauptstraße 5 a, 17033", "17033 Hauptstraße" and
    "Hauptstraße 5, 17033 Musterstadt" (a place after a comma is ignored).

    Returns
    -------
    (str, str or None, str or None)
        The street key (`normalise`), the house number (`number_key`) and the
        five-digit postcode; None for what was not given.
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    text = unicodedata.normalize("NFC", text)[:300]
    postcode_match = _POSTCODE.search(text)
    postcode = postcode_match.group(1) if postcode_match else None
    if postcode_match:
        text = text[:postcode_match.start()] + " " + text[postcode_match.end():]
    parts = [part.strip() for part in text.split(",")]
    street_part = next((part for part in parts if re.search(r"[^\W\d_]", part)), "")
    number = None
    match = _HOUSE_NUMBER.search(street_part)
    if match:
        number = number_key(match.group(1) + (match.group(2) or ""))
        street_part = street_part[:match.start()]
    elif not street_part:
        digits = next((part for part in parts if re.fullmatch(r"\d{1,4}\s*[a-zA-Z]?", part)), None)
        number = number_key(digits) if digits else None
    return normalise(street_part), number, postcode
