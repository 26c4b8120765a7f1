"""The style and popup form of a layer."""
from __future__ import annotations

import math

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DecimalField, FieldList, FloatField, FormField, HiddenField, IntegerField,
                     SelectChoice, SelectField, StringField, TextAreaField, ValidationError)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import ColorInput

from participation.layers.styles.classes import DEFAULT_CLASS_COUNT, MAX_CLASSES, MIN_CLASSES
from participation.layers.styles.rules import (MAX_CATEGORIES, MAX_POPUP_ROWS, MAX_VALUE_LABEL_LENGTH, MAX_VALUE_LABELS,
                                               POINT_SYMBOLS)
from participation.web.colours import colour_validator
from participation.web.text import strip_bidi_controls

_POINT_LABELS = {"circle": _l("Circle"), "square": _l("Square"), "triangle": _l("Triangle"), "diamond": _l("Diamond")}
#: "values" gives a numeric attribute one colour per value, like a text attribute.
CLASSIFY_CHOICES = [SelectChoice("equal", _l("Equal intervals")),
                    SelectChoice("quantile", _l("Quantiles (about as many features in each class)")),
                    SelectChoice("values", _l("Each value its own colour"))]


def parse_value_labels(text: str | None) -> tuple[dict[str, str], list[str]]:
    """``code = label`` lines as ``{code: label}``, and the errors of lines that are not such."""
    labels: dict[str, str] = {}
    errors: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        code, sign, label = line.partition("=")
        code, label = code.strip(), label.strip()
        if not sign or not code or not label:
            errors.append(_("Line %(number)s: write one “code = label” per line.", number=number))
        elif max(len(code), len(label)) > MAX_VALUE_LABEL_LENGTH:
            errors.append(_("Line %(number)s: codes and labels may have at most %(max)s characters.",
                            number=number, max=MAX_VALUE_LABEL_LENGTH))
        elif code in labels:
            errors.append(_("Line %(number)s: the code “%(code)s” already has a label.", number=number, code=code))
        else:
            labels[code] = label
    if len(labels) > MAX_VALUE_LABELS:
        errors.append(_("At most %(max)s value labels per attribute.", max=MAX_VALUE_LABELS))
    return labels, errors


def format_value_labels(labels: dict[str, str]) -> str:
    """The text of `parse_value_labels` for stored labels."""
    return "\n".join(f"{code} = {label}" for code, label in labels.items())


