"""Public names that cannot pass for someone else's."""
from __future__ import annotations

import unicodedata

from disarm import skeleton_key


def name_skeleton(name: str) -> str:
    """The key two names share when they look alike: NFKC, case fold, then the Unicode TR 39
    confusable skeleton (``Planungsаmt`` with a Cyrillic а and ``PLANUNGSAMT`` both give
    ``planungsamt``). Stored in ``User.pseudonym_skeleton``, which is unique."""
    folded = unicodedata.normalize("NFKC", name.strip()).casefold()
    # skeleton_key also drops bidi controls and invisible characters, and folds case again
    # after the confusable mapping (Ω → ω → w), so that the key is a fixed point.
    return skeleton_key(folded)
