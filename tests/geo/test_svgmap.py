"""Maps drawn on the server as SVG: true to scale in UTM, everything escaped, nothing fetched."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from shapely.geometry import LineString, Point, Polygon, box

from geo.errors import GeoInputError
from geo.svgmap import Dot, Ring, Shapes, extent_of, render_map

AREA = box(13.25, 53.55, 13.26, 53.554)
SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (our own output; well-formed XML, or this raises)


def test_the_map_holds_layers_dots_rings_scale_bar_and_north_arrow():
    holed = Polygon(AREA.exterior.coords, [box(13.253, 53.551, 13.254, 53.552).exterior.coords])
    image = render_map(AREA.bounds, 25833, [Shapes([holed, LineString([(13.25, 53.55), (13.26, 53.554)])],
                                                  fills=["#ff0000", "#00ff00"])],
                       [Dot(13.255, 53.552)], [Ring(13.255, 53.552, 30, "12")], title="Karte <Markt>")
    root = _parse(image.svg)
    assert root.attrib["role"] == "img" and root.attrib["aria-label"] == "Karte <Markt>"
    assert root.find(f"{SVG}title").text == "Karte <Markt>"
    paths = root.findall(f"{SVG}g/{SVG}path")
    polygon, line = paths[0], paths[1]
    assert polygon.attrib["d"].count("M") == 2 and polygon.attrib["fill-rule"] == "evenodd"  # the hole is kept
    assert line.attrib["fill"] == "none" and line.attrib["stroke"] == "#00ff00"
    assert any(t.text == "12" for t in root.iter(f"{SVG}text"))
    assert any(t.text == "N" for t in root.iter(f"{SVG}text"))
    assert image.scale_bar in (100, 200, 250) and "http" not in image.svg.replace("http://www.w3.org/2000/svg", "")


def test_the_scale_bar_is_true_in_metres():
    # The area is about 660 m wide: drawn 800 px wide minus margins, a 100 m bar is about 800/(660*1.12)*100 px.
    image = render_map(AREA.bounds, 25833, width=800, height=560)
    length = re.search(r'<path d="M20,(\d+)V\d+H([\d.]+)V', image.svg)
    pixels = float(length.group(2)) - 20
    metres_per_pixel = image.scale_bar / pixels
    assert metres_per_pixel == pytest.approx(0.925, rel=0.05)


def test_a_ring_is_at_least_visible_and_labels_are_escaped():
    image = render_map(AREA.bounds, 25833, rings=[Ring(13.255, 53.552, 0.5, "<b>")])
    root = _parse(image.svg)
    circle = [c for c in root.iter(f"{SVG}circle")][0]
    assert float(circle.attrib["r"]) >= 10
    assert "&lt;b&gt;" in image.svg and "<b>" not in image.svg


def test_only_utm_is_drawn():
    with pytest.raises(GeoInputError):
        render_map(AREA.bounds, 3857)


def test_the_extent_of_shapes_and_points():
    assert extent_of([AREA], [(13.27, 53.56)]) == (13.25, 53.55, 13.27, 53.56)
    assert extent_of([], []) is None
    assert extent_of([Point(1, 2)]) == (1, 2, 1, 2)
