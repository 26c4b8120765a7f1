"""Cleaning text a person typed before it is stored."""
from __future__ import annotations

import re

#: Bidirectional controls (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI; LRM, RLM; ALM): they reorder
#: what follows, so "Amt‮moc.exe" reads otherwise than it is. Right-to-left text needs none of them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_bidi_controls(value):
    """`value` without bidirectional control characters; None and non-strings pass unchanged.

    A WTForms filter for one-line fields (``filters=[strip_bidi_controls]``) and the text
    normalisation of comments.
    """
    return BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value
