"""Forms for registering a layer of an external map service: the address, then the layer."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from geo.ows import Capabilities
from participation.web.text import strip_bidi_controls

#: Long enough for a GetCapabilities URL with a MapServer map path and a few parameters.
URL_MAX_LENGTH = 2000
KINDS = ("", "wms", "wmts")


class ServiceAddressForm(FlaskForm):
    """Step 1: where the service is."""

    url = URLField(_l("Address of the map service"),
                   description=_l("The address of the WMS or WMTS, or its GetCapabilities address, "
                                  "e.g. “https://sgx.geodatenzentrum.de/wmts_basemapde/1.0.0/WMTSCapabilities.xml”."),
                   validators=[DataRequired(_l("Enter the address of the map service.")), Length(max=URL_MAX_LENGTH)])
    kind = SelectField(_l("Type of service"), default="",
                       choices=[SelectChoice("", _l("Detect automatically")), SelectChoice("wms", "WMS"),
                                SelectChoice("wmts", "WMTS")])


class ServiceLayerForm(FlaskForm):
    """Step 2: which layer, and how it is called here.

    The address comes back from the browser, which is fine: it is checked
    and fetched again as in step 1, and the layer must be one the service
    lists now.
    """

    url = HiddenField(validators=[DataRequired(), Length(max=URL_MAX_LENGTH)])
    kind = HiddenField(default="", validators=[Optional(), AnyOf(KINDS)])
    # Choices come from the service; the view checks the choice against them.
    layer = RadioField(_l("Layer"), validate_choice=False, validators=[DataRequired(_l("Choose a layer."))])
    name = StringField(_l("Name"), description=_l("Leave empty to use the layer's title."),
                       filters=[strip_bidi_controls], validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    source = StringField(_l("Source"),
                         description=_l("Who keeps the data, and its date, e.g. “Zweckverband, ALKIS 2026-10”."),
                         filters=[strip_bidi_controls], validators=[Optional(), Length(max=300)])
    attribution = StringField(_l("Licence and attribution"),
                              description=_l("Shown on every map with this layer. Leave empty to use the "
                                             "attribution the service gives (listed with each layer)."),
                              filters=[strip_bidi_controls], validators=[Optional(), Length(max=300)])

    def offer(self, capabilities: Capabilities) -> None:
        """Offer the service's layers; preselect the only one that can be drawn."""
        self.layer.choices = [SelectChoice(layer.name, layer.title) for layer in capabilities.layers]
        usable = [layer for layer in capabilities.layers if layer.web_mercator]
        if not self.layer.data and len(usable) == 1:
            self.layer.data = usable[0].name
