"""A town's boundary: drawn, uploaded or taken from a layer in the settings; project areas must lie
inside it (or, without one, a huge area needs confirming); maps open on the town."""
from __future__ import annotations

import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from geo.areas import area_km2
from participation.extensions import db
from participation.layers.services import import_file
from participation.municipalities.models import Municipality
from participation.projects.models import Project
from participation.web.folium_maps import GERMANY
from tests.conftest import AREA, csrf_token

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real GIS files not found in {REAL}")

#: About 13 km × 11 km around the test AREA (Neubrandenburg).
BOUNDARY = MultiPolygon([Polygon([(13.20, 53.51), (13.34, 53.51), (13.34, 53.60), (13.20, 53.60)])])
#: Two neighbouring "towns" in one layer, as in a layer of municipal boundaries.
TOWNS_LAYER = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"GEN": "Musterstadt", "AGS": 13071107},
     "geometry": mapping(BOUNDARY.geoms[0])},
    {"type": "Feature", "properties": {"GEN": "Nachbarort", "AGS": 13071108},
     "geometry": mapping(box(13.34, 53.51, 13.45, 53.60))},
]}


def set_boundary(app, town, boundary=BOUNDARY):
    with app.app_context():
        db.session.get(Municipality, town.id).boundary = boundary
        db.session.commit()


def stored_boundary(app, town):
    with app.app_context():
        return db.session.get(Municipality, town.id).boundary


def post(client, url, page=None, lang="en", **data):
    data = {"csrf_token": csrf_token(client, page or url), **data}
    return client.post(url, data=data, content_type="multipart/form-data", headers={"Accept-Language": lang})


def fit_bounds(html: str) -> list[float]:
    """The [[south, west], [north, east]] the folium map is fitted to, flattened."""
    match = re.search(r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]\]", html)
    assert match, "the map is not fitted to any bounds"
    return [float(v) for v in match.groups()]


# --- the settings page ----------------------------------------------------------------------------

