"""Yes or no."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from geo.errors import N_
from participation.surveys.questions import register
from participation.surveys.questions.single import SingleChoice


@register
class YesNo(SingleChoice):
    """A single choice of two fixed options."""

    kind = "yesno"
    label = _l("Yes/no")
    description = _l("A yes or a no.")
    settings = ()
    refusal = N_("Choose yes or no.")

    def check_settings(self, settings: dict) -> dict[str, str]:
        return {}

    def choices(self, question) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]