class NumberField(FloatField):
    """A finite number, shown without a needless ".0" (1950, not 1950.0)."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return str(int(self.data)) if self.data.is_integer() and abs(self.data) < 1e15 else repr(self.data)

    def pre_validate(self, form):
        if self.data is not None and not math.isfinite(self.data):
            raise ValidationError(_("Enter a number, e.g. 0.4."))


class CategoryForm(FlaskForm):
    class Meta:
        csrf = False  # part of the style form

    value = StringField(_l("Value"), validators=[Optional(), Length(max=200)])
    colour = StringField(_l("Colour"), widget=ColorInput(), default="#2f6f9f", validators=[Optional(), colour_validator()])
    label = StringField(_l("Label in the legend"), filters=[strip_bidi_controls], validators=[Optional(), Length(max=200)])


class ClassForm(FlaskForm):
    """One range of a numeric attribute; an empty label shows the range in the legend."""

    class Meta:
        csrf = False

    min = NumberField(_l("From"), validators=[Optional()], invalid_value_message=_l("Enter a number, e.g. 0.4."))
    max = NumberField(_l("To"), validators=[Optional()], invalid_value_message=_l("Enter a number, e.g. 0.4."))
    colour = StringField(_l("Colour"), widget=ColorInput(), default="#2f6f9f",
                         validators=[Optional(), colour_validator()])
    label = StringField(_l("Label in the legend"), filters=[strip_bidi_controls],
                        validators=[Optional(), Length(max=200)], description=_l("Empty: the range."))

    @property
    def is_empty(self) -> bool:
        return self.min.data is None and self.max.data is None and not self.min.errors and not self.max.errors


class PopupRowForm(FlaskForm):
    class Meta:
        csrf = False

    attribute = SelectField(_l("Attribute"), validate_choice=True, choices=[])
    show = BooleanField(_l("Show in the popup"))
    label = StringField(_l("Label"), filters=[strip_bidi_controls], validators=[Optional(), Length(max=100)])
    values = TextAreaField(_l("Value labels"), filters=[strip_bidi_controls],
                           validators=[Optional(), Length(max=(MAX_VALUE_LABEL_LENGTH * 2 + 4) * MAX_VALUE_LABELS)])

    def validate_values(self, field) -> None:
        _labels, errors = parse_value_labels(field.data)
        if errors:
            raise ValidationError(" ".join(errors))

    @property
    def value_labels(self) -> dict[str, str]:
        return parse_value_labels(self.values.data)[0]


class StyleForm(FlaskForm):
    fill = StringField(_l("Fill colour"), widget=ColorInput(), validators=[colour_validator()])
    stroke = StringField(_l("Line colour"), widget=ColorInput(), validators=[colour_validator()])
    opacity = DecimalField(_l("Fill opacity (0 to 1)"), places=2, validators=[DataRequired(), NumberRange(0, 1)])
    width = DecimalField(_l("Line width in pixels"), places=1, validators=[DataRequired(), NumberRange(0, 20)])
    point = SelectField(_l("Point symbol"), choices=[SelectChoice(symbol, _POINT_LABELS[symbol]) for symbol in POINT_SYMBOLS],
                        validate_choice=True)
    categorise_by = SelectField(_l("Colour by attribute"), validate_choice=True, choices=[],
                                description=_l("A text attribute gives each value its own colour and legend entry; "
                                               "a numeric one is divided into ranges (classes)."))
    classify = SelectField(_l("Classes for numbers"), choices=CLASSIFY_CHOICES, validate_choice=True, default="equal",
                           description=_l("Only for numeric attributes."))
    class_count = IntegerField(_l("Number of classes (%(min)s to %(max)s)", min=MIN_CLASSES, max=MAX_CLASSES),
                               default=DEFAULT_CLASS_COUNT, validators=[NumberRange(MIN_CLASSES, MAX_CLASSES)],
                               invalid_value_message=_l("Enter a whole number."))
    categories = FieldList(FormField(CategoryForm), min_entries=0, max_entries=MAX_CATEGORIES)
    classes = FieldList(FormField(ClassForm), min_entries=0, max_entries=MAX_CLASSES)
    popup = FieldList(FormField(PopupRowForm), min_entries=0, max_entries=MAX_POPUP_ROWS)
    #: "save"; "fill" to fill the category or class rows from the attribute's values; "preview" to draw
    #: the map with the style as entered, without saving it.
    action = HiddenField(default="save")

    @property
    def filled_classes(self) -> list[ClassForm]:
        return [row.form for row in self.classes if not row.form.is_empty]

    def validate(self, extra_validators=None) -> bool:
        """The fields, then that the ranges follow each other and no two legend entries share a colour
        (the features no entry covers included)."""
        valid = super().validate(extra_validators)
        if not self.categorise_by.data:
            return valid
        ranges_valid = self._validate_ranges()
        return self._validate_colours() and ranges_valid and valid

    def _validate_ranges(self) -> bool:
        valid, previous = True, None
        for row in self.filled_classes:
            low, high = row.min.data, row.max.data
            if row.min.errors or row.max.errors:
                valid = False
            elif low is None or high is None:
                (row.min if low is None else row.max).errors.append(_("Enter both ends of the range."))
                valid = False
            elif low > high:
                row.max.errors.append(_("The upper end must not be below the lower end."))
                valid = False
            elif previous is not None and low < previous:
                row.min.errors.append(_("The ranges must follow each other from low to high without overlapping: "
                                        "this one starts below the end of the one before."))
                valid = False
            if high is not None:
                previous = high if previous is None else max(previous, high)
        return valid

    def _validate_colours(self) -> bool:
        valid = True
        rows = ([(row, row.label.data or f"{row.min.data} – {row.max.data}") for row in self.filled_classes]
                or [(row.form, row.form.value.data) for row in self.categories if row.form.value.data])
        rest = _("Other or no value") if self.filled_classes else _("other values")
        used = {(self.fill.data or "").lower(): rest}
        for row, name in rows:
            colour = (row.colour.data or "").lower()
            if row.colour.errors:
                continue
            if colour in used:
                row.colour.errors.append(_("This colour is already used in the legend for “%(other)s”; "
                                           "give each entry its own colour.", other=used[colour]))
                valid = False
            used.setdefault(colour, name)
        return valid
