"""A statute's text: the plain format, stable anchors across edits, plan objects, the editor page and the text
on the statute page."""
from __future__ import annotations

import pytest
from shapely.geometry import Point

from participation.accounts.models import Role
from participation.comments.models import Comment
from participation.extensions import db
from participation.layers.models import Layer, LayerFeature, LayerVersion
from participation.maps.models import MapLayer
from participation.statutes import text
from participation.statutes.models import Statute
from tests.conftest import csrf_token

SAMPLE = """§ 1 Art der baulichen Nutzung
(1) Das Allgemeine Wohngebiet WA 1 dient vorwiegend dem Wohnen.
Zulässig sind Wohngebäude.
(2) Ausnahmen nach § 4 Abs. 3 BauNVO sind nicht zulässig.
[Objekte: Gml_A1, Gml_B2]

§ 2 Maß der baulichen Nutzung
Die Grundflächenzahl beträgt 0,4; es gilt
§ 19 Abs. 4 BauNVO.

§ 3 Inkrafttreten
(1) Der Plan tritt mit der Bekanntmachung in Kraft.
"""


def _anchors(statute: Statute) -> dict[str, str]:
    """paragraph text → anchor."""
    return {p.text: p.anchor for s in statute.sections for p in s.paragraphs}


def _load(statute_id: int) -> Statute:
    db.session.expire_all()
    return db.session.get(Statute, statute_id)


@pytest.fixture
def statute(app, create_statute, town):
    made = create_statute(town=town)
    with app.app_context():
        _plan_objects(made.id, ["Gml_A1", "Gml_B2", "Gml_C3"])
    return made


def _plan_objects(statute_id: int, ids: list[str]) -> None:
    """A published layer on the statute's map whose features carry these gml:ids."""
    statute = db.session.get(Statute, statute_id)
    layer = Layer(municipality_id=statute.municipality_id, name="BP_BaugebietsTeilFlaeche")
    db.session.add(layer)
    db.session.flush()
    version = LayerVersion(layer_id=layer.id, number=1, original_filename="plan.gml", feature_count=len(ids))
    db.session.add(version)
    db.session.flush()
    for n, gml_id in enumerate(ids):
        db.session.add(LayerFeature(version_id=version.id, geometry=Point(13.251 + n * 0.002, 53.552).buffer(0.0005),
                                    properties={"gml_id": gml_id, "allgArtDerBaulNutzung": "1000"}))
    layer.current_version_id = version.id
    db.session.add(MapLayer(map_id=statute.map_id, layer_id=layer.id, position=0))
    db.session.commit()


# ---- the format ----

def test_parse_reads_sections_paragraphs_continuations_and_plan_objects():
    sections = text.parse_text(SAMPLE)
    assert [(s.number, s.heading) for s in sections] == [
        ("§ 1", "Art der baulichen Nutzung"), ("§ 2", "Maß der baulichen Nutzung"), ("§ 3", "Inkrafttreten")]
    first, second = sections[0].paragraphs
    assert first.number == "(1)" and first.text.endswith("Wohnen.\nZulässig sind Wohngebäude.")
    assert second.plan_objects == ["Gml_A1", "Gml_B2"]
    # A section without "(n)" lines is one paragraph; a wrapped citation "§ 19 Abs. 4" continues it.
    only = sections[1].paragraphs
    assert len(only) == 1 and only[0].number == "" and only[0].text.endswith("§ 19 Abs. 4 BauNVO.")


def test_write_and_parse_round_trip(app, statute):
    with app.app_context():
        current = db.session.get(Statute, statute.id)
        text.replace_text(current, text.parse_text(SAMPLE))
        db.session.commit()
        written = text.write_text(_load(statute.id))
        assert text.parse_text(written) == text.parse_text(SAMPLE)
        assert text.write_text(_load(statute.id)) == written
        assert "[Objekte: Gml_A1, Gml_B2]" in written


