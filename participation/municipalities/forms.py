from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import StringField
from wtforms.validators import DataRequired, Length

LOGO_MAX_BYTES = 512 * 1024


class TownSettingsForm(FlaskForm):
    name = StringField(_l("Name of the town"), validators=[DataRequired(), Length(max=120)])
    logo = FileField(
        _l("Logo"),
        description=_l("SVG or PNG, at most 512 KB. Leave empty to keep the current logo."),
        validators=[
            FileAllowed(["svg", "png"], _l("Please choose an SVG or PNG file.")),
            FileSize(LOGO_MAX_BYTES, message=_l("The logo may be at most 512 KB.")),
        ],
    )
