"""Small address lists written for the tests."""
from __future__ import annotations

import pytest

#: Inside tests.conftest.AREA (13.25–13.26 E, 53.55–53.554 N); numbers deliberately out of order.
ROWS = [
    ("Hauptstraße", "10", "17099", 13.2560, 53.5520),
    ("Hauptstraße", "5a", "17099", 13.2552, 53.5521),
    ("Hauptstraße", "5", "17099", 13.2551, 53.5521),
    ("Hauptstraße", "6", "17099", 13.2553, 53.5521),
    ("Hauptstraße", "50", "17099", 13.2580, 53.5525),
    ("Hauptstraße", "1", "17099", 13.2540, 53.5520),
    ("Am Mühlenteich", "3", "17099", 13.2530, 53.5510),
    ("Schulstraße", "2", "17098", 13.2590, 53.5530),
]


def write_csv(path, rows, header="strasse;hausnummer;plz;ort;lon;lat"):
    lines = [header] + [f"{street};{number};{postcode};Musterstadt;{lon};{lat}"
                        for street, number, postcode, lon, lat in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def address_file(tmp_path):
    return write_csv(tmp_path / "adressen.csv", ROWS)


@pytest.fixture
def bad_file(tmp_path):
    """Most rows without a house number: refused as a whole."""
    rows = [(street, "", postcode, lon, lat) for street, _n, postcode, lon, lat in ROWS]
    return write_csv(tmp_path / "kaputt.csv", rows)