@pytest.mark.parametrize(("source", "message"), [
    ("§ 1 Eins\n(1)\n(2) Zwei", "Paragraph {paragraph} of {section} has no text."),
    ("§ 1 Eins\n(1) a\n(1) b", "{section} has two paragraphs {paragraph}."),
    ("§ 1 Eins\nText\n§ 1 Noch einmal\nText", "{section} appears twice."),
    ("§ 1 Eins\n(1) a\n[Objekte: 9 nicht gültig]", "“{id}” is not a plan object id (gml:id)."),
    ("§ 1 Ü" + "x" * 300 + "\nText", "The heading is longer than {max} characters."),
])
def test_bad_text_is_refused_with_its_line(source, message):
    with pytest.raises(text.TextInvalid) as refused:
        text.parse_text(source)
    assert message in [p.message for p in refused.value.problems]
    assert all(p.line >= 1 for p in refused.value.problems)


# ---- stable anchors ----

def _replace(statute_id: int, source: str) -> Statute:
    current = _load(statute_id)
    text.replace_text(current, text.parse_text(source))
    db.session.commit()
    return _load(statute_id)


def test_editing_one_paragraph_keeps_every_anchor(app, statute):
    with app.app_context():
        before = _anchors(_replace(statute.id, SAMPLE))
        after = _replace(statute.id, SAMPLE.replace("dem Wohnen", "ausschließlich dem Wohnen"))
        anchors = [p.anchor for s in after.sections for p in s.paragraphs]
        assert anchors == list(before.values())
        assert len(set(anchors)) == len(anchors)


def test_inserting_a_paragraph_before_keeps_the_old_anchors(app, statute):
    with app.app_context():
        before = _anchors(_replace(statute.id, SAMPLE))
        inserted = SAMPLE.replace("§ 1 Art der baulichen Nutzung\n(1)", "§ 1 Art der baulichen Nutzung\n"
                                  "(1) Ein neuer erster Absatz.\n(1a)")
        after = _anchors(_replace(statute.id, inserted))
        for paragraph, anchor in before.items():
            assert after[paragraph] == anchor
        new = after["Ein neuer erster Absatz."]
        assert new not in before.values() and new.startswith("p-1-1-")


def test_reordering_sections_keeps_anchors_and_removed_anchors_are_never_reused(app, statute, create_user):
    with app.app_context():
        before = _anchors(_replace(statute.id, SAMPLE))
        parts = SAMPLE.split("\n\n")
        after = _anchors(_replace(statute.id, "\n\n".join([parts[2], parts[0], parts[1]])))
        assert after == before
        # A comment on § 3 keeps its anchor when the paragraph goes; a new paragraph never takes it.
        gone = before["Der Plan tritt mit der Bekanntmachung in Kraft."]
        author = create_user()
        paragraph = next(p for s in _load(statute.id).sections for p in s.paragraphs if p.anchor == gone)
        comment = Comment(statute_id=statute.id, author_id=author.id, text="Zu § 3", paragraph_id=paragraph.id,
                          paragraph_anchor=gone)
        db.session.add(comment)
        db.session.commit()
        without = _replace(statute.id, "\n\n".join(parts[:2]))
        assert gone not in _anchors(without).values()
        kept = db.session.get(Comment, comment.id)
        assert kept.paragraph_id is None and kept.paragraph_anchor == gone
        used = text._used_anchors(without)
        assert gone in used


def test_the_full_text_index_follows_the_text(app, statute):
    with app.app_context():
        edited = _replace(statute.id, SAMPLE)
        assert "Grundflächenzahl" in edited.search_text


# ---- plan objects ----

def test_unknown_plan_objects_are_refused_and_named(app, statute):
    with app.app_context():
        _replace(statute.id, SAMPLE)
        with pytest.raises(text.TextInvalid) as refused:
            _replace(statute.id, SAMPLE.replace("Gml_B2", "Gml_B2, Gml_NOPE"))
        (problem,) = refused.value.problems
        assert problem.params["ids"] == "Gml_NOPE" and problem.line == 5
        db.session.rollback()
        assert [p.plan_objects for s in _load(statute.id).sections for p in s.paragraphs][1] == ["Gml_A1", "Gml_B2"]


