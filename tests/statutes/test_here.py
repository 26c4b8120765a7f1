""""What applies here?": statutes in force or on display covering a place, their plan objects, on both databases."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box

from participation.addresses import services as address_services
from participation.database.spatial import covering_rows
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.statutes.here import map_extent
from participation.statutes.xplan_import import import_xplan
from participation.statutes.labels import STATUS_COLOURS
from participation.statutes.models import LegalStatus, PeriodKind, Statute, StatutePeriod
from tests.addresses.conftest import write_csv
from tests.conftest import AREA, INSIDE, OUTSIDE, add_vector_layer, town_today

#: The west half of AREA, and INSIDE's neighbour in the east half.
WEST = MultiPolygon([box(13.25, 53.55, 13.255, 53.554)])
EAST_POINT = Point(13.258, 53.552)


def _plan_layer(app, statute, features, name="BP 12 – Baugebietsteilflächen", published=True):
    """A layer on the statute's map with (geometry, properties) features."""
    with app.app_context():
        layer = add_vector_layer(statute.municipality_id, name, features, published=published,
                                 map_id=db.session.get(Statute, statute.id).map_id)
        db.session.commit()
        return layer.id


WA = {"gml_id": "Gml_WA1", "xplan_class": "BP_BaugebietsTeilFlaeche", "besondereArtDerBaulNutzung": "1200",
      "GRZ": 0.4, "Z": 2}


@pytest.fixture
def statutes(app, town, create_statute):
    today = town_today()
    in_force = create_statute(town, title="Am Mühlenteich", number="12", status=LegalStatus.IN_FORCE,
                              in_force_from=date(2021, 3, 3),
                              sections=[("§ 1", "Art der baulichen Nutzung", [("(1)", "WA.", ["Gml_WA1"])])])
    display = create_statute(town, title="Marktplatz", number="14", status=LegalStatus.PUBLIC_DISPLAY, area=WEST)
    with app.app_context():
        db.session.add(StatutePeriod(statute_id=display.id, kind=PeriodKind.DISPLAY, starts_on=today - timedelta(days=3),
                                     ends_on=today + timedelta(days=40)))
        db.session.commit()
    hidden = [
        create_statute(town, title="Entwurf", status=LegalStatus.IN_FORCE, published=False),
        create_statute(town, title="Alt", status=LegalStatus.REPEALED),
        create_statute(town, title="Beschluss", status=LegalStatus.PLANNING_DECISION),
        create_statute(title="Nachbarstadt", status=LegalStatus.IN_FORCE),  # another town, same area
    ]
    _plan_layer(app, in_force, [(box(13.25, 53.55, 13.256, 53.554), WA),
                                (box(13.256, 53.55, 13.26, 53.554), {"gml_id": "Gml_MI", "xplan_class":
                                                                     "BP_BaugebietsTeilFlaeche",
                                                                     "besondereArtDerBaulNutzung": "1500"})])
    _plan_layer(app, in_force, [(box(13.25, 53.55, 13.26, 53.554), {"name": "Baum"})], name="Bäume")
    _plan_layer(app, in_force, [(box(13.25, 53.55, 13.26, 53.554), WA)], name="Unveröffentlicht", published=False)
    return {"in_force": in_force, "display": display, "hidden": hidden}


def test_covering_rows_finds_exactly_the_covering_rows(app, town, create_statute):
    inner = create_statute(town, area=WEST)
    whole = create_statute(town)
    triangle = create_statute(town, area=MultiPolygon([Polygon([(13.25, 53.55), (13.26, 53.55), (13.25, 53.554)])]))
    with app.app_context():
        def found(point, where=None):
            return [s.id for s in covering_rows(db.session, Statute, Statute.spatial, point, where)]
        assert found(Point(13.2505, 53.5505)) == [inner.id, whole.id, triangle.id]
        assert found(Point(13.255, 53.5515)) == [inner.id, whole.id, triangle.id]  # on WEST's east edge: covered
        assert found(EAST_POINT) == [whole.id]
        assert found(Point(13.259, 53.5535)) == [whole.id]  # inside the triangle's box, not the triangle
        assert found(OUTSIDE) == []
        assert found(INSIDE, Statute.id == whole.id) == [whole.id]
        assert found(INSIDE, [Statute.id != whole.id, Statute.id != inner.id]) == []


