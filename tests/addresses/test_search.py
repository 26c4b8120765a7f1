"""The address search: what residents type, natural order, the JSON API as documented."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from participation.addresses import queries, services
from participation.extensions import db
from participation.municipalities.models import Municipality
from tests.addresses.conftest import ROWS, write_csv
from tests.test_openapi import check_response


@pytest.fixture
def listed_town(app, create_town, address_file):
    town = create_town()
    with app.app_context():
        services.import_addresses(db.session.get(Municipality, town.id), address_file)
        db.session.commit()
    return town


def _labels(app, town, text, limit=8):
    with app.app_context():
        return [f"{a.street} {a.house_number}" for a in queries.search(db.session.get(Municipality, town.id), text,
                                                                       limit)]


def test_house_numbers_in_natural_order(app, listed_town):
    assert _labels(app, listed_town, "Hauptstraße") == [
        "Hauptstraße 1", "Hauptstraße 5", "Hauptstraße 5a", "Hauptstraße 6", "Hauptstraße 10", "Hauptstraße 50"]


@pytest.mark.parametrize("typed, found", [
    ("Hauptstr. 5", ["Hauptstraße 5", "Hauptstraße 5a", "Hauptstraße 50"]),
    ("hauptstrasse 5a", ["Hauptstraße 5a"]),
    ("Hauptstr 5 A", ["Hauptstraße 5a"]),
    ("Haupt", ["Hauptstraße 1", "Hauptstraße 5", "Hauptstraße 5a", "Hauptstraße 6", "Hauptstraße 10",
               "Hauptstraße 50"]),
    ("Hauptstras", ["Hauptstraße 1", "Hauptstraße 5", "Hauptstraße 5a", "Hauptstraße 6", "Hauptstraße 10",
                    "Hauptstraße 50"]),  # half-typed "straße"
    ("Am Mühlen", ["Am Mühlenteich 3"]),
    ("am-mühlenteich 3", ["Am Mühlenteich 3"]),
    ("Schulstraße 2, 17098", ["Schulstraße 2"]),
    ("Schulstraße 2, 17099", []),
    ("17099", []),
    ("Nebenweg 1", []),
    ("%", []),
    ("_auptstraße", []),
])
def test_what_residents_type(app, listed_town, typed, found):
    assert _labels(app, listed_town, typed) == found


def test_the_limit_cuts_and_other_towns_are_not_searched(app, listed_town, create_town):
    assert _labels(app, listed_town, "Haupt", limit=2) == ["Hauptstraße 1", "Hauptstraße 5"]
    assert _labels(app, create_town(), "Haupt") == []


def test_search_uses_the_street_key_index(app, listed_town):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the plan checked is SQLite's")
        town = db.session.get(Municipality, listed_town.id)
        plan = " ".join(row[-1] for row in db.session.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM address WHERE municipality_id = :t AND street_key >= :k "
            "AND street_key < :e"), {"t": town.id, "k": "haupt", "e": "haupt\U0010ffff"}))
    assert "ix_address_town_street_key" in plan


def test_api_answers_as_documented(client, listed_town):
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get(f"/api/v1/towns/{listed_town.slug}/addresses?q=Hauptstr%205&limit=2")
    check_response(document, "/towns/{slug}/addresses", "get", response)
    assert response.get_json() == {"addresses": [
        {"label": "Hauptstraße 5, 17099 Musterstadt", "street": "Hauptstraße", "house_number": "5",
         "postcode": "17099", "place": "Musterstadt", "lon": 13.2551, "lat": 53.5521},
        {"label": "Hauptstraße 5a, 17099 Musterstadt", "street": "Hauptstraße", "house_number": "5a",
         "postcode": "17099", "place": "Musterstadt", "lon": 13.2552, "lat": 53.5521}]}
    for url, status in ((f"/api/v1/towns/{listed_town.slug}/addresses", 400),
                        (f"/api/v1/towns/{listed_town.slug}/addresses?q=a&limit=21", 400),
                        ("/api/v1/towns/nirgendwo/addresses?q=a", 404)):
        refused = client.get(url)
        assert refused.status_code == status
        check_response(document, "/towns/{slug}/addresses", "get", refused)
    assert client.get(f"/api/v1/towns/{listed_town.slug}/addresses?q=x").get_json()["addresses"] == []


def test_an_address_list_in_cp1252_is_found_by_umlauts(app, create_town, tmp_path):
    town = create_town()
    path = write_csv(tmp_path / "latin.csv", ROWS)
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    with app.app_context():
        services.import_addresses(db.session.get(Municipality, town.id), path)
        db.session.commit()
    assert _labels(app, town, "am mühlenteich") == ["Am Mühlenteich 3"]
