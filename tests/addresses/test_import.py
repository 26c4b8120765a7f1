"""Importing a town's address list: service, page and job, CLI; all or nothing."""
from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from pyproj import Transformer
from sqlalchemy import func, select, text

from geo.errors import GeoInputError
from participation.accounts.models import Role
from participation.addresses import services
from participation.addresses.models import Address, AddressList
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.municipalities.models import Municipality
from tests.addresses.conftest import ROWS, write_csv
from tests.conftest import csrf_token, wait_for_jobs


def _import(app, town, path, **kwargs):
    with app.app_context():
        result = services.import_addresses(db.session.get(Municipality, town.id), path, **kwargs)
        db.session.commit()
        return result.id


def _addresses(app, town) -> list[tuple[str, str]]:
    with app.app_context():
        return sorted(tuple(row) for row in db.session.execute(
            select(Address.street, Address.house_number).where(Address.municipality_id == town.id)))


def test_import_stores_every_address_with_its_key_place_and_index(app, town, address_file):
    _import(app, town, address_file)
    with app.app_context():
        listed = db.session.scalar(select(AddressList).where(AddressList.municipality_id == town.id))
        assert listed.address_count == len(ROWS) and listed.filename == "adressen.csv"
        assert listed.report["rows_read"] == len(ROWS) and listed.report["skipped"] == {}
        five = db.session.scalar(select(Address).where(Address.house_number == "5"))
        assert (five.street_key, five.postcode, five.place) == ("hauptstraße", "17099", "Musterstadt")
        assert five.location.x == pytest.approx(13.2551) and five.min_x == pytest.approx(13.2551)
        assert five.label == "Hauptstraße 5, 17099 Musterstadt"
        if db.engine.dialect.name == "sqlite":  # the triggers filled the R*Tree
            assert db.session.scalar(text("SELECT count(*) FROM address_rtree")) == len(ROWS)


def test_a_new_import_replaces_the_list_and_other_towns_keep_theirs(app, create_town, address_file, tmp_path):
    town, other = create_town(), create_town()
    first = _import(app, town, address_file)
    _import(app, other, address_file)
    second = _import(app, town, write_csv(tmp_path / "neu.csv", ROWS[:2]))
    assert first == second  # one list per town, renewed
    assert _addresses(app, town) == [("Hauptstraße", "10"), ("Hauptstraße", "5a")]
    assert len(_addresses(app, other)) == len(ROWS)


def test_a_refused_file_changes_nothing(app, town, address_file, bad_file):
    _import(app, town, address_file)
    with app.app_context(), pytest.raises(GeoInputError) as refused:
        services.import_addresses(db.session.get(Municipality, town.id), bad_file)
    assert "without house number" in refused.value.message
    assert len(_addresses(app, town)) == len(ROWS)


def test_skipped_rows_are_reported_with_their_reasons(app, town, tmp_path):
    rows = ROWS + [("", "7", "17099", 13.255, 53.552), ("Hauptstraße", "5", "17099", 13.2551, 53.5521)]
    _import(app, town, write_csv(tmp_path / "a.csv", rows))
    with app.app_context():
        report = db.session.scalar(select(AddressList.report))
    assert report["skipped"] == {"street name missing": 1}
    assert report["duplicates"] == 1 and report["examples"] == [[len(ROWS) + 2, "street name missing"]]


def test_many_addresses_are_stored_in_chunks(app, town, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 3)
    rows = [("Lange Straße", str(n), "17099", 13.25 + n * 1e-5, 53.552) for n in range(1, 11)]
    seen = []
    _import(app, town, write_csv(tmp_path / "lang.csv", rows),
            progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert len(_addresses(app, town)) == 10
    assert [s for s in seen if s[0] == "store"] == [("store", 3, 10), ("store", 6, 10), ("store", 9, 10),
                                                    ("store", 10, 10)]


# --- the GIS team's page and the job ---------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [(None, 302), (Role.RESIDENT, 403), (Role.PLANNER, 200), (Role.GIS, 200),
                                          ("other_gis", 403), (Role.ADMIN, 200)])
def test_the_page_is_for_the_towns_staff(client, create_town, create_user, login, town, role, status):
    if role == "other_gis":
        login(create_user(Role.GIS, towns=[create_town()]))
    elif role is not None:
        login(create_user(role, towns=[town]))
    response = client.get(f"/{town.slug}/adressen")
    assert response.status_code == status
    if status == 302:
        assert "/konto/anmelden" in response.headers["Location"]


def _upload(client, town, path, name=None):
    token = csrf_token(client, f"/{town.slug}/adressen")
    return client.post(f"/{town.slug}/adressen", data={
        "csrf_token": token, "crs": "", "file": (io.BytesIO(path.read_bytes()), name or path.name)},
        content_type="multipart/form-data")


