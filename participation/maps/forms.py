"""The map editor's form: the layers in order, each shown at first or not."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, FormField, HiddenField, SelectField


class MapLayerForm(FlaskForm):
    """One row of a map's layer list."""

    class Meta:
        csrf = False

    layer_id = HiddenField()
    visible = BooleanField(_l("Visible when the map opens"))
    remove = BooleanField(_l("Remove from the map"))


class MapForm(FlaskForm):
    rows = FieldList(FormField(MapLayerForm), min_entries=0)
    add = SelectField(_l("Add a layer"), validate_choice=True, choices=[], default="")
