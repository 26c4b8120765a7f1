"""Following projects, statutes and areas, and the settings page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.accounts.models import Role
from participation.extensions import db
from participation.notifications.mailing import address_key
from participation.notifications.models import Follow, MailOptOut
from participation.projects.models import Phase
from tests.conftest import csrf_token, town_today

EN = {"Accept-Language": "en"}


def follows(app, user=None) -> list[Follow]:
    with app.app_context():
        query = select(Follow).order_by(Follow.id)
        if user is not None:
            query = query.where(Follow.user_id == user.id)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def post(client, url, data=None, page="/konto/benachrichtigungen"):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **(data or {})}, headers=EN)


def test_a_resident_follows_and_unfollows_a_project(app, client, create_project, create_user, login):
    project = create_project()
    resident = create_user()
    login(resident)
    page = f"/{project.municipality.slug}/projekte/{project.id}"
    assert "Folgen" in client.get(page).get_data(as_text=True)

    url = f"/{project.municipality.slug}/folgen/projekt/{project.id}"
    response = post(client, url, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    post(client, url, page=page)  # again: still one follow
    [row] = follows(app, resident)
    assert row.project_id == project.id and row.municipality_id == project.municipality_id

    html = client.get(page, headers=EN).get_data(as_text=True)
    assert "Stop following" in html and "You follow this." in html
    assert post(client, url + "/beenden", page=page).status_code == 302
    assert follows(app) == []
    assert post(client, url + "/beenden", page=page).status_code == 302  # again is harmless


def test_a_statute_is_followed_the_same_way(app, client, create_statute, create_user, login):
    statute = create_statute()
    resident = create_user()
    login(resident)
    page = f"/{statute.municipality.slug}/satzungen/{statute.id}"
    assert post(client, f"/{statute.municipality.slug}/folgen/satzung/{statute.id}", page=page).status_code == 302
    [row] = follows(app, resident)
    assert row.statute_id == statute.id and row.project_id is None
    assert "Stop following" in client.get(page, headers=EN).get_data(as_text=True)


def test_drafts_are_followed_only_by_those_who_see_them(app, client, create_project, create_statute, create_user,
                                                       login, town):
    draft = create_project(town=town, phase=Phase.DRAFT)
    draft_statute = create_statute(town=town, published=False)
    resident = create_user()
    login(resident)
    assert post(client, f"/{town.slug}/folgen/projekt/{draft.id}", page="/").status_code == 404
    assert post(client, f"/{town.slug}/folgen/satzung/{draft_statute.id}", page="/").status_code == 404
    assert follows(app) == []

    planner = create_user(Role.PLANNER, towns=[town])
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(planner)
    assert post(client, f"/{town.slug}/folgen/projekt/{draft.id}", page="/").status_code == 302
    assert [f.project_id for f in follows(app, planner)] == [draft.id]


def test_follow_needs_an_account_a_token_and_the_right_town(app, client, create_project, create_town, create_user,
                                                           login):
    project = create_project()
    url = f"/{project.municipality.slug}/folgen/projekt/{project.id}"
    response = client.post(url, data={"csrf_token": csrf_token(client, "/konto/anmelden")})
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    login(create_user())
    assert client.post(url).status_code == 400  # no CSRF token
    other = create_town()
    assert post(client, f"/{other.slug}/folgen/projekt/{project.id}", page="/").status_code == 404
    assert post(client, f"/{project.municipality.slug}/folgen/projekt/99999", page="/").status_code == 404
    assert follows(app) == []


def test_the_settings_page_lists_follows_and_stops_them(app, client, create_project, create_user, login):
    project = create_project(title="Marktplatz")
    resident, other = create_user(), create_user()
    login(other)
    post(client, f"/{project.municipality.slug}/folgen/projekt/{project.id}", page="/")
    [others_follow] = follows(app, other)
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, "/")})
    login(resident)
    post(client, f"/{project.municipality.slug}/folgen/projekt/{project.id}", page="/")
    [own] = follows(app, resident)

    html = client.get("/konto/benachrichtigungen", headers=EN).get_data(as_text=True)
    assert "Marktplatz" in html and "Stop following" in html
    assert post(client, f"/konto/benachrichtigungen/{others_follow.id}/beenden").status_code == 404
    assert post(client, f"/konto/benachrichtigungen/{own.id}/beenden").status_code == 302
    assert [f.id for f in follows(app)] == [others_follow.id]
    assert "You follow nothing yet." in client.get("/konto/benachrichtigungen", headers=EN).get_data(as_text=True)


def test_the_settings_page_needs_an_account(client):
    response = client.get("/konto/benachrichtigungen")
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]


def test_an_area_is_followed_by_address_and_radius(app, client, town, create_user, login, with_addresses):
    with_addresses(town)
    resident = create_user()
    login(resident)
    page = f"/konto/benachrichtigungen?ort={town.slug}"
    html = client.get(page, headers=EN).get_data(as_text=True)
    assert 'data-address-search' in html and "1000 m" in html

    url = f"/konto/benachrichtigungen/gebiet/{town.slug}"
    response = post(client, url, {"address": "Ostweg 9", "radius": "250"}, page=page)
    assert response.status_code == 302
    post(client, url, {"address": "Ostweg 9", "radius": "250"}, page=page)  # again: still one
    [row] = follows(app, resident)
    assert row.radius_m == 250 and row.label == "Ostweg 9, 17099 Musterstadt"
    assert (round(row.location.x, 4), round(row.location.y, 4)) == (13.266, 53.552)
    html = client.get("/konto/benachrichtigungen", headers=EN).get_data(as_text=True)
    assert "Area within 250 m of Ostweg 9, 17099 Musterstadt" in html


@pytest.mark.parametrize("data, message", [
    ({"address": "Nirgendwo 1", "radius": "500"}, "No address was found for “Nirgendwo 1”."),
    ({"address": "", "radius": "500"}, "Enter an address"),
    ({"address": "Ostweg 1", "radius": "300"}, "Not a valid choice"),
    ({"address": "Ostweg 1", "radius": "viel"}, "kern-error"),
    ({"address": "Ostweg 1" * 100, "radius": "500"}, "200"),
])
def test_a_bad_area_is_refused_at_the_field(app, client, town, create_user, login, with_addresses, data, message):
    with_addresses(town)
    login(create_user())
    response = post(client, f"/konto/benachrichtigungen/gebiet/{town.slug}", data,
                    page=f"/konto/benachrichtigungen?ort={town.slug}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'class="kern-error"' in html
    assert follows(app) == []


def test_a_town_without_addresses_says_so(client, town, create_user, login):
    login(create_user())
    html = client.get(f"/konto/benachrichtigungen?ort={town.slug}", headers=EN).get_data(as_text=True)
    assert "has no address list yet" in html and "data-address-search" not in html


def test_kinds_of_mail_are_switched_off_and_on_again(app, client, create_user, login):
    resident = create_user()
    login(resident)
    assert post(client, "/konto/benachrichtigungen/mails/aus", {"kind": "opening"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(MailOptOut.address_key).where(MailOptOut.kind == "opening")) == \
            address_key(resident.email)
    html = client.get("/konto/benachrichtigungen", headers=EN).get_data(as_text=True)
    assert "Off: mails when something you follow opens for participation" in html
    assert post(client, "/konto/benachrichtigungen/mails/an", {"kind": "opening"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(MailOptOut.id))) == 0
    # Residents get no digest; unknown kinds are refused.
    assert post(client, "/konto/benachrichtigungen/mails/aus", {"kind": "digest"}).status_code == 400
    assert post(client, "/konto/benachrichtigungen/mails/aus", {"kind": "spam"}).status_code == 400
    assert "daily summary" not in client.get("/konto/benachrichtigungen", headers=EN).get_data(as_text=True)


def test_planners_can_switch_off_the_digest(app, client, town, create_user, login):
    login(create_user(Role.PLANNER, towns=[town]))
    assert "the daily summary" in client.get("/konto/benachrichtigungen", headers=EN).get_data(as_text=True)
    assert post(client, "/konto/benachrichtigungen/mails/aus", {"kind": "digest"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(MailOptOut.kind)) == "digest"


def test_the_account_menu_links_to_the_settings(client, create_user, login):
    assert "/konto/benachrichtigungen" not in client.get("/").get_data(as_text=True)
    login(create_user())
    assert "/konto/benachrichtigungen" in client.get("/").get_data(as_text=True)


def test_following_what_is_open_already_sends_no_notice_for_it(app, client, create_project, create_user, login,
                                                              mailbox, run_due):
    project = create_project(start=town_today() - timedelta(days=1))
    login(create_user())
    post(client, f"/{project.municipality.slug}/folgen/projekt/{project.id}", page="/")
    assert run_due() == (0, 0)
    assert mailbox() == []
