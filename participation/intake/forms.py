from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from participation.comments.labels import CHANNEL_LABELS
from participation.comments.models import Channel
from participation.web.text import strip_bidi_controls

#: The ways input reaches the town besides this site, in the order of the radio buttons.
CHANNELS = (Channel.LETTER, Channel.EMAIL, Channel.WORKSHOP)


def _strip(value: str | None) -> str:
    return strip_bidi_controls(value or "").strip()


class IntakeForm(FlaskForm):
    """A planner enters input received by letter, e-mail or at a workshop. The form checks the fields
    of the entry itself; text, category, paragraph and place go to comments.services.parse_comment,
    which decides them as for a resident's comment, and the received day's bounds are the service's."""

    channel = RadioField(_l("How did the input reach the town?"), choices=[SelectChoice(c.value, CHANNEL_LABELS[c]) for c in CHANNELS],
                         validators=[InputRequired(_l("Choose how the input reached the town."))])
    received_on = DateField(_l("Date received"), validators=[InputRequired(_l("Enter the day the input was received."))],
                            description=_l("The day of the postmark, the e-mail or the workshop."))
    sender_name = StringField(_l("Name of the sender"), filters=[_strip], validators=[Length(max=200)],
                              description=_l("Needed for a letter or an e-mail, optional for input from a workshop. "
                                             "Never shown publicly and never exported."))
    sender_email = EmailField(_l("E-mail address of the sender"), filters=[_strip],
                              validators=[Optional(), Length(max=254),
                                          Email(_l("Enter a valid e-mail address, e.g. name@example.org."))],
                              description=_l("The sender is told of the outcome here (and gets the receipt of a "
                                             "formal statement)."))
    paragraph = SelectField(_l("On which paragraph?"), validate_choice=False)
    #: The placeholder "0" means that nothing was chosen, as in comments.forms.CommentForm.
    category = SelectField(_l("Category"), validate_choice=False)
    text = TextAreaField(_l("The input, in the sender's words"))
    lon = HiddenField()
    lat = HiddenField()
    scan = FileField(_l("Scan of the letter or the notes"),
                     description=_l("PDF, JPEG or PNG. Only the town's planners can open it."))

    def __init__(self, *args, subject, paragraphs=(), **kwargs):
        """`paragraphs`: (anchor, label) of a statute's paragraphs, to choose from."""
        super().__init__(*args, **kwargs)
        self.category.choices = [(0, _l("Please choose"))] + [(c.id, c.name) for c in subject.categories]
        self.paragraph.choices = [("", _l("The statute as a whole"))] + list(paragraphs)
        self.text.flags.required = True
        self.category.flags.required = bool(subject.categories)
