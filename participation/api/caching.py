"""Cache-Control for public map data, so that browsers and the reverse proxy (nginx `proxy_cache`,
see the README) answer repeats without asking the app.

An address that names the current version of the data (`v`) never changes its answer: it may be
kept for a year. Any other address may be kept for `MAP_DATA_MAX_AGE` seconds, the longest anyone
sees an old pin. Data only some accounts may see (a draft) is kept by nobody but the browser.
"""
from __future__ import annotations

from flask import Response, current_app

from participation.comments.subjects import Subject, can_view_subject
from participation.web import shared_cache


def anonymous_user():
    """Someone without an account: what everybody may see, whoever asks."""
    return current_app.login_manager.anonymous_user()


def map_cache_headers(response: Response, subject: Subject, *, versioned: bool) -> Response:
    if not can_view_subject(anonymous_user(), subject):
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    return public_cache_headers(response, versioned=versioned)


def public_cache_headers(response: Response, *, versioned: bool) -> Response:
    """Data anybody may see: kept for a year if its address names its version, else MAP_DATA_MAX_AGE."""
    return shared_cache.public_cache_headers(response, versioned=versioned,
                                             max_age=current_app.config["MAP_DATA_MAX_AGE"])