def test_the_statutes_in_force_and_on_display_at_a_point(client, town, statutes):
    page = client.get(f"/{town.slug}/was-gilt-hier?lon={INSIDE.x}&lat={INSIDE.y}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "An dieser Stelle gelten 2 Satzungen." in html
    assert "Am Mühlenteich" in html and "Marktplatz" in html
    assert "In Kraft seit 3. März 2021" in html and "In der öffentlichen Auslegung bis" in html
    for hidden in statutes["hidden"]:
        assert hidden.title not in html
    assert html.index("Am Mühlenteich") < html.index("Marktplatz")  # in force first


def test_plan_objects_are_described_with_the_paragraphs_naming_them(client, town, statutes):
    data = client.get(f"/{town.slug}/was-gilt-hier?lon={INSIDE.x}&lat={INSIDE.y}&format=json").get_json()
    in_force = next(s for s in data["statutes"] if s["id"] == statutes["in_force"].id)
    objects = {o["layer"]: o for o in in_force["plan_objects"]}
    assert set(objects) == {"BP 12 – Baugebietsteilflächen", "Bäume"}  # the unpublished layer is left out
    wa = objects["BP 12 – Baugebietsteilflächen"]
    assert wa["kind"] == "Baugebietsteilfläche"
    assert wa["rules"] == "Allgemeines Wohngebiet, GRZ 0,4, II Vollgeschosse"
    paragraph = statutes["in_force"].sections[0].paragraphs[0]
    assert wa["paragraphs"] == [{"label": "§ 1 Abs. 1", "url": f"/{town.slug}/satzungen/{statutes['in_force'].id}"
                                                              f"#{paragraph.anchor}"}]
    assert objects["Bäume"] == {"layer": "Bäume", "kind": "Bäume", "rules": "", "gml_id": None, "paragraphs": []}
    assert in_force["status_text"] == "In Kraft seit 3. März 2021"
    assert in_force["area"]["type"] == "MultiPolygon"
    east = client.get(f"/{town.slug}/was-gilt-hier?lon={EAST_POINT.x}&lat={EAST_POINT.y}&format=json").get_json()
    assert [s["title"] for s in east["statutes"]] == ["Am Mühlenteich"]
    assert [o["rules"] for o in east["statutes"][0]["plan_objects"] if o["gml_id"]] == ["Mischgebiet"]


def test_nothing_found_is_said_clearly(client, town, statutes):
    html = client.get(f"/{town.slug}/was-gilt-hier?lon={OUTSIDE.x}&lat={OUTSIDE.y}").get_data(as_text=True)
    assert "An dieser Stelle gilt keine Satzung und keine liegt öffentlich aus." in html
    data = client.get(f"/{town.slug}/was-gilt-hier?lon={OUTSIDE.x}&lat={OUTSIDE.y}&format=json").get_json()
    assert data["statutes"] == [] and data["point"] == {"lon": OUTSIDE.x, "lat": OUTSIDE.y}


@pytest.mark.parametrize("query", ["lon=abc&lat=53", "lon=13", "lon=200&lat=53", "lon=nan&lat=1"])
def test_a_bad_place_is_a_translated_400(client, town, query):
    page = client.get(f"/{town.slug}/was-gilt-hier?{query}")
    assert page.status_code == 400 and "Längen" in page.get_data(as_text=True)
    data = client.get(f"/{town.slug}/was-gilt-hier?{query}&format=json")
    assert data.status_code == 400 and "error" in data.get_json()


def test_without_a_place_the_page_explains_and_json_refuses(client, town):
    page = client.get(f"/{town.slug}/was-gilt-hier")
    assert page.status_code == 200 and "Suchen Sie eine Adresse" in page.get_data(as_text=True)
    assert client.get(f"/{town.slug}/was-gilt-hier?format=json").status_code == 400
    assert client.get("/nirgendwo/was-gilt-hier").status_code == 404


def test_an_address_without_a_script(app, client, town, statutes, tmp_path):
    path = write_csv(tmp_path / "a.csv", [("Hauptstraße", "5", "17099", INSIDE.x, INSIDE.y),
                                          ("Hauptstraße", "50", "17099", EAST_POINT.x, EAST_POINT.y)])
    with app.app_context():
        address_services.import_addresses(db.session.get(Municipality, town.id), path)
        db.session.commit()
    html = client.get(f"/{town.slug}/was-gilt-hier?adresse=Hauptstr.+5").get_data(as_text=True)
    assert "Hauptstraße 5, 17099 Musterstadt" in html and "An dieser Stelle gelten 2 Satzungen." in html
    assert "Nicht die gesuchte Adresse?" in html and "Hauptstraße 50, 17099 Musterstadt" in html
    data = client.get(f"/{town.slug}/was-gilt-hier?adresse=Hauptstraße+50&format=json").get_json()
    assert data["address"] == "Hauptstraße 50, 17099 Musterstadt" and len(data["statutes"]) == 1
    missing = client.get(f"/{town.slug}/was-gilt-hier?adresse=Nebenweg+1").get_data(as_text=True)
    assert "Für „Nebenweg 1“ wurde keine Adresse gefunden." in missing


def test_the_result_part_alone_for_the_map_script(client, town, statutes):
    part = client.get(f"/{town.slug}/was-gilt-hier?lon={INSIDE.x}&lat={INSIDE.y}&teil=ergebnis")
    html = part.get_data(as_text=True)
    assert part.status_code == 200 and "<html" not in html and "data-here-results" in html
    areas = re.search(r'data-areas="([^"]*)"', html).group(1)
    assert [(area["geometry"]["type"], area["colour"]) for area in json.loads(unescape(areas))] == [
        ("MultiPolygon", STATUS_COLOURS[LegalStatus.IN_FORCE]), ("MultiPolygon", STATUS_COLOURS[LegalStatus.PUBLIC_DISPLAY])]


def test_a_place_outside_the_boundary_is_pointed_out(app, client, town, statutes):
    with app.app_context():
        db.session.get(Municipality, town.id).boundary = AREA
        db.session.commit()
    html = client.get(f"/{town.slug}/was-gilt-hier?lon={OUTSIDE.x}&lat={OUTSIDE.y}").get_data(as_text=True)
    assert "außerhalb der Gemeindegrenze" in html
    html = client.get(f"/{town.slug}/was-gilt-hier?lon={INSIDE.x}&lat={INSIDE.y}").get_data(as_text=True)
    assert "außerhalb der Gemeindegrenze" not in html


def test_the_register_and_the_town_page_link_here(client, town, create_user, login):
    here = f"/{town.slug}/was-gilt-hier"
    assert f'href="{here}"' in client.get(f"/{town.slug}/satzungen").get_data(as_text=True)
    assert f'href="{here}"' in client.get(f"/{town.slug}/").get_data(as_text=True)
    login(create_user("gis", towns=[town]))
    assert f'href="/{town.slug}/adressen"' in client.get(f"/{town.slug}/gis/ebenen").get_data(as_text=True)


def test_the_map_opens_over_the_town_its_statutes_or_its_addresses(app, create_town, create_statute, tmp_path):
    bare, with_statute, with_addresses = create_town(), create_town(), create_town()
    create_statute(with_statute, area=WEST)
    create_statute(with_statute, area=AREA, published=False)  # a draft does not show where the town is
    path = write_csv(tmp_path / "a.csv", [("Hauptstraße", "1", "17099", 13.251, 53.551),
                                          ("Hauptstraße", "2", "17099", 13.252, 53.553)])
    with app.app_context():
        address_services.import_addresses(db.session.get(Municipality, with_addresses.id), path)
        db.session.commit()
        assert map_extent(db.session.get(Municipality, bare.id)) is None
        assert map_extent(db.session.get(Municipality, with_statute.id)) == pytest.approx(WEST.bounds)
        assert map_extent(db.session.get(Municipality, with_addresses.id)) == pytest.approx(
            (13.251, 53.551, 13.252, 53.553))


DEMO = Path(__file__).resolve().parents[2] / "participation/demo/files"


@pytest.mark.skipif(not (DEMO / "bplan_nr12_am_muehlenteich.gml").exists(), reason="the demo plan is absent")
def test_the_demo_plan_at_an_address_of_the_demo_list(app, client, town, create_user):
    """The whole way: the XPlanGML import, the address list, the address search, the plan objects in words."""
    planner = create_user("planner", towns=[town])
    with app.app_context():
        place = db.session.get(Municipality, town.id)
        statute = import_xplan(place, DEMO / "bplan_nr12_am_muehlenteich.gml", db.session.merge(planner),
                               publish=True).statute
        address_services.import_addresses(place, DEMO / "musterstadt_addresses.csv")
        db.session.commit()
        statute_id = statute.id
    data = client.get(f"/{town.slug}/was-gilt-hier?adresse=Am+M%C3%BChlenteich+15&format=json").get_json()
    assert data["address"] == "Am Mühlenteich 15, 17099 Musterstadt"
    [found] = data["statutes"]
    assert found["id"] == statute_id and found["status"] == "public_display"
    assert found["status_text"].startswith("In der öffentlichen Auslegung bis ")
    rules = [o["rules"] for o in found["plan_objects"]]
    assert any(rule.startswith("Allgemeines Wohngebiet, GRZ 0,4") for rule in rules), rules
    assert any(o["paragraphs"] for o in found["plan_objects"])
