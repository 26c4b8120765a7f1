"""The town's Atom feed (RFC 4287) and iCalendar file (RFC 5545), parsed as a reader would."""
from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

from participation.extensions import db
from participation.projects.models import Phase
from participation.statutes.feeds import fold
from participation.statutes.models import PeriodKind, StatutePeriod
from tests.conftest import town_today

A = "{http://www.w3.org/2005/Atom}"
TODAY = town_today()


def _period(app, statute, kind=PeriodKind.DISPLAY, starts=-3, ends=30) -> None:
    with app.app_context():
        db.session.add(StatutePeriod(statute_id=statute.id, kind=kind, starts_on=TODAY + timedelta(days=starts),
                                     ends_on=TODAY + timedelta(days=ends)))
        db.session.commit()


def _town_with_things(app, town, create_statute, create_project):
    """In display, early participation, display to come, a draft in display; projects open, to come, a draft."""
    shown = create_statute(town, title="Am Mühlenteich", number="12", summary="Wohnen am Teich")
    early = create_statute(town, title="Alte Ziegelei", number="13")
    later = create_statute(town, title="Nordufer", number="14")
    draft = create_statute(town, title="Geheimplan", number="15", published=False)
    _period(app, shown)
    _period(app, early, PeriodKind.EARLY, -1, 10)
    _period(app, later, PeriodKind.DISPLAY, 20, 60)
    _period(app, draft)
    open_project = create_project(town, title="Marktplatz, neu; gestaltet")
    future = create_project(town, title="Spielplatz", start=TODAY + timedelta(days=5), end=TODAY + timedelta(days=9))
    hidden = create_project(town, phase=Phase.DRAFT, title="Entwurf")
    return shown, early, later, draft, open_project, future, hidden


def test_the_atom_feed_lists_what_is_open_now(app, client, town, create_statute, create_project, create_town):
    shown, early, later, draft, open_project, future, hidden = _town_with_things(app, town, create_statute,
                                                                               create_project)
    create_statute(create_town(), title="Anderswo", number="1")
    response = client.get(f"/{town.slug}/satzungen.atom")
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.data)  # noqa: S314  (our own output)
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id").startswith("tag:localhost,")
    assert feed.findtext(f"{A}updated").endswith("Z")
    assert feed.findtext(f"{A}author/{A}name") == town.name
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert links == {"self": f"http://localhost/{town.slug}/satzungen.atom",
                     "alternate": f"http://localhost/{town.slug}/satzungen"}
    entries = {entry.findtext(f"{A}title"): entry for entry in feed.findall(f"{A}entry")}
    assert set(entries) == {"Öffentliche Auslegung: Bebauungsplan Nr. 12 „Am Mühlenteich“",
                            "Frühzeitige Beteiligung: Bebauungsplan Nr. 13 „Alte Ziegelei“",
                            "Beteiligung: Marktplatz, neu; gestaltet"}
    display = entries["Öffentliche Auslegung: Bebauungsplan Nr. 12 „Am Mühlenteich“"]
    assert display.find(f"{A}link").get("href") == f"http://localhost/{town.slug}/satzungen/{shown.id}"
    assert "Stellungnahmen können bis zum Ende des" in display.findtext(f"{A}summary")
    assert "Wohnen am Teich" in display.findtext(f"{A}summary")
    ids = [entry.findtext(f"{A}id") for entry in feed.findall(f"{A}entry")]
    assert len(set(ids)) == 3 and all(i.startswith("tag:localhost,") for i in ids)
    assert all(entry.findtext(f"{A}updated") for entry in feed.findall(f"{A}entry"))
    # The same request again gives the same ids: a reader does not see old entries as new.
    again = ElementTree.fromstring(client.get(f"/{town.slug}/satzungen.atom").data)  # noqa: S314
    assert [entry.findtext(f"{A}id") for entry in again.findall(f"{A}entry")] == ids


def test_an_unknown_town_has_no_feed(client):
    assert client.get("/nirgendwo/satzungen.atom").status_code == 404
    assert client.get("/nirgendwo/fristen.ics").status_code == 404


def _unfold(data: bytes) -> list[str]:
    """The content lines, after checking that every physical line ends in CRLF and has at most 75 octets."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    lines: list[str] = []
    for line in physical:
        text = line.decode("utf-8")  # a fold never splits a character
        if text.startswith(" "):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def _events(lines: list[str]) -> list[dict[str, str]]:
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    return events


def test_the_calendar_has_an_all_day_event_per_period(app, client, town, create_statute, create_project):
    shown, early, later, draft, open_project, future, hidden = _town_with_things(app, town, create_statute,
                                                                               create_project)
    response = client.get(f"/{town.slug}/fristen.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    lines = _unfold(response.data)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    assert any(line.startswith("PRODID:") for line in lines)
    events = {event["SUMMARY"]: event for event in _events(lines)}
    assert set(events) == {
        "Öffentliche Auslegung: Bebauungsplan Nr. 12 „Am Mühlenteich“",
        "Frühzeitige Beteiligung: Bebauungsplan Nr. 13 „Alte Ziegelei“",
        "Öffentliche Auslegung: Bebauungsplan Nr. 14 „Nordufer“",
        "Beteiligung: Marktplatz\\, neu\\; gestaltet",  # TEXT escapes commas and semicolons
        "Beteiligung: Spielplatz",
    }
    display = events["Öffentliche Auslegung: Bebauungsplan Nr. 12 „Am Mühlenteich“"]
    assert display["DTSTART;VALUE=DATE"] == (TODAY - timedelta(days=3)).strftime("%Y%m%d")
    # DTEND is exclusive: the day after the last day.
    assert display["DTEND;VALUE=DATE"] == (TODAY + timedelta(days=31)).strftime("%Y%m%d")
    assert display["URL;VALUE=URI"] == f"http://localhost/{town.slug}/satzungen/{shown.id}"
    assert len(display["DTSTAMP"]) == 16 and display["DTSTAMP"].endswith("Z")
    assert "Wohnen am Teich" in display["DESCRIPTION"]
    project = events["Beteiligung: Spielplatz"]
    assert project["DTEND;VALUE=DATE"] == (TODAY + timedelta(days=10)).strftime("%Y%m%d")
    uids = [event["UID"] for event in events.values()]
    assert len(set(uids)) == len(uids) and all(uid.endswith("@localhost") for uid in uids)


def test_a_long_line_is_folded_between_characters():
    line = "SUMMARY:" + "Öffentliche Auslegung „Mühlenteich“ " * 6
    folded = fold(line)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert len(parts) > 2
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    assert "".join(p.decode("utf-8")[1:] if i else p.decode("utf-8") for i, p in enumerate(parts)) == line
    assert fold("SHORT:line") == "SHORT:line"


def test_the_town_pages_name_the_feeds(client, town):
    page = client.get(f"/{town.slug}/").get_data(as_text=True)
    assert f'<link rel="alternate" type="application/atom+xml" href="/{town.slug}/satzungen.atom"' in page
    assert f'<link rel="alternate" type="text/calendar" href="/{town.slug}/fristen.ics"' in page
    assert 'type="application/atom+xml"' not in client.get("/").get_data(as_text=True)
