"""Address lists (HK-DE, simple CSV, point layers), search keys, and the demo town's address list and plan."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer

from geo.addresses import (BAD_COORDINATES, MISSING_NUMBER, MISSING_STREET, OUTSIDE_AREA, detect_encoding,
                           normalise, parse_query, read_addresses)
from geo.errors import GeoInputError
from geo.layers.limits import Limits
from participation.demo.data import BOUNDARIES, PROJECTS

DATA = Path(__file__).resolve().parent.parent / "data" / "addresses"
DEMO = Path(__file__).resolve().parents[2] / "participation" / "demo" / "files"
TO_UTM33 = Transformer.from_crs(4326, 25833, always_xy=True)
#: A point in the demo town (near the Marktplatz).
TOWN = (13.262, 53.558)


def _utm(lon: float, lat: float) -> tuple[float, float]:
    return TO_UTM33.transform(lon, lat)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def _rows(count: int, *, start: int = 1) -> list[tuple[str, str, float, float]]:
    """`count` distinct addresses near the town centre as (street, number, lon, lat)."""
    return [("Lindenweg", str(n), TOWN[0] + n * 1e-4, TOWN[1] + n * 5e-5) for n in range(start, start + count)]


# --- Hauskoordinaten ---------------------------------------------------------------------------------------

def test_hauskoordinaten_utf8_without_header():
    table = read_addresses(DATA / "hk_utf8.txt")
    frame, report = table.frame, table.report
    assert report.source_format == "hauskoordinaten"
    assert report.encoding == "utf-8"
    assert report.source_crs_epsg == [25833]
    assert report.rows_read == 6 and report.duplicates == 1 and report.addresses == 5
    assert list(frame["street"]) == ["Hauptstraße", "Hauptstraße", "Große Straße", "Über den Höfen", "Jägerweg"]
    assert list(frame["house_number"]) == ["12", "12a", "3", "7b", "1"]
    assert set(frame["postcode"]) == {"17099"} and set(frame["place"]) == {"Musterstadt"}
    # East 33384402,120 is zone 33, easting 384402.12: back in UTM 33 it is that point again.
    x, y = _utm(frame["lon"][0], frame["lat"][0])
    assert x == pytest.approx(384402.12, abs=0.01) and y == pytest.approx(5935941.30, abs=0.01)
    assert frame["street_key"][2] == "große straße"


def test_hauskoordinaten_cp1252_with_header():
    assert detect_encoding(DATA / "hk_cp1252.csv") == "cp1252"
    table = read_addresses(DATA / "hk_cp1252.csv")
    assert table.report.encoding == "cp1252"
    assert table.report.notes, "reading as Windows-1252 is reported"
    assert list(table.frame["street"]) == ["Schloßstraße", "Mühlenstraße", "Straße des Friedens"]
    assert list(table.frame["house_number"]) == ["4", "9", "21c"]
    assert table.report.source_format == "hauskoordinaten"


def test_hauskoordinaten_without_zone_needs_the_crs(tmp_path):
    x, y = _utm(*TOWN)
    east, north = f"{x:.3f}".replace(".", ","), f"{y:.3f}".replace(".", ",")
    path = _write(tmp_path / "hk.txt", f"N;DEMV1;A;13;0;71;999;0001;00101;5;;{east};{north};Hauptstraße;17099;"
                                       "Musterstadt;;\n")
    with pytest.raises(GeoInputError) as refused:
        read_addresses(path)
    assert "EPSG:25833" in str(refused.value)  # the guess from the coordinates
    table = read_addresses(path, crs=25833)
    assert (table.frame["lon"][0], table.frame["lat"][0]) == pytest.approx(TOWN, abs=1e-7)


# --- simple CSV --------------------------------------------------------------------------------------------

def test_simple_csv_lon_lat_comma_separated(tmp_path):
    text = "Straße,Hausnummer,PLZ,Ort,lon,lat\n" + "".join(
        f"{s},{n},17099,Musterstadt,{lon},{lat}\n" for s, n, lon, lat in _rows(3))
    table = read_addresses(_write(tmp_path / "a.csv", text))
    assert table.report.source_format == "csv" and table.report.source_crs_epsg == [4326]
    assert list(table.frame["house_number"]) == ["1", "2", "3"]
    assert table.frame["lon"][0] == pytest.approx(TOWN[0] + 1e-4)


def test_simple_csv_x_y_semicolon_with_crs(tmp_path):
    rows = []
    for street, number, lon, lat in _rows(4):
        x, y = _utm(lon, lat)
        rows.append(f"{street};{number} a;{x:.2f};{y:.2f}".replace(".", ","))
    text = "strasse;hnr;rechtswert;hochwert\n" + "\n".join(rows) + "\n"
    path = _write(tmp_path / "xy.csv", text)
    with pytest.raises(GeoInputError) as refused:
        read_addresses(path)  # x/y without a CRS: ask, with the fitting guess
    assert "EPSG:25833" in str(refused.value)
    table = read_addresses(path, crs=25833)
    assert list(table.frame["house_number"]) == ["1a", "2a", "3a", "4a"]
    assert list(table.frame["postcode"]) == [""] * 4  # no postcode column: empty, not refused
    assert table.frame["lat"][3] == pytest.approx(TOWN[1] + 4 * 5e-5, abs=1e-7)


def test_missing_columns_are_named(tmp_path):
    path = _write(tmp_path / "bad.csv", "name;nummer;lon;lat\nA;1;13.2;53.5\n")
    with pytest.raises(GeoInputError) as refused:
        read_addresses(path)
    message = str(refused.value)
    assert "street/strasse" in message and "hausnummer/hnr" in message
    assert "name, nummer, lon, lat" in message  # the columns found


def test_coordinates_missing_columns_are_named(tmp_path):
    path = _write(tmp_path / "bad.csv", "strasse;hausnummer;plz\nA;1;17099\n")
    with pytest.raises(GeoInputError, match="lon \\+ lat / x \\+ y"):
        read_addresses(path)


def test_two_columns_for_the_same_thing_are_refused(tmp_path):
    path = _write(tmp_path / "bad.csv", "strasse;str;hnr;lon;lat\nA;A;1;13.2;53.5\n")
    with pytest.raises(GeoInputError, match="strasse, str"):
        read_addresses(path)


def test_some_bad_rows_are_skipped_with_reasons(tmp_path):
    good = "".join(f"{s};{n};{lon};{lat}\n" for s, n, lon, lat in _rows(8))
    bad = (";9;13.26;53.55\n"           # line 10: no street
           "Lindenweg;;13.26;53.55\n"   # line 11: no number
           "Lindenweg;11;x;53.55\n"     # line 12: not a number
           "Lindenweg;12;2.35;48.85\n")  # line 13: Paris
    table = read_addresses(_write(tmp_path / "some.csv", "strasse;hnr;lon;lat\n" + good + bad))
    report = table.report
    assert report.rows_read == 12 and report.addresses == 8
    assert report.skipped == {MISSING_STREET: 1, MISSING_NUMBER: 1, BAD_COORDINATES: 1, OUTSIDE_AREA: 1}
    assert report.examples == [(10, MISSING_STREET), (11, MISSING_NUMBER), (12, BAD_COORDINATES),
                               (13, OUTSIDE_AREA)]


def test_a_mostly_bad_file_is_refused_whole(tmp_path):
    good = "".join(f"{s};{n};{lon};{lat}\n" for s, n, lon, lat in _rows(2))
    bad = "".join(f"Lindenweg;;{TOWN[0]};{TOWN[1]}\n" for _ in range(3))
    with pytest.raises(GeoInputError) as refused:
        read_addresses(_write(tmp_path / "mostly.csv", "strasse;hnr;lon;lat\n" + good + bad))
    assert refused.value.params["bad"] == 3 and refused.value.params["total"] == 5
    assert refused.value.params["number"] == 3 and refused.value.params["line"] == 4


def test_duplicates_collapse(tmp_path):
    lon, lat = TOWN
    text = ("strasse;hnr;plz;lon;lat\n"
            f"Hauptstraße;5;17099;{lon};{lat}\n"
            f"Hauptstr.;5;17099;{lon};{lat}\n"       # the same address written differently
            f"Hauptstraße;5 A;17099;{lon};{lat}\n"   # 5a is another house
            f"Hauptstraße;5a;17099;{lon};{lat}\n"
            f"Hauptstraße;5;17033;{lon};{lat}\n")    # another postcode: another address
    table = read_addresses(_write(tmp_path / "dup.csv", text))
    assert table.report.duplicates == 2 and table.report.addresses == 3
    assert list(table.frame["house_number"]) == ["5", "5A", "5"]


def test_coordinates_in_another_crs_are_refused_with_the_fitting_one(tmp_path):
    rows = "".join(f"{s};{n};{_utm(lon, lat)[0]:.1f};{_utm(lon, lat)[1]:.1f}\n" for s, n, lon, lat in _rows(5))
    path = _write(tmp_path / "wrong.csv", "strasse;hnr;x;y\n" + rows)
    with pytest.raises(GeoInputError) as refused:
        read_addresses(path, crs=31468)  # Gauß-Krüger 4: lands far away
    assert 25833 in refused.value.params["suggested"]


def test_swapped_lon_lat_is_refused(tmp_path):
    rows = "".join(f"{s};{n};{lat};{lon}\n" for s, n, lon, lat in _rows(5))
    with pytest.raises(GeoInputError, match="swapped"):
        read_addresses(_write(tmp_path / "swapped.csv", "strasse;hnr;lon;lat\n" + rows))


def test_limits_and_file_types(tmp_path):
    text = "strasse;hnr;lon;lat\n" + "".join(f"{s};{n};{lon};{lat}\n" for s, n, lon, lat in _rows(5))
    path = _write(tmp_path / "a.csv", text)
    with pytest.raises(GeoInputError, match="more than 3 rows"):
        read_addresses(path, limits=Limits(max_features=3))
    with pytest.raises(GeoInputError, match="at most"):
        read_addresses(path, limits=Limits(max_upload_bytes=10))
    with pytest.raises(GeoInputError, match="cannot be read as an address list"):
        read_addresses(_write(tmp_path / "a.xlsx", "x"))
    with pytest.raises(GeoInputError, match="empty"):
        read_addresses(_write(tmp_path / "e.csv", ""))


def test_header_only_and_undecodable_bytes(tmp_path):
    with pytest.raises(GeoInputError, match="has no rows"):
        read_addresses(_write(tmp_path / "h.csv", "strasse;hnr;lon;lat\n"))
    lon, lat = TOWN
    # 0x81 is no character in Windows-1252 either: replaced, not a crash.
    (tmp_path / "b.csv").write_bytes(f"strasse;hnr;lon;lat\nM\xfchlenweg\x81;1;{lon};{lat}\n".encode("latin-1"))
    table = read_addresses(tmp_path / "b.csv")
    assert table.frame["street"][0] == "Mühlenweg\ufffd"


def test_progress_is_reported(tmp_path):
    text = "strasse;hnr;lon;lat\n" + "".join(f"{s};{n};{lon};{lat}\n" for s, n, lon, lat in _rows(5))
    path = _write(tmp_path / "a.csv", text)
    calls = []
    read_addresses(path, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (path.stat().st_size, path.stat().st_size)


# --- point layers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, driver", [("addresses.gpkg", "GPKG"), ("addresses.geojson", "GeoJSON")])
def test_point_layer(tmp_path, name, driver):
    rows = _rows(4)
    utm = [_utm(lon, lat) for _s, _n, lon, lat in rows]
    frame = gpd.GeoDataFrame(
        {"Strassenname": [s for s, *_ in rows], "Hausnummer": [int(n) for _s, n, *_ in rows],
         "Adressierungszusatz": ["", "b", "", ""], "Postleitzahl": ["17099"] * 4, "Ortsname": ["Musterstadt"] * 4},
        geometry=[shapely.Point(x, y) for x, y in utm], crs=25833)
    path = tmp_path / name
    frame.to_file(path, driver=driver)
    table = read_addresses(path)
    assert table.report.source_format == "layer"
    assert list(table.frame["house_number"]) == ["1", "2b", "3", "4"]
    assert list(table.frame["place"]) == ["Musterstadt"] * 4
    assert table.frame["lon"][0] == pytest.approx(rows[0][2], abs=1e-7)


def test_point_layer_without_address_attributes(tmp_path):
    frame = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[shapely.Point(*TOWN)] * 2, crs=4326)
    path = tmp_path / "points.gpkg"
    frame.to_file(path, driver="GPKG")
    with pytest.raises(GeoInputError) as refused:
        read_addresses(path)
    assert refused.value.params["found"] == "id"


def test_polygon_layer_is_refused(tmp_path):
    frame = gpd.GeoDataFrame({"strasse": ["A"], "hnr": ["1"]}, geometry=[shapely.Point(*TOWN).buffer(0.001)],
                             crs=4326)
    path = tmp_path / "areas.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(GeoInputError, match="needs points"):
        read_addresses(path)


# --- search keys -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, key", [
    ("Hauptstraße", "hauptstraße"),
    ("Hauptstr.", "hauptstraße"),
    ("Hauptstr", "hauptstraße"),
    ("HAUPTSTRASSE", "hauptstraße"),
    ("Karl-Marx-Str.", "karl marx straße"),
    ("Karl Marx Straße", "karl marx straße"),
    ("Hauptstras", "hauptstraß"),             # half-typed: still the start of "hauptstraße"
    ("Karl-Marx-S", "karl marx s"),
    ("Straße des Friedens", "straße des friedens"),
    ("Str. des Friedens", "straße des friedens"),
    ("Schloßstraße", "schloßstraße"),         # ß stays ß
    ("Über den  Höfen", "über den höfen"),    # umlauts stay, whitespace collapses
    ("Strandweg", "strandweg"),               # "str" inside a word is left alone
])
def test_normalise(written, key):
    assert normalise(written) == key


@pytest.mark.parametrize("typed, parsed", [
    ("Hauptstr 5a", ("hauptstraße", "5a", None)),
    ("Hauptstraße 5 a, 17033", ("hauptstraße", "5a", "17033")),
    ("17033 Hauptstraße", ("hauptstraße", None, "17033")),
    ("Hauptstraße 5, 17099 Musterstadt", ("hauptstraße", "5", "17099")),
    ("Am Mühlenteich 12", ("am mühlenteich", "12", None)),
    ("Straße des Friedens 21C", ("straße des friedens", "21c", None)),
    ("Lindenweg", ("lindenweg", None, None)),
])
def test_parse_query(typed, parsed):
    assert parse_query(typed) == parsed


def test_half_typed_street_names_are_the_start_of_the_key():
    for full in ("Hauptstraße", "Karl-Marx-Straße", "Am Mühlenteich", "Straße des Friedens"):
        key = normalise(full)
        for end in range(4, len(full) + 1):
            assert key.startswith(normalise(full[:end]).rstrip()), full[:end]


def test_a_typed_address_finds_the_listed_one():
    table = read_addresses(DATA / "hk_utf8.txt")
    street, number, _postcode = parse_query("Hauptstr. 12 A")
    hits = table.frame[(table.frame["street_key"] == street) & (table.frame["house_number"].str.lower() == number)]
    assert len(hits) == 1


# --- the demo town's files ---------------------------------------------------------------------------------

def test_demo_address_list_reads_fully_inside_the_town():
    table = read_addresses(DEMO / "musterstadt_addresses.csv")
    report = table.report
    assert report.source_format == "hauskoordinaten" and report.source_crs_epsg == [25833]
    assert 300 <= report.addresses <= 600 and report.skipped == {} and report.duplicates == 0
    assert table.frame["street"].nunique() >= 15
    town = shapely.Polygon(BOUNDARIES["musterstadt"])
    assert shapely.covers(town, shapely.points(table.frame["lon"], table.frame["lat"])).all()
    assert {"Hauptstraße", "Schulstraße", "Marktplatz", "Lindenweg", "Am Mühlenteich"} <= set(table.frame["street"])


def test_demo_plan_reads_with_its_classes_inside_the_town(tmp_path):
    import shutil

    import pyogrio

    # A copy: GDAL's GML driver writes a .gfs file beside what it reads, which must not land in the source tree.
    path = Path(shutil.copy(DEMO / "bplan_nr12_am_muehlenteich.gml", tmp_path))
    layers = dict(pyogrio.list_layers(path))
    expected = {"BP_Plan": "MultiPolygon", "BP_Bereich": "Polygon", "BP_BaugebietsTeilFlaeche": "Polygon",
                "BP_UeberbaubareGrundstuecksFlaeche": "Polygon", "BP_BauGrenze": "LineString",
                "BP_StrassenVerkehrsFlaeche": "Polygon", "BP_GruenFlaeche": "Polygon"}
    assert {name: layers.get(name) for name in expected} == expected
    assert "XP_TextAbschnitt" in layers
    for name in expected:
        frame = pyogrio.read_dataframe(path, layer=name)
        assert frame.crs.to_epsg() == 25833 and frame.geometry.notna().all() and len(frame)
    zones = pyogrio.read_dataframe(path, layer="BP_BaugebietsTeilFlaeche")
    assert len(zones) == 6 and set(zones["besondereArtDerBaulNutzung"].astype(str)) == {"1200", "1500"}
    texts = pyogrio.read_dataframe(path, layer="XP_TextAbschnitt", read_geometry=False)
    assert 5 <= len(texts) <= 8 and texts["schluessel"].iloc[0] == "§ 1"
    plan = pyogrio.read_dataframe(path, layer="BP_Plan")
    row = plan.iloc[0]
    assert str(row["nummer"]) == "12" and str(row["rechtsstand"]) == "2400" and str(row["planArt"]) == "1000"
    assert row["referenzURL"] == "begruendung_nr12.pdf" and (DEMO / row["referenzURL"]).is_file()
    geltungsbereich = plan.to_crs(4326).geometry.iloc[0]
    assert shapely.Polygon(BOUNDARIES["musterstadt"]).contains(geltungsbereich)
    marktplatz = next(p for p in PROJECTS if p[1] == "Neugestaltung Marktplatz")
    assert not geltungsbereich.intersects(shapely.Polygon(marktplatz[5]))
    width, height = np.ptp(np.array(plan.geometry.iloc[0].exterior.coords if plan.geometry.iloc[0].geom_type ==
                                     "Polygon" else plan.geometry.iloc[0].geoms[0].exterior.coords), axis=0)
    assert (width, height) == (pytest.approx(400), pytest.approx(300))
    # Typing an address in the plan finds it in the address list.
    table = read_addresses(DEMO / "musterstadt_addresses.csv")
    street, number, _ = parse_query("Am Mühlenteich 3")
    hit = table.frame[(table.frame["street_key"] == street) & (table.frame["house_number"] == number)]
    assert len(hit) == 1 and geltungsbereich.contains(shapely.Point(hit["lon"].iloc[0], hit["lat"].iloc[0]))


def test_demo_begruendung_is_a_pdf():
    data = (DEMO / "begruendung_nr12.pdf").read_bytes()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    offset = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[offset:offset + 4] == b"xref"
