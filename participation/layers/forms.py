"""The fields every layer has: name, description, source and attribution."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from participation.web.text import strip_bidi_controls


class LayerMetadata:
    """The fields every layer has, shared by upload and edit forms."""

    name = StringField(_l("Name"), filters=[strip_bidi_controls], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    source = StringField(_l("Source"), description=_l("Who keeps the data, and its date, e.g. “Zweckverband, ALKIS 2026-10”."),
                         filters=[strip_bidi_controls], validators=[Optional(), Length(max=300)])
    attribution = StringField(_l("Licence and attribution"),
                              description=_l("Shown on every map with this layer, e.g. “© GeoBasis-DE/LGB, dl-de/by-2-0”."),
                              filters=[strip_bidi_controls], validators=[Optional(), Length(max=300)])


class LayerForm(LayerMetadata, FlaskForm):
    pass
