"""What a page with comments shows of them: the list at the person's view and the state of the form."""
from __future__ import annotations

import json
from dataclasses import replace

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import get_translations
from flask_login import current_user
from shapely.geometry import mapping

from participation.addresses.queries import address_list

from participation.comments.forms import CommentForm, ReportForm
from participation.comments.permissions import comment_refusal
from participation.comments.queries import ListView, comment_page
from participation.comments.subjects import Subject, is_statute, subject_key, subject_url
from participation.comments.tallies import map_version
from participation.statutes.text import paragraph_label


def list_context(subject: Subject, list_view: ListView) -> dict:
    """The context of comments/_list.html (and the comments in it) for a project's or statute's page."""
    if list_view.category_id not in {c.id for c in subject.categories}:
        list_view = replace(list_view, category_id=None)  # another project's category, or an old link
    page = comment_page(subject, current_user, list_view)
    return dict(
        subject=subject,
        page=page,
        list_view=replace(list_view, page=page.number),  # past the last page shows the last
        report_form=ReportForm(),
        refusal=comment_refusal(current_user, subject),
        max_length=current_app.config["COMMENT_MAX_LENGTH"],
    )


def comment_form(subject: Subject, form: CommentForm | None) -> CommentForm:
    """The form a refused comment came back with, or an empty one."""
    return form or comment_form_for(subject, formdata=None)


def comment_form_for(subject: Subject, **kwargs) -> CommentForm:
    """The comment form of a project or statute (on a statute with its paragraphs to choose from)."""
    paragraphs = []
    if is_statute(subject):
        paragraphs = [(p.anchor, paragraph_label(section, p)) for section in subject.sections for p in section.paragraphs]
    return CommentForm(subject=subject, paragraphs=paragraphs, **kwargs)


def comment_map_attributes(subject: Subject, refusal: str | None) -> dict:
    """The data attributes of a map with comments (static/js/project-map.js): where its pins come from,
    the area a pin must lie in, and what it says, translated."""
    statute = is_statute(subject)
    attributes = {
        "data-project-map": "",
        "data-page-url": subject_url(subject),
        "data-comments-tiles": _tile_template(subject),
        "data-comments-version": str(map_version(subject_key(subject))),
        "data-comments-version-url": (url_for("api.statute_comments_version", statute_id=subject.id) if statute
                                      else url_for("api.comments_version", project_id=subject.id)),
        "data-map-max-age": str(current_app.config["MAP_DATA_MAX_AGE"]),
        "data-area": json.dumps(mapping(subject.area)) if subject.area is not None else "",
        "data-pin-enabled": "false" if refusal else "true",
        "data-msg-outside": (_("The pin lies outside the statute's area. Please place it inside the outlined area.")
                             if statute else
                             _("The pin lies outside the project area. Please place it inside the outlined area.")),
        "data-msg-placed": _("Pin placed. You can move it by clicking elsewhere or with the keyboard."),
        "data-msg-removed": _("No place chosen: the comment will be sent without a pin."),
        "data-msg-loading": _("Loading comments…"),
        "data-msg-loaded-one": _count_placeholder(1),
        "data-msg-loaded": _count_placeholder(2),
        "data-msg-truncated": _("The map shows the newest %(shown)s of %(total)s comments here; zoom in to see all.",
                                shown="{shown}", total="{total}"),
        "data-msg-error": _("The comments could not be loaded. Please try again later."),
        "data-msg-open": _("Read in the list"),
        "data-msg-cluster": _("{n} comments here: zoom in"),
        "data-msg-mode-badge": _("Marking a place: click or tap"),
        "data-msg-two-fingers": _("Use two fingers to move the map"),
    }
    if statute:
        attributes.update({
            "data-plan-objects-url": url_for("api.statute_plan_objects", statute_id=subject.id),
            "data-msg-objects-one": _("One plan object lies at the pin; you can comment on it."),
            "data-msg-objects": _("{n} plan objects lie at the pin; you can comment on one of them."),
        })
    return attributes


def _tile_template(subject: Subject) -> str:
    """The address of the subject's comment tiles with "{z}", "{x}" and "{y}" for the script to fill in."""
    if is_statute(subject):
        address = url_for("api.statute_comment_tile", statute_id=subject.id, z=0, x=0, y=0)
    else:
        address = url_for("api.comment_tile", project_id=subject.id, z=0, x=0, y=0)
    return address.removesuffix("/0/0/0.json") + "/{z}/{x}/{y}.json"


def _count_placeholder(n: int) -> str:
    """The singular (n = 1) or plural of "n comments shown" with "{n}" for the script to fill in."""
    words = get_translations().ngettext("%(num)s comment shown on the map.", "%(num)s comments shown on the map.", n)
    return words % {"num": "{n}"}


def has_addresses(town) -> bool:
    """Whether the town has an address list, so that a pin can be placed by typing an address."""
    imported = address_list(town)
    return imported is not None and imported.address_count > 0