def test_planner_draws_the_boundary_and_it_is_shown_on_the_town_maps(app, client, town, planner):
    settings = f"/{town.slug}/einstellungen"
    drawn = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                        "geometry": mapping(BOUNDARY.geoms[0])}]}
    response = post(client, f"{settings}/grenze", settings, boundary_geojson=json.dumps(drawn))
    assert response.status_code == 302
    assert stored_boundary(app, town).equals(BOUNDARY)

    page = client.get(settings, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The boundary is set (about 92.9 km²)" in page
    assert fit_bounds(page) == pytest.approx([53.51, 13.20, 53.60, 13.34])
    assert '"dashArray": "8 6"' in page  # the boundary's outline is drawn on the map


def test_town_page_fits_the_boundary_not_a_huge_project(app, client, town, create_project):
    create_project(town=town, area=MultiPolygon([box(7.0, 49.0, 14.0, 54.0)]))  # confirmed once, far too big
    set_boundary(app, town)
    html = client.get(f"/{town.slug}/").get_data(as_text=True)
    assert fit_bounds(html) == pytest.approx([53.51, 13.20, 53.60, 13.34])
    assert '"dashArray": "8 6"' in html
    assert "data-has-boundary" in html  # town-map.js keeps the map on the boundary


def test_uploaded_boundary_in_utm_is_reprojected(app, client, town, planner):
    utm = {"type": "Polygon", "crs": {"type": "name", "properties": {"name": "EPSG:25833"}},
           "coordinates": [[[380000, 5935000], [390000, 5935000], [390000, 5945000], [380000, 5945000],
                            [380000, 5935000]]]}
    settings = f"/{town.slug}/einstellungen"
    response = post(client, f"{settings}/grenze", settings, boundary_geojson="",
                    boundary_file=(io.BytesIO(json.dumps(utm).encode()), "grenze.geojson"))
    assert response.status_code == 302
    boundary = stored_boundary(app, town)
    assert 13.1 < boundary.bounds[0] < 13.3 and 53.5 < boundary.bounds[1] < 53.6
    assert area_km2(boundary) == pytest.approx(100, rel=0.01)


@pytest.mark.parametrize("geojson, message", [
    ("", "Draw the boundary on the map or upload it as GeoJSON."),
    ("{not json", "The file is not valid GeoJSON."),
    ('{"type": "Point", "coordinates": [13.2, 53.5]}', "must consist of polygons"),
])
def test_a_bad_boundary_is_refused_with_the_reason(app, client, town, planner, geojson, message):
    set_boundary(app, town)
    settings = f"/{town.slug}/einstellungen"
    response = post(client, f"{settings}/grenze", settings, boundary_geojson=geojson)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored_boundary(app, town).equals(BOUNDARY)  # the old one stays


def test_a_detailed_boundary_is_simplified(app, client, town, planner):
    # A circle with 12 000 vertices (2 m apart): valid, far more detailed than an outline needs.
    detailed = shapely.Point(13.27, 53.555).buffer(0.04, quad_segs=3_000)
    settings = f"/{town.slug}/einstellungen"
    response = post(client, f"{settings}/grenze", settings, boundary_geojson=json.dumps(mapping(detailed)))
    assert response.status_code == 302
    boundary = stored_boundary(app, town)
    assert shapely.get_num_coordinates(boundary) < 2_000
    assert boundary.symmetric_difference(detailed).area / detailed.area < 0.001


def test_planner_removes_the_boundary(app, client, town, planner):
    set_boundary(app, town)
    settings = f"/{town.slug}/einstellungen"
    assert post(client, f"{settings}/grenze/entfernen", settings).status_code == 302
    assert stored_boundary(app, town) is None
    assert "No boundary is set" in client.get(settings, headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize("role, member", [("resident", False), ("gis", True), ("planner", False)])
def test_only_the_towns_planners_change_the_boundary(app, client, create_town, create_user, login, role, member):
    town = create_town()
    set_boundary(app, town)
    login(create_user(role=role, towns=[town] if member else []))
    token = csrf_token(client, "/")
    for path, data in (("grenze", {"boundary_geojson": json.dumps(mapping(AREA))}), ("grenze/entfernen", {}),
                       ("grenze/ebene", {"layer": "1"})):
        response = client.post(f"/{town.slug}/einstellungen/{path}", data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    assert stored_boundary(app, town).equals(BOUNDARY)


# --- the boundary from a layer ---------------------------------------------------------------------

def publish_layer(app, town, tmp_path, document: dict, filename: str = "gemeinden.geojson") -> int:
    path = tmp_path / filename
    path.write_text(json.dumps(document), encoding="utf-8")
    with app.app_context():
        version = import_file(db.session.get(Municipality, town.id), path, filename, name="Gemeinden")
        db.session.commit()
        return version.layer_id


def test_boundary_from_the_features_of_a_layer_with_an_attribute_value(app, client, town, planner, tmp_path):
    layer_id = publish_layer(app, town, tmp_path, TOWNS_LAYER)
    settings = f"/{town.slug}/einstellungen"
    assert "Gemeinden" in client.get(settings).get_data(as_text=True)  # offered as a choice
    response = post(client, f"{settings}/grenze/ebene", settings, layer=str(layer_id), attribute="GEN",
                    value="Musterstadt")
    assert response.status_code == 302
    assert stored_boundary(app, town).equals(BOUNDARY)

    # A number attribute is compared as a person types it; without an attribute, all polygons merge.
    post(client, f"{settings}/grenze/ebene", settings, layer=str(layer_id), attribute="AGS", value="13071108")
    assert stored_boundary(app, town).equals(MultiPolygon([box(13.34, 53.51, 13.45, 53.60)]))
    post(client, f"{settings}/grenze/ebene", settings, layer=str(layer_id), attribute="", value="")
    assert stored_boundary(app, town).normalize().equals(MultiPolygon([box(13.20, 53.51, 13.45, 53.60)]).normalize())


@pytest.mark.parametrize("attribute, value, message", [
    ("NAME", "Musterstadt", "The layer has no attribute “NAME”. Its attributes are: GEN, AGS."),
    ("GEN", "Irgendwo", "No feature of the layer has GEN = “Irgendwo”."),
    ("GEN", "", "Enter the value the attribute must have."),
])
def test_boundary_from_a_layer_explains_what_did_not_match(app, client, town, planner, tmp_path, attribute, value,
                                                           message):
    layer_id = publish_layer(app, town, tmp_path, TOWNS_LAYER)
    settings = f"/{town.slug}/einstellungen"
    response = post(client, f"{settings}/grenze/ebene", settings, layer=str(layer_id), attribute=attribute,
                    value=value)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored_boundary(app, town) is None


def test_only_the_towns_own_published_layers_are_offered(app, client, town, planner, create_town, tmp_path):
    other = create_town()
    foreign = publish_layer(app, other, tmp_path, TOWNS_LAYER)
    settings = f"/{town.slug}/einstellungen"
    response = post(client, f"{settings}/grenze/ebene", settings, layer=str(foreign), attribute="", value="")
    assert response.status_code == 400
    assert stored_boundary(app, town) is None


@needs_real
def test_boundary_from_the_real_berlin_districts(app, client, town, planner):
    with app.app_context():
        version = import_file(db.session.get(Municipality, town.id), REAL / "geopackage/berlin_bezirke_25833.gpkg",
                              "Berlin Bezirke.gpkg", name="Bezirke")
        db.session.commit()
        layer_id = version.layer_id
    settings = f"/{town.slug}/einstellungen"
    response = post(client, f"{settings}/grenze/ebene", settings, layer=str(layer_id), attribute="", value="")
    assert response.status_code == 302
    boundary = stored_boundary(app, town)
    # Berlin has 891 km²; the twelve districts merge into one outline without slivers between them
    # (a second part of 0.002 km² is in the data).
    assert area_km2(boundary) == pytest.approx(891, rel=0.01)
    assert max(area_km2(part) for part in boundary.geoms) == pytest.approx(891, rel=0.01)
    assert all(len(part.interiors) == 0 for part in boundary.geoms)
    assert shapely.get_num_coordinates(boundary) <= 10_000


# --- project areas against the boundary ------------------------------------------------------------

def project_form(client, url, area, lang="en", **extra):
    return post(client, url, lang=lang, title="Market square", summary="", description="", phase="draft",
                participation_start="", participation_end="", area_geojson=json.dumps(mapping(area)), **extra)


def project_count(app, town) -> int:
    with app.app_context():
        return db.session.query(Project).filter_by(municipality_id=town.id).count()


def test_an_area_inside_the_boundary_is_saved(app, client, town, planner):
    set_boundary(app, town)
    assert project_form(client, f"/{town.slug}/projekte/neu", AREA).status_code == 302
    assert project_count(app, town) == 1


def test_an_area_a_few_metres_over_the_boundary_is_saved(app, client, town, planner):
    set_boundary(app, town)
    # About 20 m past the western edge: a hand-drawn outline is never exact.
    area = box(13.1997, 53.52, 13.22, 53.53)
    assert project_form(client, f"/{town.slug}/projekte/neu", area).status_code == 302


@pytest.mark.parametrize("lang, message", [
    ("en", "The area lies outside the town's boundary"),
    ("de", "Das Gebiet liegt außerhalb der Gemeindegrenze"),
])
def test_an_area_outside_the_boundary_is_refused_at_the_map(app, client, town, planner, lang, message):
    set_boundary(app, town)
    half_of_germany = box(7.0, 49.0, 14.0, 54.0)
    response = project_form(client, f"/{town.slug}/projekte/neu", half_of_germany, lang=lang)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert message in html
    assert 'id="area_geojson-map-error"' in html  # repeated at the map, where the drawing is
    assert project_count(app, town) == 0
    # The map still opens on the town, with the refused drawing kept in the field for the script.
    assert fit_bounds(html) == pytest.approx([53.51, 13.20, 53.60, 13.34])


def test_an_area_outside_the_boundary_says_by_how_much(app, client, town, planner):
    set_boundary(app, town)
    area = box(13.33, 53.52, 13.37, 53.53)  # about 2 km past the eastern edge
    html = project_form(client, f"/{town.slug}/projekte/neu", area).get_data(as_text=True)
    assert re.search(r"up to about 2(\.\d)? km beyond it", html), html[html.find("outside"):][:200]


def test_editing_to_an_area_outside_the_boundary_is_refused(app, client, town, planner, create_project):
    project = create_project(town=town)
    set_boundary(app, town)
    response = project_form(client, f"/{town.slug}/projekte/{project.id}/bearbeiten", box(12.0, 52.0, 12.1, 52.1))
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Project, project.id).area.equals(AREA)


def test_without_a_boundary_a_huge_area_needs_confirming(app, client, town, planner):
    url = f"/{town.slug}/projekte/neu"
    half_of_germany = box(7.0, 49.0, 14.0, 54.0)
    response = project_form(client, url, half_of_germany)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "larger than any German municipality" in html and 'name="confirm_size"' in html
    assert re.search(r"about [\d,]+ km²", html)
    assert project_count(app, town) == 0

    assert project_form(client, url, half_of_germany, confirm_size="y").status_code == 302
    assert project_count(app, town) == 1


def test_without_a_boundary_a_town_sized_area_needs_no_confirming(app, client, town, planner):
    html = client.get(f"/{town.slug}/projekte/neu").get_data(as_text=True)
    assert 'name="confirm_size"' not in html  # asked only when needed
    assert project_form(client, f"/{town.slug}/projekte/neu", box(13.0, 53.3, 13.4, 53.6)).status_code == 302


# --- where the drawing map opens -------------------------------------------------------------------

def test_new_project_map_opens_on_the_boundary(app, client, town, planner):
    set_boundary(app, town)
    html = client.get(f"/{town.slug}/projekte/neu").get_data(as_text=True)
    assert fit_bounds(html) == pytest.approx([53.51, 13.20, 53.60, 13.34])


def test_new_project_map_opens_on_the_projects_without_a_boundary(app, client, town, planner, create_project):
    create_project(town=town, phase="draft")
    html = client.get(f"/{town.slug}/projekte/neu").get_data(as_text=True)
    west, south, east, north = AREA.bounds
    assert fit_bounds(html) == pytest.approx([south, west, north, east])


def test_new_project_map_opens_on_germany_without_anything(app, client, town, planner):
    html = client.get(f"/{town.slug}/projekte/neu").get_data(as_text=True)
    assert "fitBounds" not in html and f"[{GERMANY[0]}, {GERMANY[1]}]" in html


def test_edit_map_opens_on_the_project_area(app, client, town, planner, create_project):
    project = create_project(town=town)
    set_boundary(app, town)
    html = client.get(f"/{town.slug}/projekte/{project.id}/bearbeiten").get_data(as_text=True)
    west, south, east, north = AREA.bounds
    assert fit_bounds(html) == pytest.approx([south, west, north, east])


def test_drawing_tools_are_labelled_in_the_page_language(app, client, town, planner):
    german = client.get(f"/{town.slug}/projekte/neu", headers={"Accept-Language": "de"}).get_data(as_text=True)
    labels = json.loads(re.search(r"data-draw-labels='([^']*)'", german).group(1).replace("&#39;", "'"))
    assert labels["draw"]["toolbar"]["buttons"]["polygon"] == "Polygon zeichnen"
    assert labels["format"]["numeric"]["delimiters"]["decimal"] == ","
