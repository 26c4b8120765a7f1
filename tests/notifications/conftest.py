"""Places around tests.conftest.AREA (13.25–13.26 E, 53.55–53.554 N), and helpers to run the notices."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from participation.addresses import services as address_services
from participation.extensions import db
from participation.municipalities.models import Municipality
from participation.notifications.cli import send_due
from tests.addresses.conftest import write_csv
from tests.conftest import TIME_ZONE, town_today

#: (street, number, postcode, lon, lat): one inside the area, two east of it (about 230 m and 400 m
#: beyond its east edge at 53.552 N, where a degree of longitude is about 66 km), one far away.
PLACES = [
    ("Hauptstraße", "5", "17099", 13.2551, 53.5521),
    ("Ostweg", "1", "17099", 13.2635, 53.552),
    ("Ostweg", "9", "17099", 13.266, 53.552),
    ("Fernweg", "1", "17099", 13.30, 53.60),
]


@pytest.fixture
def with_addresses(app, tmp_path):
    def load(town):
        path = write_csv(tmp_path / f"{town.slug}.csv", PLACES)
        with app.app_context():
            address_services.import_addresses(db.session.get(Municipality, town.id), path)
            db.session.commit()
    return load


def local(day_offset: int = 0, hour: int = 9) -> datetime:
    """An instant at `hour` o'clock German time, `day_offset` days from today."""
    return datetime.combine(town_today() + timedelta(days=day_offset), time(hour), tzinfo=ZoneInfo(TIME_ZONE))


@pytest.fixture
def run_due(app):
    """Run the due notices as the worker or `flask notifications send-due` would, and commit."""
    def run(now: datetime | None = None, on=None):
        with (on or app).app_context():
            result = send_due(now)
            db.session.commit()
            return result
    return run
