"""NUL characters in input: no legitimate input contains them, and PostgreSQL
cannot store them in text. Form values and the strings of a JSON body lose
them (a pasted text is kept, as meant: the same for the HTML form and the
API); a query string or path with one is refused before any view runs."""
from __future__ import annotations

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    return value


class CleanRequest(Request):
    def get_json(self, *args, **kwargs):
        return _without_nul(super().get_json(*args, **kwargs))

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
    if any("\x00" in value for value in request.args.values()):
        abort(400)


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    app.before_request(_refuse_nul)