def test_plan_objects_of_a_layer_not_on_the_map_are_unknown(app, statute, create_statute):
    other = create_statute(town=statute.municipality)
    with app.app_context():
        _plan_objects(other.id, ["Gml_ELSEWHERE"])
        assert text.unknown_plan_objects(_load(statute.id), {"Gml_ELSEWHERE", "Gml_A1"}) == ["Gml_ELSEWHERE"]


# ---- pages ----

ROLES = ["anonymous", "resident", "other_planner", "planner", "admin"]


@pytest.fixture
def users(create_user, create_town, town):
    return {
        "resident": create_user(Role.RESIDENT),
        "other_planner": create_user(Role.PLANNER, towns=[create_town()]),
        "planner": create_user(Role.PLANNER, towns=[town]),
        "admin": create_user(Role.ADMIN),
    }


@pytest.mark.parametrize(("role", "published", "expected"), [
    ("anonymous", True, "login"), ("resident", True, 403), ("other_planner", True, 403), ("planner", True, 200),
    ("admin", True, 200), ("anonymous", False, "login"), ("resident", False, 404), ("other_planner", False, 404),
    ("planner", False, 200), ("admin", False, 200),
])
def test_who_may_edit_the_text(client, login, users, create_statute, town, role, published, expected):
    statute = create_statute(town=town, published=published)
    if role != "anonymous":
        login(users[role])
    response = client.get(f"/{town.slug}/satzungen/{statute.id}/text")
    if expected == "login":
        assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    else:
        assert response.status_code == expected


def test_the_planner_saves_the_text_and_sees_it_with_anchors(app, client, town, planner, statute):
    url = f"/{town.slug}/satzungen/{statute.id}/text"
    page = client.get(url).get_data(as_text=True)
    assert "Nr. 1" in page and "[Objekte: id, id]" in page  # the format is explained
    response = client.post(url, data={"text": SAMPLE, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    with app.app_context():
        anchors = _anchors(_load(statute.id))
    shown = client.get(f"/{town.slug}/satzungen/{statute.id}").get_data(as_text=True)
    for anchor in anchors.values():
        # No "Comment" on a paragraph while no period runs (the comment form says when one does).
        assert f'id="{anchor}"' in shown and f'data-paragraph="{anchor}"' not in shown
    assert shown.count("data-show-objects=") == 1
    assert "§ 1 Abs. 2" in shown  # the buttons' names say which paragraph
    assert 'src="/static/js/statute-text.js"' in shown


def test_a_bad_text_comes_back_with_the_errors_in_the_summary(client, town, planner, statute):
    url = f"/{town.slug}/satzungen/{statute.id}/text"
    response = client.post(url, data={"text": "§ 1 A\n(1) x\n[Objekte: Gml_A1, Gml_ZZ]",
                                      "csrf_token": csrf_token(client, url)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Zeile 3" in page and "Gml_ZZ" in page and 'href="#text"' in page
    assert "Gml_ZZ]" in page  # the planner's text is kept


def test_without_csrf_nothing_is_saved(app, client, town, planner, statute):
    response = client.post(f"/{town.slug}/satzungen/{statute.id}/text", data={"text": SAMPLE})
    assert response.status_code == 400
    with app.app_context():
        assert _load(statute.id).sections == []


def test_plan_objects_of_a_paragraph_as_geojson(app, client, town, statute, create_statute):
    with app.app_context():
        edited = _replace(statute.id, SAMPLE)
        anchor = edited.sections[0].paragraphs[1].anchor
    response = client.get(f"/{town.slug}/satzungen/{statute.id}/planobjekte.json?absatz={anchor}")
    data = response.get_json()
    assert response.status_code == 200
    assert sorted(f["properties"]["gml_id"] for f in data["features"]) == ["Gml_A1", "Gml_B2"]
    assert data["features"][0]["properties"]["layer"] == "BP_BaugebietsTeilFlaeche"
    assert client.get(f"/{town.slug}/satzungen/{statute.id}/planobjekte.json?absatz=nope").status_code == 404
    draft = create_statute(town=town, published=False)
    assert client.get(f"/{town.slug}/satzungen/{draft.id}/planobjekte.json?absatz={anchor}").status_code == 404
