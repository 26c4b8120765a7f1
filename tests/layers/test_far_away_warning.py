"""A layer far from the town (Berlin, Köln or Jena data uploaded to a town in Mecklenburg) is pointed
out on the review page before publishing: a warning, not a refusal."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from participation.extensions import db
from participation.layers.uploads.models import UploadStatus
from participation.layers.uploads.services import distance_from_town
from participation.municipalities.models import Municipality
from tests.layers.test_layer_pages import PARCELS, REAL, finished_upload, needs_real, page, post_upload

#: Around the test project area in Neubrandenburg (tests.conftest.AREA).
BOUNDARY = MultiPolygon([Polygon([(13.20, 53.51), (13.34, 53.51), (13.34, 53.60), (13.20, 53.60)])])
#: A block in Berlin-Mitte, about 130 km south of the boundary.
BERLIN = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "Block"}, "geometry": mapping(box(13.40, 52.51, 13.41, 52.52))},
]}
WARNING = re.compile(r"The layer lies outside the town's boundary \(about ([\d.,]+) km away\)\. "
                     r"Is this the right file and coordinate system\?")


def set_boundary(app, town, boundary=BOUNDARY):
    with app.app_context():
        db.session.get(Municipality, town.id).boundary = boundary
        db.session.commit()


def review(app, client, town, data: bytes, filename: str) -> str:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    upload = finished_upload(app, post_upload(client, town, data, filename))
    assert upload.status is UploadStatus.READY, upload.message
    return unescape(page(client, town, upload))


def test_a_layer_outside_the_boundary_is_pointed_out_before_publishing(app, client, town, gis):
    set_boundary(app, town)
    html = review(app, client, town, json.dumps(BERLIN).encode(), "berlin.geojson")
    match = WARNING.search(html)
    assert match, "no warning on the review page"
    assert 100 < float(match.group(1).replace(",", "")) < 130
    assert html.index("Please check the location") < html.index("Publish version")  # seen before publishing
    assert "/veroeffentlichen" in html  # a warning, not a refusal


def test_a_layer_inside_the_boundary_needs_no_warning(app, client, town, gis):
    set_boundary(app, town)
    html = review(app, client, town, json.dumps(PARCELS).encode(), "parcels.geojson")
    assert "boundary" not in html.split("Validation report")[0]


def test_the_warning_is_german_on_a_german_page(app, client, town, gis):
    set_boundary(app, town)
    upload = finished_upload(app, post_upload(client, town, json.dumps(BERLIN).encode(), "berlin.geojson"))
    html = unescape(client.get(f"/{town.slug}/gis/hochladen/{upload.id}", headers={"Accept-Language": "de"})
                    .get_data(as_text=True))
    assert re.search(r"Die Ebene liegt außerhalb der Gemeindegrenze \(etwa \d+ km entfernt\)", html)


def test_without_a_boundary_a_layer_far_from_the_projects_is_pointed_out(app, client, town, gis, create_project):
    create_project(town=town)
    html = review(app, client, town, json.dumps(BERLIN).encode(), "berlin.geojson")
    assert re.search(r"The layer lies about 1\d\d km from the town's project areas\.", html)


def test_without_a_boundary_a_layer_near_the_projects_needs_no_warning(app, client, town, gis, create_project):
    create_project(town=town)
    near = {"type": "FeatureCollection", "features": [  # about 20 km away: the town's surroundings
        {"type": "Feature", "properties": {}, "geometry": mapping(box(13.55, 53.55, 13.56, 53.56))}]}
    html = review(app, client, town, json.dumps(near).encode(), "near.geojson")
    assert "project areas" not in html


def test_without_boundary_or_projects_nothing_is_said(app, client, town, gis):
    html = review(app, client, town, json.dumps(BERLIN).encode(), "berlin.geojson")
    assert "Please check the location" not in html


@needs_real
@pytest.mark.parametrize("path, km", [
    ("geojson/koeln_sanierungsgebiete_crs84.geojson", (450, 520)),
    ("geopackage/berlin_bezirke_25833.gpkg", (90, 130)),
    ("kml/jena_ortsteile_geoserver_multigeometry.kml", (270, 330)),
])
def test_real_files_from_other_cities_are_pointed_out(app, client, town, gis, path, km):
    set_boundary(app, town)
    html = review(app, client, town, (REAL / path).read_bytes(), path.rsplit("/", 1)[-1])
    match = WARNING.search(html)
    assert match, f"no warning for {path}"
    assert km[0] < float(match.group(1).replace(",", "")) < km[1]


def test_distance_from_town_touching_and_just_outside(app, town):
    with app.app_context():
        town = db.session.get(Municipality, town.id)
        town.boundary = BOUNDARY
        assert distance_from_town(town, [13.33, 53.59, 13.40, 53.70]) is None  # overlaps the boundary
        where, km = distance_from_town(town, [13.345, 53.55, 13.35, 53.56])  # about 330 m east of it
        assert where == "boundary" and 0.25 < km < 0.4
        assert distance_from_town(town, None) is None
