"""Input no legitimate client sends, handled once for every route.

- NUL characters: PostgreSQL cannot store them in text. Form values and the
  strings of a JSON body lose them (a pasted text is kept, as meant: the same
  for the HTML form and the API); a query string or path with one is refused.
- JSON nested deeper than `MAX_JSON_DEPTH` (Python's parser would give up
  with a RecursionError at about 1 000 levels) or with a lone surrogate
  (``"\\ud800"``, text no database can encode) is refused with a 400 and a
  message, whether or not the view asked for ``silent`` parsing: it is JSON,
  but not input to act on.
- An integer in a path beyond `MAX_URL_INT` names nothing (every id column is
  32 bits on PostgreSQL; SQLite's driver overflows at 64): 404 before the
  view, so that no view's query sees it.
"""
from __future__ import annotations

from flask import Flask, Request, abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest

#: The largest integer a URL may carry: ids are 32-bit integers on PostgreSQL.
MAX_URL_INT = 2**31 - 1
#: The API's bodies are three levels deep (comment → location → coordinates).
MAX_JSON_DEPTH = 32


class _Refused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _too_deep() -> _Refused:
    return _Refused(_("The JSON is nested too deeply (at most {depth} levels).").format(depth=MAX_JSON_DEPTH))


def _clean_text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Refused(_("The JSON contains text that is not valid Unicode (a lone surrogate).")) from None
    return value.replace("\x00", "")


def _clean(value, depth: int = 0):
    """`value` without NUL, or _Refused for nesting beyond MAX_JSON_DEPTH or invalid text."""
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, (list, dict)) and depth >= MAX_JSON_DEPTH:
        raise _too_deep()
    if isinstance(value, list):
        return [_clean(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {_clean_text(key): _clean(item, depth + 1) for key, item in value.items()}
    return value


class CleanRequest(Request):
    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return _clean(super().get_json(force=force, silent=silent, cache=cache))
        except RecursionError:
            raise BadRequest(_too_deep().message) from None
        except _Refused as refused:
            raise BadRequest(refused.message) from None

    def on_json_loading_failure(self, e: ValueError | None):
        if e is None:  # not sent as JSON: werkzeug's 415
            return super().on_json_loading_failure(e)
        raise BadRequest(_("The request body is not valid JSON.")) from e

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\x00" in value for value in form.values()):
            self.__dict__["form"] = ImmutableMultiDict(
                (key, value.replace("\x00", "")) for key, value in form.items(multi=True)
            )


def _refuse_nul() -> None:
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400, _("The address contains a NUL character."))


def _refuse_ids_out_of_range() -> None:
    if any(isinstance(value, int) and not 0 <= value <= MAX_URL_INT for value in (request.view_args or {}).values()):
        abort(404)


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    app.before_request(_refuse_nul)
    app.before_request(_refuse_ids_out_of_range)
