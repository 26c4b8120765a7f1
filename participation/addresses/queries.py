"""Reading address lists: the search residents type into, and the list's state for the GIS team."""
from __future__ import annotations

from sqlalchemy import Integer, cast, func, select

from geo.address_keys import parse_query
from participation.addresses.models import Address, AddressList
from participation.extensions import db
from participation.jobs.models import Job
from participation.municipalities.models import Municipality

#: The most addresses one search answers with.
MAX_RESULTS = 20
#: Longer input is no address; cut before parsing.
MAX_QUERY_LENGTH = 200


def _house_number_value(dialect_name: str):
    """The house number's leading digits as a number, so that 5, 5a, 6, 10 sort as people count."""
    if dialect_name == "postgresql":
        # At most nine digits, so that no house number a file brings overflows the integer.
        return cast(func.nullif(func.substring(Address.house_number, "^[0-9]{1,9}"), ""), Integer)
    return cast(Address.house_number, Integer)  # SQLite reads the leading digits of "5a" as 5


def search(town: Municipality, text: str, limit: int = 8) -> list[Address]:
    """Addresses of `town` for what a resident typed ("Hauptstr 5", "Am Markt 3a, 17099").

    The street is matched by the start of its search key (`geo.addresses.normalise`:
    "Hauptstr." finds "Hauptstraße"), the house number by its start ("1" finds 1, 1a,
    10 …), the postcode exactly; ordered by street, then house numbers in natural order.
    Nothing typed that names a street gives no addresses.
    """
    street_key, number, postcode = parse_query((text or "")[:MAX_QUERY_LENGTH])
    if not street_key:
        return []
    limit = max(1, min(int(limit), MAX_RESULTS))
    dialect = db.session.get_bind().dialect.name
    query = select(Address).where(Address.municipality_id == town.id,
                                  Address.street_key.startswith(street_key, autoescape=True))
    if dialect != "postgresql":
        # A range on the indexed column: SQLite's LIKE is case-insensitive and so skips the index. (On
        # PostgreSQL the range would not be exact under a language collation; LIKE decides there.)
        query = query.where(Address.street_key >= street_key, Address.street_key < street_key + "\U0010ffff")
    if number:
        query = query.where(func.lower(Address.house_number).startswith(number, autoescape=True))
    if postcode:
        query = query.where(Address.postcode == postcode)
    query = query.order_by(Address.street_key, Address.street, _house_number_value(dialect), Address.house_number,
                           Address.postcode, Address.id).limit(limit)
    return list(db.session.scalars(query))


def best_match(town: Municipality, text: str) -> tuple[Address | None, list[Address]]:
    """The address a search form sent without a script: the first match and the others to choose from."""
    found = search(town, text, limit=8)
    return (found[0] if found else None), found[1:]


def address_list(town: Municipality) -> AddressList | None:
    return db.session.scalar(select(AddressList).where(AddressList.municipality_id == town.id))


def recent_imports(town: Municipality, kind: str, limit: int = 5) -> list[Job]:
    """The town's latest import jobs, newest first (their payload names the town)."""
    return list(db.session.scalars(select(Job).where(Job.kind == kind, Job.payload["town_id"].as_integer() == town.id)
                                   .order_by(Job.id.desc()).limit(limit)))


def as_json(address: Address) -> dict:
    """An address for the search box and the API."""
    return {"label": address.label, "street": address.street, "house_number": address.house_number,
            "postcode": address.postcode, "place": address.place,
            "lon": round(address.location.x, 7), "lat": round(address.location.y, 7)}
