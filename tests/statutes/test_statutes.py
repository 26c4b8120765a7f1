"""Statutes: who may do what, create/edit/publish/delete, successors, the register's search, filters and pages,
and the statute page's layout."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from shapely.geometry import mapping

from participation.accounts.models import Role
from participation.extensions import db
from participation.statutes import queries, services
from participation.statutes.models import LegalStatus, Statute, StatuteKind
from tests.conftest import AREA, csrf_token

ROLES = ["anonymous", "resident", "other_planner", "planner", "admin"]
LOGIN, OK, FOUND, FORBIDDEN, MISSING = "login", 200, 302, 403, 404


def row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


ALL_OK = row(OK, OK, OK, OK, OK)
DRAFT_VIEW = row(MISSING, MISSING, MISSING, OK, OK)
PLANNERS_ONLY = row(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK)
DRAFT_PLANNERS_ONLY = row(LOGIN, MISSING, MISSING, OK, OK)
PLANNERS_ACT = row(LOGIN, FORBIDDEN, FORBIDDEN, FOUND, FOUND)

TABLE = [
    ("register", "GET", "/{slug}/satzungen", ALL_OK),
    ("register areas", "GET", "/{slug}/satzungen/flaechen.json", ALL_OK),
    ("statute page", "GET", "/{slug}/satzungen/{published}", ALL_OK),
    ("draft page", "GET", "/{slug}/satzungen/{draft}", DRAFT_VIEW),
    ("statute of another town", "GET", "/{other}/satzungen/{published}", row(*[MISSING] * 5)),
    ("new statute form", "GET", "/{slug}/satzungen/neu", PLANNERS_ONLY),
    ("edit form", "GET", "/{slug}/satzungen/{published}/bearbeiten", PLANNERS_ONLY),
    ("edit draft form", "GET", "/{slug}/satzungen/{draft}/bearbeiten", DRAFT_PLANNERS_ONLY),
    ("map editor", "GET", "/{slug}/satzungen/{published}/karte", PLANNERS_ONLY),
    ("map editor of a draft", "GET", "/{slug}/satzungen/{draft}/karte", DRAFT_PLANNERS_ONLY),
    ("publish", "POST", "/{slug}/satzungen/{draft}/veroeffentlichen", row(LOGIN, MISSING, MISSING, FOUND, FOUND)),
    ("withdraw", "POST", "/{slug}/satzungen/{published}/zurueckziehen", PLANNERS_ACT),
    ("delete draft", "POST", "/{slug}/satzungen/{draft}/loeschen", row(LOGIN, MISSING, MISSING, FOUND, FOUND)),
]


@pytest.fixture
def world(create_town, create_user, create_statute):
    town, other = create_town(), create_town()
    return {
        "town": town,
        "other": other,
        "published": create_statute(town=town, title="Am Markt"),
        "draft": create_statute(town=town, title="Entwurf Nord", published=False),
        "users": {
            "resident": create_user(Role.RESIDENT),
            "other_planner": create_user(Role.PLANNER, towns=[other]),
            "planner": create_user(Role.PLANNER, towns=[town]),
            "admin": create_user(Role.ADMIN),
        },
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "expected"), TABLE, ids=[t[0] for t in TABLE])
def test_roles_and_routes(client, login, world, role, name, method, url, expected):
    if role != "anonymous":
        login(world["users"][role])
    path = url.format(slug=world["town"].slug, other=world["other"].slug,
                      published=world["published"].id, draft=world["draft"].id)
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": csrf_token(client, "/")})
    wanted = expected[role]
    if wanted == LOGIN:
        assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    else:
        assert response.status_code == wanted, response.get_data(as_text=True)[:300]


def _form(**values):
    data = {"kind": "bebauungsplan", "number": "", "title": "", "summary": "", "status": "planning_decision",
            "planning_decision_on": "", "adopted_on": "", "in_force_from": "", "repealed_on": "",
            "replaced_by": "", "area_geojson": ""}
    data.update(values)
    return data


def _statute(app, statute_id: int) -> Statute | None:
    with app.app_context():
        statute = db.session.get(Statute, statute_id)
        if statute is not None:
            statute.replaced_by, statute.search_text  # noqa: B018 - loaded before detaching
            db.session.expunge(statute)
        return statute


def test_planner_creates_a_draft_then_publishes_it_with_its_area(app, client, town, planner):
    area = json.dumps(mapping(AREA))
    response = client.post(f"/{town.slug}/satzungen/neu", data=_form(
        title="Am Mühlenteich", number="12", csrf_token=csrf_token(client, f"/{town.slug}/satzungen/neu"),
        area_geojson=area, status="public_display", planning_decision_on="2026-01-10"))
    assert response.status_code == 302, response.get_data(as_text=True)
    statute_id = int(re.search(r"/satzungen/(\d+)$", response.headers["Location"]).group(1))
    created = _statute(app, statute_id)
    assert created.title == "Am Mühlenteich" and created.number == "12" and not created.is_published
    assert created.status is LegalStatus.PUBLIC_DISPLAY and created.area is not None
    assert "Mühlenteich" in created.search_text

    page = client.get(f"/{town.slug}/satzungen/{statute_id}").get_data(as_text=True)
    assert "Entwurf (nicht öffentlich)" in page and "Veröffentlichen" in page and "Aufstellungsbeschluss" in page
    client.post(f"/{town.slug}/satzungen/{statute_id}/veroeffentlichen", data={"csrf_token": csrf_token(client, "/")})
    assert _statute(app, statute_id).is_published
    assert "Entwurf (nicht öffentlich)" not in client.get(f"/{town.slug}/satzungen/{statute_id}").get_data(as_text=True)


def test_publishing_without_an_area_is_refused(app, client, town, planner, create_statute):
    statute = create_statute(town=town, area=None, published=False)
    response = client.post(f"/{town.slug}/satzungen/{statute.id}/veroeffentlichen",
                           data={"csrf_token": csrf_token(client, "/")}, follow_redirects=True)
    assert response.status_code == 200
    assert "bevor Sie die Satzung veröffentlichen" in response.get_data(as_text=True)
    assert not _statute(app, statute.id).is_published


def test_a_bad_area_is_refused_with_its_reason(app, client, town, planner):
    response = client.post(f"/{town.slug}/satzungen/neu", data=_form(
        title="X", area_geojson='{"type": "Point", "coordinates": [13, 53]}',
        csrf_token=csrf_token(client, f"/{town.slug}/satzungen/neu")))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Statute).count() == 0


def test_in_force_needs_its_day_and_dates_follow_the_procedure(client, town, planner):
    token = csrf_token(client, f"/{town.slug}/satzungen/neu")
    page = client.post(f"/{town.slug}/satzungen/neu", data=_form(title="X", status="in_force", csrf_token=token))
    assert page.status_code == 400 and "den Tag der Bekanntmachung" in page.get_data(as_text=True)
    page = client.post(f"/{town.slug}/satzungen/neu", data=_form(
        title="X", adopted_on="2026-03-01", in_force_from="2026-02-01", csrf_token=token))
    assert page.status_code == 400 and "nicht vor dem Satzungsbeschluss in Kraft" in page.get_data(as_text=True)


def test_a_successor_links_both_ways_and_repeals_its_predecessor(app, client, town, planner, create_statute, login,
                                                                 create_user):
    old = create_statute(town=town, title="Alter Plan", status=LegalStatus.IN_FORCE)
    new = create_statute(town=town, title="Neuer Plan", status=LegalStatus.IN_FORCE)
    url = f"/{town.slug}/satzungen/{old.id}/bearbeiten"
    response = client.post(url, data=_form(title="Alter Plan", status="in_force", in_force_from="2020-01-01",
                                           replaced_by=str(new.id), csrf_token=csrf_token(client, url)))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _statute(app, old.id).replaced_by_id == new.id
    assert _statute(app, old.id).status is LegalStatus.REPEALED

    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    old_page = client.get(f"/{town.slug}/satzungen/{old.id}").get_data(as_text=True)
    new_page = client.get(f"/{town.slug}/satzungen/{new.id}").get_data(as_text=True)
    assert f'/satzungen/{new.id}">' in old_page and "Ersetzt durch" in old_page and "Aufgehoben" in old_page
    assert f'/satzungen/{old.id}">' in new_page and "Ersetzt " in new_page
    register = client.get(f"/{town.slug}/satzungen").get_data(as_text=True)
    assert "Ersetzt durch" in register


def test_a_successor_must_not_close_a_circle_nor_be_itself_or_elsewhere(app, client, town, planner, create_statute,
                                                                        create_town):
    first = create_statute(town=town, title="Eins")
    second = create_statute(town=town, title="Zwei", replaced_by=None)
    third = create_statute(town=town, title="Drei", replaced_by=first)  # noqa: F841 - first ← third
    with app.app_context():
        db.session.get(Statute, first.id).replaced_by_id = second.id  # third → first → second
        db.session.commit()
    url = f"/{town.slug}/satzungen/{second.id}/bearbeiten"
    response = client.post(url, data=_form(title="Zwei", replaced_by=str(third.id), csrf_token=csrf_token(client, url)))
    assert response.status_code == 400 and "im Kreis" in response.get_data(as_text=True)
    assert _statute(app, second.id).replaced_by_id is None

    elsewhere = create_statute(town=create_town())
    for choice in (second.id, elsewhere.id):  # itself; another town's: neither is offered
        response = client.post(url, data=_form(title="Zwei", replaced_by=str(choice), csrf_token=csrf_token(client, url)))
        assert response.status_code == 400
    with app.app_context(), pytest.raises(services.InvalidSuccessor):
        statute = db.session.get(Statute, second.id)
        services.update_statute(statute, services.StatuteData(title="Zwei", replaced_by_id=elsewhere.id), statute)


def test_a_published_statute_is_not_deleted_but_a_draft_is(app, client, town, planner, create_statute):
    published, draft = create_statute(town=town), create_statute(town=town, published=False)
    response = client.post(f"/{town.slug}/satzungen/{published.id}/loeschen", data={"csrf_token": csrf_token(client, "/")},
                           follow_redirects=True)
    assert "Nur ein Entwurf kann gelöscht werden" in response.get_data(as_text=True)
    assert _statute(app, published.id) is not None
    client.post(f"/{town.slug}/satzungen/{draft.id}/loeschen", data={"csrf_token": csrf_token(client, "/")})
    assert _statute(app, draft.id) is None


def test_withdrawing_makes_it_a_draft_again(app, client, town, planner, create_statute):
    statute = create_statute(town=town)
    client.post(f"/{town.slug}/satzungen/{statute.id}/zurueckziehen", data={"csrf_token": csrf_token(client, "/")})
    assert not _statute(app, statute.id).is_published
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    assert client.get(f"/{town.slug}/satzungen/{statute.id}").status_code == 404


def _titles(client, url: str) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200
    return set(re.findall(r'<h3 class="kern-title"><a [^>]+>[^<]*„([^“]+)“</a>', page.get_data(as_text=True)))


def test_register_shows_drafts_to_planners_only_and_marked(client, town, create_statute, create_user, login):
    create_statute(town=town, title="Öffentlich")
    create_statute(town=town, title="Geheim", published=False)
    assert _titles(client, f"/{town.slug}/satzungen") == {"Öffentlich"}
    assert "Neue Satzung" not in client.get(f"/{town.slug}/satzungen").get_data(as_text=True)
    areas = client.get(f"/{town.slug}/satzungen/flaechen.json").get_json()["features"]
    assert [f["properties"]["draft"] for f in areas] == [False]

    login(create_user(Role.PLANNER, towns=[town]))
    page = client.get(f"/{town.slug}/satzungen").get_data(as_text=True)
    assert _titles(client, f"/{town.slug}/satzungen") == {"Öffentlich", "Geheim"}
    assert "Neue Satzung" in page and "Entwurf (nicht öffentlich)" in page
    assert len(client.get(f"/{town.slug}/satzungen/flaechen.json").get_json()["features"]) == 2


def test_register_filters_by_kind_and_status(client, town, create_statute):
    create_statute(town=town, title="Wohnen", kind=StatuteKind.BEBAUUNGSPLAN, status=LegalStatus.IN_FORCE)
    create_statute(town=town, title="Altstadt", kind=StatuteKind.ERHALTUNGSSATZUNG, status=LegalStatus.IN_FORCE)
    create_statute(town=town, title="Gewerbe", kind=StatuteKind.BEBAUUNGSPLAN, status=LegalStatus.PUBLIC_DISPLAY)
    url = f"/{town.slug}/satzungen"
    assert _titles(client, url + "?art=bebauungsplan") == {"Wohnen", "Gewerbe"}
    assert _titles(client, url + "?stand=in_force") == {"Wohnen", "Altstadt"}
    assert _titles(client, url + "?art=bebauungsplan&stand=in_force") == {"Wohnen"}
    assert _titles(client, url + "?art=unbekannt&stand=%C3%BC") == {"Wohnen", "Altstadt", "Gewerbe"}
    areas = client.get(f"/{town.slug}/satzungen/flaechen.json?stand=public_display").get_json()["features"]
    assert [f["properties"]["label"] for f in areas] == ["Bebauungsplan Nr. %s „Gewerbe“ (Öffentliche Auslegung)"
                                                        % re.search(r"Nr\. (\d+)", areas[0]["properties"]["label"])[1]]


def test_register_search_on_both_databases(app, client, town, create_statute, create_town):
    create_statute(town=town, title="Am Mühlenteich", number="12",
                   sections=[("§ 1", "Grünflächen", ["Die Gärten bleiben erhalten."])])
    create_statute(town=town, title="Gewerbegebiet Süd", number="7",
                   sections=[("§ 1", "Art der Nutzung", ["Allgemeines Wohngebiet mit Läden."])])
    create_statute(town=create_town(), title="Gärten anderswo")  # another town's: never in this register
    url = f"/{town.slug}/satzungen?suche="
    assert _titles(client, url + "Garten") == {"Am Mühlenteich"}  # text; PostgreSQL by stem, SQLite without umlaut
    assert _titles(client, url + "Gewerbegebiet") == {"Gewerbegebiet Süd"}  # title
    assert _titles(client, url + "12") == {"Am Mühlenteich"}  # number
    assert _titles(client, url + "Gärten+erhalten") == {"Am Mühlenteich"}  # every word must occur
    assert _titles(client, url + "Gärten+Läden") == set()
    assert "Keine Satzung passt" in client.get(url + "Bahnhof").get_data(as_text=True)
    for nasty in ('"', "*", "NEAR(a b)", "a OR b", "' OR 1=1 --", "%00", "x" * 5000):
        assert client.get(f"/{town.slug}/satzungen", query_string={"suche": nasty}).status_code == 200
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        # German stemming: the plural finds the singular, which a prefix cannot.
        assert _titles(client, url + "Wohngebiete") == {"Gewerbegebiet Süd"}
    else:
        # FTS5: each word is a prefix.
        assert _titles(client, url + "Mühlen") == {"Am Mühlenteich"}


def test_register_pages_keep_the_filters(client, town, create_statute, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    for n in range(3):
        create_statute(town=town, title=f"Plan {n}", kind=StatuteKind.GESTALTUNGSSATZUNG)
    create_statute(town=town, title="Anders", kind=StatuteKind.OTHER)
    first = client.get(f"/{town.slug}/satzungen?art=gestaltungssatzung").get_data(as_text=True)
    assert "Seite 1 von 2" in first
    assert "art=gestaltungssatzung&amp;seite=2" in first
    assert _titles(client, f"/{town.slug}/satzungen?art=gestaltungssatzung&seite=2") == {"Plan 0"}
    assert _titles(client, f"/{town.slug}/satzungen?art=gestaltungssatzung&seite=99") == {"Plan 0"}
    assert client.get(f"/{town.slug}/satzungen?seite=abc").status_code == 200


def test_statute_page_shows_header_timeline_text_and_map(client, town, create_statute):
    statute = create_statute(town=town, title="Am Markt", number="3", status=LegalStatus.IN_FORCE,
                             summary="Ordnet den Marktplatz.", sections=[("§ 1", "Zweck", ["Der Markt bleibt frei."])],
                             planning_decision_on=date(2024, 5, 2), in_force_from=date(2025, 1, 15))
    page = client.get(f"/{town.slug}/satzungen/{statute.id}").get_data(as_text=True)
    assert "Bebauungsplan · Nr. 3" in page and "<h1 class=\"kern-heading-large\">Am Markt</h1>" in page
    assert "In Kraft" in page and "Ordnet den Marktplatz." in page
    assert page.index("02.05.2024") < page.index("15.01.2025")  # the timeline in order
    assert page.index("data-statute-map") < page.index("statute-layout__text")  # map first (on a phone: on top)
    assert "Bearbeiten" not in page and "Veröffentlichen" not in page


def test_town_page_and_header_link_the_register(client, town, create_statute):
    for url in (f"/{town.slug}/", f"/{town.slug}/satzungen"):
        assert f'href="/{town.slug}/satzungen"' in client.get(url).get_data(as_text=True)
