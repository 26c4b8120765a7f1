"""The words for a statute's kind and legal status, in one place for every page, form, feed and export.

Stored values are the enum members; people read these labels (German by default).
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participation.statutes.models import DocumentKind, LegalStatus, PeriodKind, StatuteKind

KIND_LABELS = {
    StatuteKind.BEBAUUNGSPLAN: _l("Development plan"),
    StatuteKind.VORHABENBEZOGEN: _l("Project-related development plan"),
    StatuteKind.FNP_AENDERUNG: _l("Amendment of the land-use plan"),
    StatuteKind.ERHALTUNGSSATZUNG: _l("Conservation statute"),
    StatuteKind.GESTALTUNGSSATZUNG: _l("Design statute"),
    StatuteKind.VERAENDERUNGSSPERRE: _l("Development freeze"),
    StatuteKind.OTHER: _l("Other statute"),
}

#: In the order of the procedure (the enum's order).
STATUS_LABELS = {
    LegalStatus.PLANNING_DECISION: _l("Decision to draw up the plan"),
    LegalStatus.EARLY_PARTICIPATION: _l("Early participation"),
    LegalStatus.PUBLIC_DISPLAY: _l("Public display"),
    LegalStatus.ADOPTED: _l("Adopted by the council"),
    LegalStatus.IN_FORCE: _l("In force"),
    LegalStatus.REPEALED: _l("Repealed"),
}

#: The colour of a statute's area on the register map and of its status badge (#rrggbb).
#: Chosen to be told apart with the common colour-vision deficiencies; the legend names each.
STATUS_COLOURS = {
    LegalStatus.PLANNING_DECISION: "#8c6d31",
    LegalStatus.EARLY_PARTICIPATION: "#e6a100",
    LegalStatus.PUBLIC_DISPLAY: "#d1495b",
    LegalStatus.ADOPTED: "#6a51a3",
    LegalStatus.IN_FORCE: "#1b7837",
    LegalStatus.REPEALED: "#6b6b6b",
}

DOCUMENT_KIND_LABELS = {
    DocumentKind.PLAN: _l("Plan"),
    DocumentKind.JUSTIFICATION: _l("Justification"),
    DocumentKind.ENVIRONMENTAL_REPORT: _l("Environmental report"),
    DocumentKind.LEGAL_TEXT: _l("Legal text"),
    DocumentKind.ANNOUNCEMENT: _l("Announcement"),
    DocumentKind.OTHER: _l("Other document"),
}

PERIOD_KIND_LABELS = {
    PeriodKind.EARLY: _l("Early participation"),
    PeriodKind.DISPLAY: _l("Public display"),
}


def kind_label(kind: StatuteKind) -> str:
    return str(KIND_LABELS[StatuteKind(kind)])


def status_label(status: LegalStatus) -> str:
    return str(STATUS_LABELS[LegalStatus(status)])


def statute_title(statute) -> str:
    """"Bebauungsplan Nr. 12 „Am Mühlenteich“" as one line for links, headings, mails and feeds."""
    if statute.number:
        return _("{kind} No. {number} “{title}”").format(
            kind=kind_label(statute.kind), number=statute.number, title=statute.title)
    return _("{kind} “{title}”").format(kind=kind_label(statute.kind), title=statute.title)
