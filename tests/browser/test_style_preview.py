"""The style page in a real browser: a numeric attribute divided into classes, a preview drawn
with the keyboard before anything is saved, and a popup that speaks the legend's words."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from participation.extensions import db
from participation.layers.models import Layer
from participation.layers.styles.classes import SEQUENTIAL
from participation.layers.styles.rules import DEFAULT_STYLE, clean_style, too_close
from tests.browser.conftest import audit, log_in, tab_to
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

#: Five blocks west to east: (GRZ, zoning code); the last has no GRZ.
BLOCKS = [(0.2, "WA"), (0.4, "MI"), (0.6, "WA"), (0.8, "GE"), (None, "WA")]
SIZE = 0.002


def block_centre(index: int) -> tuple[float, float]:
    return 13.25 + index * 2 * SIZE + SIZE / 2, 53.55 + SIZE / 2


@pytest.fixture
def blocks(app, town, runner, tmp_path):
    """A published layer of BLOCKS as polygons, imported with the CLI; its id."""
    features = []
    for index, (grz, code) in enumerate(BLOCKS):
        x = 13.25 + index * 2 * SIZE
        ring = [[x, 53.55], [x + SIZE, 53.55], [x + SIZE, 53.55 + SIZE], [x, 53.55 + SIZE], [x, 53.55]]
        features.append({"type": "Feature", "properties": {"grz": grz, "nutzung": code, "eigentuemer": f"P{index}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path = tmp_path / "bloecke.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    result = runner.invoke(args=["layers", "import", str(path), "--municipality", town.slug, "--name", "Blöcke"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session.scalar(select(Layer.id))


def saved_style(app, layer_id: int) -> dict:
    with app.app_context():
        return clean_style(db.session.get(Layer, layer_id).style)


def legend_labels(page) -> list[str]:
    return page.locator(".layer-legend .layer-legend__item").all_inner_texts()


_FILL_AT = """([lon, lat]) => {
  const el = document.querySelector('[data-layer-map] [data-map-name]');
  const map = window[el.dataset.mapName];
  const p = map.latLngToContainerPoint([lat, lon]);
  const box = map.getContainer().getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + p.x, box.top + p.y);
  return hit && hit.getAttribute('fill');
}"""


def fill_of_block(page, index: int) -> str:
    """The fill Leaflet drew at the centre of block `index` (the path under that point)."""
    return page.evaluate(_FILL_AT, list(block_centre(index)))


def wait_until_drawn(page, count: int) -> None:
    """Wait until a path lies under the centre of each of the first `count` blocks: vector tiles arrive one
    by one, and a count of paths is reached before the last tile is drawn (a block may be drawn once per
    tile it touches)."""
    page.wait_for_function(f"centres => centres.every(c => ({_FILL_AT})(c))",
                           arg=[list(block_centre(i)) for i in range(count)], timeout=20_000)


def click_block(page, index: int) -> None:
    """Click a block's centre once no popup is left on the map and the map stands still.

    A closing popup fades out and stays in the page for 200 ms, where it takes the click; an opening one pans
    the map (animated), so the block's place on screen is known only once the map has stopped.
    """
    page.evaluate("window[document.querySelector('[data-layer-map] [data-map-name]').dataset.mapName].closePopup()")
    page.wait_for_function(
        """() => {
          const map = window[document.querySelector('[data-layer-map] [data-map-name]').dataset.mapName];
          return !document.querySelector('[data-layer-map] .leaflet-popup')
            && !(map._panAnim && map._panAnim._inProgress) && !map._animatingZoom;
        }""")
    point = page.evaluate(
        """([lon, lat]) => {
          const el = document.querySelector('[data-layer-map] [data-map-name]');
          const p = window[el.dataset.mapName].latLngToContainerPoint([lat, lon]);
          return {x: p.x, y: p.y};
        }""", list(block_centre(index)))
    page.locator("[data-layer-map] .leaflet-container").click(position=point)


def classes_by_equal_intervals(page, layer_id: int, town) -> None:
    """On the style page: colour by GRZ in three equal intervals, fill the rows, name the first class."""
    page.goto(f"/{town.slug}/gis/ebenen/{layer_id}/darstellung")
    page.locator("#categorise_by").select_option("grz")
    page.locator("#classify").select_option("equal")
    page.locator("#class_count").fill("3")
    with page.expect_navigation():
        page.locator("main button[name=action][value=fill]").click()
    expect(page.locator("input[name^='classes-'][name$='-min']")).to_have_count(3)


def test_a_numeric_attribute_gets_classes_and_the_preview_draws_them_without_saving(app, page, watch, de, town,
                                                                                    gis, blocks):
    log_in(page, gis, PASSWORD)
    page.goto(f"/{town.slug}/gis/ebenen/{blocks}/darstellung")
    expect(page.locator("[data-layer-status]")).to_have_text(de("Map layers loaded."), timeout=20_000)
    audit(page, watch)

    classes_by_equal_intervals(page, blocks, town)
    mins = page.locator("input[name^='classes-'][name$='-min']").evaluate_all("els => els.map(e => e.value)")
    maxs = page.locator("input[name^='classes-'][name$='-max']").evaluate_all("els => els.map(e => e.value)")
    assert list(zip(mins, maxs, strict=True)) == [("0.2", "0.4"), ("0.4", "0.6"), ("0.6", "0.8")]
    colours = page.locator("input[name^='classes-'][name$='-colour']").evaluate_all("els => els.map(e => e.value)")
    assert colours == SEQUENTIAL[3]
    fill = page.locator("#fill").input_value()
    assert fill == DEFAULT_STYLE["fill"] and not too_close(fill, colours)  # far enough from every class colour
    audit(page, watch)

    # Name the first class, then reach "Preview" with the keyboard and press it.
    page.locator("#classes-0-label").fill("locker")
    page.locator("#classes-0-label").focus()
    tab_to(page, "main button[name=action][value=preview]", limit=150)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    status = page.locator(".flash-messages [role=status]")
    expect(status).to_contain_text(de("The map shows the style as entered. It is not saved yet."))
    expect(page.locator("[data-layer-status]")).to_have_text(de("Map layers loaded."), timeout=20_000)
    expect(page.locator(".leaflet-gis-layer-0-pane path")).to_have_count(len(BLOCKS))
    assert legend_labels(page) == ["locker", "0,4 – 0,6", "0,6 – 0,8", de("Other or no value")]
    assert [fill_of_block(page, i) for i in range(len(BLOCKS))] == [
        SEQUENTIAL[3][0], SEQUENTIAL[3][0], SEQUENTIAL[3][1], SEQUENTIAL[3][2], fill]
    # The form keeps what was entered, and nothing was saved.
    expect(page.locator("#classes-0-label")).to_have_value("locker")
    assert saved_style(app, blocks)["categorise_by"] is None
    audit(page, watch)

    with page.expect_navigation():
        page.locator("main button[name=action][value=save]:not([hidden])").click()
    style = saved_style(app, blocks)
    assert [(c["min"], c["max"], c["label"]) for c in style["classes"]] == [
        (0.2, 0.4, "locker"), (0.4, 0.6, ""), (0.6, 0.8, "")]
    # The layer's page draws from the public address: the same legend and colours.
    expect(page.locator("[data-layer-status]")).to_have_text(de("Map layers loaded."), timeout=20_000)
    assert legend_labels(page) == ["locker", "0,4 – 0,6", "0,6 – 0,8", de("Other or no value")]
    expect(page.locator(".leaflet-gis-layer-0-pane path")).to_have_count(len(BLOCKS))
    assert fill_of_block(page, 3) == SEQUENTIAL[3][2]


def test_a_popup_shows_the_legend_words_and_value_labels(app, page, watch, de, town, gis, blocks):
    log_in(page, gis, PASSWORD)
    classes_by_equal_intervals(page, blocks, town)
    page.locator("#classes-0-label").fill("locker")
    table = page.locator("table.popup-table tbody tr")
    for attribute, label in (("nutzung", "Art der Nutzung"), ("grz", "GRZ")):
        row = table.filter(has=page.locator(f"input[type=hidden][value='{attribute}']"))
        row.locator("input[type=checkbox]").check()
        row.locator("input[name$='-label']").fill(label)
    table.filter(has=page.locator("input[type=hidden][value='nutzung']")).locator("textarea").fill(
        "WA = Allgemeines Wohngebiet\nMI = Mischgebiet")
    with page.expect_navigation():
        page.locator("main button[name=action][value=save]:not([hidden])").click()
    assert page.url.endswith(f"/{town.slug}/gis/ebenen/{blocks}"), page.url
    expect(page.locator(".leaflet-gis-layer-0-pane path")).to_have_count(len(BLOCKS), timeout=20_000)

    click_block(page, 0)
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    expect(popup.locator("dl.layer-popup dt")).to_have_text(["GRZ", "Art der Nutzung"])
    expect(popup.locator("dl.layer-popup dd")).to_have_text(["0,2 (locker)", "Allgemeines Wohngebiet"])
    audit(page, watch)
    page.keyboard.press("Escape")  # closes the popup for keyboard users
    expect(popup).to_have_count(0)
    click_block(page, 3)  # a code without a label shows as it is; the class label is the range
    expect(popup.locator("dl.layer-popup dd")).to_have_text(["0,8 (0,6 – 0,8)", "GE"])
    click_block(page, 4)
    expect(popup.locator("dl.layer-popup dd")).to_have_text(["–", "Allgemeines Wohngebiet"])


def test_vector_tiles_colour_by_range_and_their_popups_use_the_class_label(app, page, watch, de, town, gis,
                                                                            blocks, monkeypatch):
    """Large layers are drawn from vector tiles: the same ranges, colours and popup words."""
    monkeypatch.setitem(app.config, "LAYER_VECTOR_TILE_THRESHOLD", 0)
    colours = SEQUENTIAL[3]
    with app.app_context():
        layer = db.session.get(Layer, blocks)
        layer.style = {"categorise_by": "grz", "fill": "#8c8c8c", "classify": {"method": "equal", "count": 3},
                       "classes": [{"min": 0.2, "max": 0.4, "colour": colours[0], "label": "locker"},
                                   {"min": 0.4, "max": 0.6, "colour": colours[1], "label": ""},
                                   {"min": 0.6, "max": 0.8, "colour": colours[2], "label": ""}]}
        layer.popup = [{"attribute": "grz", "label": "GRZ"}]
        db.session.commit()
    log_in(page, gis, PASSWORD)
    with page.expect_response(lambda r: "/tiles/" in r.url and r.status == 200):
        page.goto(f"/{town.slug}/gis/ebenen/{blocks}")
    # Tiles overlap by a buffer, so a block may be drawn once per tile it touches.
    page.wait_for_function("n => document.querySelectorAll('.leaflet-gis-layer-0-pane path').length >= n",
                           arg=len(BLOCKS), timeout=20_000)
    expect(page.locator("[data-layer-status]")).to_have_text(de("Map layers loaded."))
    wait_until_drawn(page, len(BLOCKS))
    assert [fill_of_block(page, i) for i in range(len(BLOCKS))] == [
        colours[0], colours[0], colours[1], colours[2], "#8c8c8c"]
    click_block(page, 2)
    expect(page.locator(".leaflet-popup dl.layer-popup dd")).to_have_text(["0,6 (0,4 – 0,6)"])
    audit(page, watch)
