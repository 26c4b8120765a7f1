"""The style and popup form of a layer."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, FieldList, FormField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import ColorInput

from participation.layers.styles.rules import MAX_CATEGORIES, MAX_POPUP_ROWS, POINT_SYMBOLS
from participation.web.colours import colour_validator
from participation.web.text import strip_bidi_controls

_POINT_LABELS = {"circle": _l("Circle"), "square": _l("Square"), "triangle": _l("Triangle"), "diamond": _l("Diamond")}


class CategoryForm(FlaskForm):
    class Meta:
        csrf = False  # part of the style form

    value = StringField(_l("Value"), validators=[Optional(), Length(max=200)])
    colour = StringField(_l("Colour"), widget=ColorInput(), default="#2f6f9f", validators=[Optional(), colour_validator()])
    label = StringField(_l("Label in the legend"), filters=[strip_bidi_controls], validators=[Optional(), Length(max=200)])


class PopupRowForm(FlaskForm):
    class Meta:
        csrf = False

    attribute = SelectField(_l("Attribute"), validate_choice=True, choices=[])
    show = BooleanField(_l("Show in the popup"))
    label = StringField(_l("Label"), filters=[strip_bidi_controls], validators=[Optional(), Length(max=100)])


class StyleForm(FlaskForm):
    fill = StringField(_l("Fill colour"), widget=ColorInput(), validators=[colour_validator()])
    stroke = StringField(_l("Line colour"), widget=ColorInput(), validators=[colour_validator()])
    opacity = DecimalField(_l("Fill opacity (0 to 1)"), places=2, validators=[DataRequired(), NumberRange(0, 1)])
    width = DecimalField(_l("Line width in pixels"), places=1, validators=[DataRequired(), NumberRange(0, 20)])
    point = SelectField(_l("Point symbol"), choices=[SelectChoice(symbol, _POINT_LABELS[symbol]) for symbol in POINT_SYMBOLS],
                        validate_choice=True)
    categorise_by = SelectField(_l("Colour by attribute"), validate_choice=True, choices=[],
                                description=_l("Each value of this attribute gets its own colour and legend entry."))
    categories = FieldList(FormField(CategoryForm), min_entries=0, max_entries=MAX_CATEGORIES)
    popup = FieldList(FormField(PopupRowForm), min_entries=0, max_entries=MAX_POPUP_ROWS)
    #: "save", or "fill" to fill the category rows from the attribute's values.
    action = HiddenField(default="save")

    def validate(self, extra_validators=None) -> bool:
        """The fields, then that no two legend entries share a colour (other values included)."""
        valid = super().validate(extra_validators)
        if not self.categorise_by.data:
            return valid
        used = {(self.fill.data or "").lower(): _("other values")}
        for row in self.categories:
            value, colour = row.form.value.data, (row.form.colour.data or "").lower()
            if not value or row.form.colour.errors:
                continue
            if colour in used:
                row.form.colour.errors.append(_("This colour is already used in the legend for “%(other)s”; "
                                                "give each entry its own colour.", other=used[colour]))
                valid = False
            used.setdefault(colour, value)
        return valid