def test_upload_runs_the_job_and_the_page_shows_the_figures(app, client, create_user, login, town, address_file):
    gis = create_user(Role.GIS, towns=[town])
    login(gis)
    response = _upload(client, town, address_file)
    assert response.status_code == 302 and "/adressen/import/" in response.headers["Location"]
    wait_for_jobs(app)
    status = client.get(response.headers["Location"] + "/status").get_json()
    assert status["status"] == "finished" and status["result"]["addresses"] == len(ROWS)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "8 Adressen wurden importiert." in page
    listing = client.get(f"/{town.slug}/adressen").get_data(as_text=True)
    assert "adressen.csv" in listing and gis.pseudonym in listing
    with app.app_context():  # the file is removed once imported
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        assert not services.stored_path(job.payload["stored_name"]).exists()


def test_a_refused_upload_shows_why_and_keeps_the_list(app, client, create_user, login, town, address_file,
                                                       bad_file):
    _import(app, town, address_file)
    login(create_user(Role.GIS, towns=[town]))
    location = _upload(client, town, bad_file).headers["Location"]
    wait_for_jobs(app)
    page = client.get(location).get_data(as_text=True)
    assert "Die Adressliste wurde nicht importiert" in page and "ohne Hausnummer" in page
    assert len(_addresses(app, town)) == len(ROWS)
    with app.app_context():
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        assert job.status is JobStatus.FAILED
        assert not services.stored_path(job.payload["stored_name"]).exists()


def test_an_upload_without_a_file_is_a_clear_400(client, create_user, login, town):
    login(create_user(Role.GIS, towns=[town]))
    token = csrf_token(client, f"/{town.slug}/adressen")
    response = client.post(f"/{town.slug}/adressen", data={"csrf_token": token, "crs": ""})
    assert response.status_code == 400 and "Wählen Sie eine Datei." in response.get_data(as_text=True)


def test_the_import_page_of_another_towns_job_is_404(app, client, create_town, create_user, login, town,
                                                    address_file):
    other = create_town()
    login(create_user(Role.GIS, towns=[town, other]))
    location = _upload(client, other, address_file).headers["Location"]
    wait_for_jobs(app)
    job_id = location.rsplit("/", 1)[1]
    assert client.get(f"/{town.slug}/adressen/import/{job_id}").status_code == 404
    assert client.get(f"/{town.slug}/adressen/import/{job_id}/status").status_code == 404
    assert client.get(f"/{other.slug}/adressen/import/{job_id}").status_code == 200


# --- CLI -------------------------------------------------------------------------------------------------

def test_cli_imports_with_a_report(app, runner, town, tmp_path):
    path = write_csv(tmp_path / "x.csv", [(s, n, p, lon, lat) for s, n, p, lon, lat in ROWS] +
                     [("Hauptstraße", "", "17099", 13.255, 53.552)])
    result = runner.invoke(args=["addresses", "import", town.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert f"{len(ROWS)} addresses from {len(ROWS) + 1} rows" in result.output
    assert f"line {len(ROWS) + 2}:" in result.output
    assert len(_addresses(app, town)) == len(ROWS)


def test_cli_refuses_a_bad_file_and_an_unknown_town(app, runner, town, bad_file, address_file):
    refused = runner.invoke(args=["addresses", "import", town.slug, str(bad_file)])
    assert refused.exit_code == 1 and "1 ohne Hausnummer" not in refused.output
    assert f"{len(ROWS)} ohne Hausnummer" in refused.output or f"{len(ROWS)} without house number" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Address.id))) == 0
    unknown = runner.invoke(args=["addresses", "import", "nirgendwo", str(address_file)])
    assert unknown.exit_code == 2 and "no municipality" in unknown.output


def test_cli_takes_the_crs_of_xy_columns(app, runner, town, tmp_path):
    # EPSG:25833 coordinates of two places inside AREA.
    to_utm = Transformer.from_crs(4326, 25833, always_xy=True)
    lines = ["strasse;hausnummer;plz;x;y"]
    for number, (lon, lat) in enumerate(((13.255, 53.552), (13.256, 53.553)), start=1):
        x, y = to_utm.transform(lon, lat)
        lines.append(f"Hauptstraße;{number};17099;{x:.2f};{y:.2f}")
    path = tmp_path / "utm.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert runner.invoke(args=["addresses", "import", town.slug, str(path)]).exit_code == 1  # no CRS stated
    result = runner.invoke(args=["addresses", "import", town.slug, str(path), "--crs", "25833"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        point = db.session.scalar(select(Address.location).where(Address.house_number == "1"))
    assert point.x == pytest.approx(13.255, abs=1e-6) and point.y == pytest.approx(53.552, abs=1e-6)


def test_files_a_crashed_import_left_are_removed_after_the_keep_time(app):
    with app.app_context():
        folder = services.upload_folder()
        folder.mkdir(parents=True, exist_ok=True)
        old, fresh = folder / "old.csv", folder / "fresh.csv"
        old.write_text("x")
        fresh.write_text("x")
        hours = app.config["LAYER_UPLOAD_KEEP_HOURS"]
        later = utcnow() + timedelta(hours=hours / 2)
        assert services.clean_stale_uploads(now=later) == 0
        os.utime(old, (old.stat().st_atime, old.stat().st_mtime - hours * 3600))
        assert services.clean_stale_uploads(now=later) == 1
        assert not old.exists() and fresh.exists()
        fresh.unlink()
