"""The text editor of a statute, the text on its page, and the plan objects a paragraph names."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from shapely.geometry import mapping
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import Length

from participation.extensions import db
from participation.layers.models import Layer, LayerFeature
from participation.loaders import get_visible_statute
from participation.maps.models import MapLayer
from participation.statutes import text
from participation.statutes.models import Statute, StatuteParagraph
from participation.statutes.permissions import can_edit_statute
from participation.web.i18n import translated

bp = Blueprint("statute_text", __name__)

#: Plan objects one paragraph may highlight at once (the map and the answer stay small).
MAX_HIGHLIGHTED = 500


class TextForm(FlaskForm):
    text = TextAreaField(_l("Text of the statute"), validators=[Length(max=text.TEXT_MAX_LENGTH)])


@bp.route("/<slug>/satzungen/<int:statute_id>/text", methods=["GET", "POST"])
@login_required
def edit(slug: str, statute_id: int):
    statute = get_visible_statute(slug, statute_id, edit=True)
    form = TextForm()
    if request.method == "GET":
        form.text.data = text.write_text(statute)
    if form.validate_on_submit():
        try:
            text.replace_text(statute, text.parse_text(form.text.data or ""), current_user)
        except text.TextInvalid as invalid:
            form.text.errors = [
                _("Line {line}: {problem}").format(line=p.line, problem=translated(p.message, p.params))
                for p in invalid.problems
            ]
        else:
            db.session.commit()
            flash(_("The text has been saved."), "success")
            return redirect(url_for("statutes.show", slug=slug, statute_id=statute.id) + "#statute-text")
    return render_template("statutes/text_form.html", town=statute.municipality, statute=statute, form=form,
                           example=EXAMPLE, objects=text.plan_objects_on_map(statute)), (400 if form.errors else 200)


#: The format, shown on the editor page (statute texts are German, so is the example).
EXAMPLE = """§ 1 Art der baulichen Nutzung
(1) Das Allgemeine Wohngebiet WA 1 dient vorwiegend dem Wohnen.
(2) Ausnahmen nach § 4 Abs. 3 BauNVO sind nicht zulässig.
[Objekte: Gml_2A1C, Gml_7F30]
§ 2 Inkrafttreten
Der Bebauungsplan tritt mit seiner Bekanntmachung in Kraft."""


@bp.get("/<slug>/satzungen/<int:statute_id>/planobjekte.json")
def plan_objects(slug: str, statute_id: int):
    """The plan objects a paragraph names (`?absatz=<anchor>`) as GeoJSON, for highlighting them:
    features of the published versions of the layers on the statute's map."""
    statute = get_visible_statute(slug, statute_id)
    anchor = request.args.get("absatz", "")
    paragraph = db.session.scalar(select(StatuteParagraph).where(
        StatuteParagraph.statute_id == statute.id, StatuteParagraph.anchor == anchor[:40]))
    if paragraph is None:
        abort(404)
    ids = [i for i in paragraph.plan_objects if isinstance(i, str)]
    rows = db.session.execute(
        select(LayerFeature, Layer.name)
        .join(Layer, Layer.current_version_id == LayerFeature.version_id)
        .join(MapLayer, MapLayer.layer_id == Layer.id)
        .where(MapLayer.map_id == statute.map_id, LayerFeature.properties["gml_id"].as_string().in_(ids))
        .order_by(LayerFeature.id)
        .limit(MAX_HIGHLIGHTED)
    ) if ids else []
    features = [
        {"type": "Feature", "geometry": mapping(feature.geometry),
         "properties": {"gml_id": feature.properties.get("gml_id"), "layer": layer_name}}
        for feature, layer_name in rows
    ]
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.headers["Cache-Control"] = "private, no-cache"  # a draft's objects are for its planners only
    return response


@bp.app_template_global()
def statute_text(statute: Statute) -> dict:
    """What templates/statutes/_text.html shows: the sections with each paragraph's label, and
    whether the person may edit the text."""
    return {
        "sections": [
            (section, [(paragraph, text.paragraph_label(section, paragraph)) for paragraph in section.paragraphs])
            for section in statute.sections
        ],
        "can_edit": can_edit_statute(current_user, statute),
        "edit_url": url_for("statute_text.edit", slug=statute.municipality.slug, statute_id=statute.id),
        "objects_url": url_for("statute_text.plan_objects", slug=statute.municipality.slug, statute_id=statute.id),
    }
