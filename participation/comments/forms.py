from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, MultipleFileField, SelectField, TextAreaField
from wtforms.validators import Length, Optional


def form_id(raw: str | None) -> object:
    """An id chosen in a form as the API would send it: digits as an int, the placeholder ("0" or empty)
    as none chosen, anything else as it came, for services.parse_comment to refuse with its own message."""
    if raw in (None, "", "0"):
        return None
    # At most 18 digits: int() of thousands of digits is refused by Python itself, and no id is that long.
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return raw


class CommentForm(FlaskForm):
    """Renders the comment form and checks its CSRF token, nothing more: the view hands the values
    to services.parse_comment, which decides for the form and the JSON API alike."""

    text = TextAreaField(_l("Your comment"))
    #: The placeholder "0" means that nothing was chosen; the view passes every other value on as sent.
    category = SelectField(_l("Category"), validate_choice=False)
    #: Filled by the map script when a pin is placed; empty for a comment without a place.
    lon = HiddenField()
    lat = HiddenField()
    #: On a statute: the anchor of the paragraph commented on (its "Comment" button chooses it too).
    paragraph = SelectField(_l("On which paragraph?"), validate_choice=False)
    #: On a statute: the plan object at the pin commented on, "<layer id>:<feature id>"; the choices are
    #: the plan objects at the pin, which the page's script asks the server for.
    plan_object = SelectField(_l("On which plan object?"), validate_choice=False,
                              description=_l("The plan objects at the pin; choose one to comment on it."))
    notify = BooleanField(_l("Tell me by e-mail when the town answers my comment"))
    #: Checked by participation.comments.photos (by content, not by name or by this `accept`).
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/jpeg,image/png,image/webp"})

    def __init__(self, *args, subject=None, paragraphs=(), **kwargs):
        """`paragraphs`: (anchor, label) of a statute's paragraphs, to choose from."""
        super().__init__(*args, **kwargs)
        self.photos.description = _(
            "Up to {count} photos (JPEG, PNG or WebP), each at most {size} MB. They are shown with your comment; "
            "the location and other details stored in the files are removed.").format(
            count=current_app.config["PHOTOS_PER_COMMENT"], size=current_app.config["PHOTO_MAX_BYTES"] // 2**20)
        categories = subject.categories if subject is not None else []
        self.paragraph.choices = [("", _l("The statute as a whole"))] + list(paragraphs)
        self.plan_object.choices = [("", _l("None: the place only"))]
        if self.plan_object.data and self.plan_object.data != "":  # kept when a refused comment comes back
            self.plan_object.choices.append((self.plan_object.data, self.plan_object.data))
        # A placeholder first, so that nobody files a comment under the first category by accident.
        self.category.choices = [(0, _l("Please choose"))] + [(c.id, c.name) for c in categories]
        # Only for the browser (`required`, no "(optional)" on the label); parse_comment enforces it.
        self.text.flags.required = True
        self.category.flags.required = bool(categories)


class ReplyForm(FlaskForm):
    """CSRF only, like CommentForm: services.parse_comment checks the text."""

    text = TextAreaField(_l("Your reply"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.flags.required = True


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("Why should the moderators look at this comment?"), validators=[Optional(), Length(max=500)])


class EditCommentForm(FlaskForm):
    """The author's change of a comment or reply: CSRF only, like CommentForm; services.parse_comment
    checks the text and category. A reply has no category; the pin stays where it is."""

    text = TextAreaField(_l("Your comment"))
    #: The placeholder "0" means that nothing was chosen, as in CommentForm.
    category = SelectField(_l("Category"), validate_choice=False)

    def __init__(self, *args, comment, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.flags.required = True
        if comment.parent_id is not None:
            self.text.label.text = _l("Your reply")
            del self.category
            return
        categories = comment.subject.categories
        self.category.choices = [(0, _l("Please choose"))] + [(c.id, c.name) for c in categories]
        self.category.flags.required = bool(categories)
