from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional



class CommentForm(FlaskForm):
    text = TextAreaField(_l("Your comment"), validators=[DataRequired()])
    category = SelectField(_l("Category"), coerce=int, validators=[Optional()])
    #: Filled by the map script when a pin is placed; empty for a comment without a place.
    lon = HiddenField()
    lat = HiddenField()

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.validators = [DataRequired(), Length(max=current_app.config["COMMENT_MAX_LENGTH"])]
        categories = project.categories if project is not None else []
        # A placeholder first, so that nobody files a comment under the first category by accident.
        self.category.choices = [(0, _l("Please choose"))] + [(c.id, c.name) for c in categories]
        if categories:
            self.category.validators = [DataRequired(message=_l("Please choose one of the project's categories."))]
            self.category.flags.required = True  # flags are read from the class's validators otherwise


class ReplyForm(FlaskForm):
    text = TextAreaField(_l("Your reply"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.validators = [DataRequired(), Length(max=current_app.config["COMMENT_MAX_LENGTH"])]


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("Why should the moderators look at this comment?"), validators=[Optional(), Length(max=500)])
