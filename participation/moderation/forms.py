from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from participation.comments.queries import positive_int
from participation.web.text import strip_bidi_controls

#: Hidden comments show the reason publicly, in the place of their text.
REASON_MAX_LENGTH = 500


def _clean(value):
    value = strip_bidi_controls(value)
    return value.strip() if isinstance(value, str) else value


class ActionForm(FlaskForm):
    """An action without input (approve, restore, keep, unblock): the CSRF token only."""


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason, shown publicly in the comment's place"),
        filters=[_clean],
        validators=[DataRequired(message=_l("Please give the reason; it is shown in the comment's place.")),
                    Length(max=REASON_MAX_LENGTH)],
    )


class DuplicateForm(FlaskForm):
    number = StringField(_l("Number of the comment it repeats"), filters=[_clean],
                         description=_l("The number shown in the moderation queue, e.g. 12."),
                         validators=[DataRequired(message=_l("Please enter the number of the comment this one repeats."))])

    def validate_number(self, field):
        if positive_int(field.data) is None:
            raise ValidationError(_l("Please enter the number of the comment this one repeats."))


class BlockForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the block (for the moderation log)"),
        filters=[_clean],
        validators=[DataRequired(message=_l("Please give the reason for the block.")), Length(max=REASON_MAX_LENGTH)],
    )


class BulkForm(FlaskForm):
    """The queue's bulk action: the selected comments come as `kommentar` values, read by the view."""

    #: Which button was pressed.
    action = StringField(validators=[AnyOf(["approve", "hide"], message=_l("Please choose an action."))])
    reason = TextAreaField(_l("Reason for hiding, shown publicly in each comment's place"), filters=[_clean],
                           validators=[Length(max=REASON_MAX_LENGTH)])

    def validate_reason(self, field):
        if self.action.data == "hide" and not field.data:
            raise ValidationError(_l("Please give the reason; it is shown in the comments' place."))
