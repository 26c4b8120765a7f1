"""The town's queue: what it lists, its filters, its bulk actions, and who may use it."""
from __future__ import annotations

from datetime import datetime, timezone

import lxml.html
import pytest
from sqlalchemy import event, select

from participation.accounts.models import Role
from participation.comments.models import Comment, CommentState, Visibility
from participation.extensions import db
from tests.conftest import csrf_token
from tests.moderation.conftest import EN, act, add_report, fetch, log_lines, reports


def change(app, comment_id: int, **values) -> None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        for key, value in values.items():
            setattr(comment, key, value)
        db.session.commit()


def listed(client, site, query: str = "") -> list[int]:
    """The comment numbers in the queue's table, in order."""
    html = client.get(f"{site.queue}{query}", headers=EN).get_data(as_text=True)
    return [int(v) for v in lxml.html.fromstring(html).xpath("//input[@name='kommentar']/@value")]


def bulk(client, site, ids, action: str, reason: str = "", **view):
    token = csrf_token(client, site.queue)
    data = {"csrf_token": token, "kommentar": [str(i) for i in ids], "action": action, "reason": reason, **view}
    return client.post(site.queue, data=data, headers=EN)


@pytest.fixture
def mixed(app, site, create_comment, create_user, create_statute):
    """One comment in each state, oldest first: published, pending, hidden, answered, reported, and one on
    a statute of the town; named by state."""
    made = {name: create_comment(site.project, site.author, text=f"{name} words")
            for name in ("published", "pending", "hidden", "answered", "reported")}
    change(app, made["pending"].id, visibility=Visibility.PENDING)
    change(app, made["hidden"].id, visibility=Visibility.HIDDEN, hidden_reason="Spam")
    change(app, made["answered"].id, state=CommentState.ANSWERED)
    add_report(app, made["reported"].id, create_user(), "Bitte prüfen")
    statute = create_statute(town=site.town)
    with app.app_context():
        on_statute = Comment(statute_id=statute.id, author_id=site.author.id, text="statute words")
        db.session.add(on_statute)
        db.session.commit()
        statute_comment_id = on_statute.id
    for minute, name in enumerate(("published", "pending", "hidden", "answered", "reported")):
        change(app, made[name].id, created_at=datetime(2025, 6, 1, 10, minute, tzinfo=timezone.utc))
    change(app, statute_comment_id, created_at=datetime(2025, 6, 1, 10, 30, tzinfo=timezone.utc))
    return {**{name: c.id for name, c in made.items()}, "statute": statute_comment_id}, statute


def test_the_queue_lists_the_towns_comments_newest_first(app, client, as_moderator, mixed, create_comment,
                                                         create_project, create_user):
    site = as_moderator
    ids, statute = mixed
    create_comment(create_project(), create_user(), text="Elsewhere")  # another town's
    order = ["statute", "reported", "answered", "hidden", "pending", "published"]
    assert listed(client, site) == [ids[name] for name in order]
    html = client.get(site.queue, headers=EN).get_data(as_text=True)
    assert "Reported 1 time" in html and "Bitte prüfen" in html and statute.title in html
    assert "Elsewhere" not in html


@pytest.mark.parametrize("query, expected", [
    ("?status=neu", ["pending"]),
    ("?status=gemeldet", ["reported"]),
    ("?status=verborgen", ["hidden"]),
    ("?status=beantwortet", ["answered"]),
    ("?status=unsinn", ["statute", "reported", "answered", "hidden", "pending", "published"]),
])
def test_the_status_filter(client, as_moderator, mixed, query, expected):
    ids, _statute = mixed
    assert listed(client, as_moderator, query) == [ids[name] for name in expected]


def test_subject_category_and_period_filters(app, client, as_moderator, mixed):
    site = as_moderator
    ids, statute = mixed
    assert listed(client, site, f"?gegenstand=satzung-{statute.id}") == [ids["statute"]]
    assert ids["statute"] not in listed(client, site, f"?gegenstand=projekt-{site.project.id}")
    second = site.project.categories[1].id
    change(app, ids["answered"], category_id=second)
    assert listed(client, site, f"?kategorie={second}") == [ids["answered"]]
    # 23:30 in Berlin on 1 June (summer time) is 21:30 UTC: it belongs to 1 June, not 2 June.
    change(app, ids["published"], created_at=datetime(2025, 6, 1, 21, 30, tzinfo=timezone.utc))
    change(app, ids["pending"], created_at=datetime(2025, 6, 1, 22, 30, tzinfo=timezone.utc))
    assert listed(client, site, "?von=2025-06-02") == [ids["pending"]]
    assert ids["published"] in listed(client, site, "?bis=2025-06-01")
    assert ids["pending"] not in listed(client, site, "?bis=2025-06-01")
    assert listed(client, site, "?von=2025-06-02&bis=2025-06-02") == [ids["pending"]]
    # Nonsense is ignored, not an error.
    assert len(listed(client, site, "?von=gestern&gegenstand=projekt-x&kategorie=-1")) == 6


def test_the_filter_keeps_its_choice_in_the_form(client, as_moderator, mixed):
    site = as_moderator
    ids, statute = mixed
    html = client.get(f"{site.queue}?status=neu&gegenstand=satzung-{statute.id}&von=2025-06-01").get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//select[@name='status']/option[@selected]/@value") == ["neu"]
    assert doc.xpath("//select[@name='gegenstand']//option[@selected]/@value") == [f"satzung-{statute.id}"]
    assert doc.xpath("//input[@name='von']/@value") == ["2025-06-01"]


def test_bulk_approve_and_hide(app, client, as_moderator, create_comment, create_user):
    site = as_moderator
    first, second, third = (create_comment(site.project, site.author, text=f"Text {n}") for n in range(3))
    for comment in (first, second, third):
        change(app, comment.id, visibility=Visibility.PENDING)
    response = bulk(client, site, [first.id, second.id], "approve", status="neu")
    assert response.status_code == 302 and response.headers["Location"] == f"{site.queue}?status=neu"
    assert [fetch(app, c.id).visibility for c in (first, second, third)] == [
        Visibility.PUBLISHED, Visibility.PUBLISHED, Visibility.PENDING]
    assert "2 comments approved." in client.get(site.queue, headers=EN).get_data(as_text=True)
    assert log_lines(app, first.id) == [("approved", site.planner.pseudonym, "")]

    add_report(app, first.id, create_user())
    assert bulk(client, site, [first.id, third.id], "hide", "Advertising").status_code == 302
    assert [fetch(app, c.id).hidden_reason for c in (first, second, third)] == ["Advertising", "", "Advertising"]
    assert reports(app, first.id) == [(True, "hidden", True)]
    assert log_lines(app, third.id) == [("hidden", site.planner.pseudonym, "Advertising")]


@pytest.mark.parametrize("case, message", [
    ("no reason", "Please give the reason; it is shown in the comments' place."),
    ("nothing selected", "Please select at least one comment."),
    ("other town", "Some of the selected comments are not comments of this town. Nothing was changed."),
    ("missing", "Some of the selected comments are not comments of this town. Nothing was changed."),
    ("not a number", "Some of the selected comments are not comments of this town. Nothing was changed."),
])
def test_bulk_refusals_change_nothing(app, client, as_moderator, create_comment, create_project, create_user,
                                      case, message):
    site = as_moderator
    mine = create_comment(site.project, site.author, text="Mine")
    foreign = create_comment(create_project(), create_user(), text="Foreign")
    ids = {"no reason": [mine.id], "nothing selected": [], "other town": [mine.id, foreign.id],
           "missing": [mine.id, 10**9], "not a number": [mine.id, "x"]}[case]
    response = bulk(client, site, ids, "hide", "" if case == "no reason" else "Spam")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert fetch(app, mine.id).visibility is Visibility.PUBLISHED
    assert fetch(app, foreign.id).visibility is Visibility.PUBLISHED
    assert log_lines(app, mine.id) == [] and log_lines(app, foreign.id) == []


ACTIONS = [("freigeben", {}), ("verbergen", {"hide-reason": "Spam"}), ("wiederherstellen", {}), ("behalten", {}),
           ("duplikat", {"duplicate-number": "1"}), ("sperren", {"block-reason": "Spam"}), ("entsperren", {})]


@pytest.mark.parametrize("role, own_town", [(Role.RESIDENT, False), (Role.PLANNER, False), (Role.GIS, True)])
def test_others_get_403_everywhere(app, client, site, create_comment, create_user, create_town, login, role, own_town):
    comment = create_comment(site.project, site.author)
    add_report(app, comment.id, create_user())
    login(create_user(role=role, towns=[site.town if own_town else create_town()]))
    assert client.get(site.queue).status_code == 403
    assert client.get(site.comment_url(comment.id)).status_code == 403
    token = csrf_token(client, site.project_url)
    assert client.post(site.queue, data={"csrf_token": token, "kommentar": [str(comment.id)],
                                         "action": "hide", "reason": "x"}).status_code == 403
    for action, data in ACTIONS:
        response = client.post(site.comment_url(comment.id, action), data={"csrf_token": token, **data})
        assert response.status_code == 403, action
    assert fetch(app, comment.id).visibility is Visibility.PUBLISHED
    assert reports(app, comment.id) == [(False, "", False)] and log_lines(app, comment.id) == []


def test_anonymous_is_sent_to_login(client, site, create_comment):
    comment = create_comment(site.project, site.author)
    for url in (site.queue, site.comment_url(comment.id)):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]


def test_a_comment_of_another_town_is_404_under_this_slug(app, client, as_moderator, create_comment, create_project,
                                                          create_user):
    site = as_moderator
    foreign = create_comment(create_project(), create_user(), text="Elsewhere")
    assert client.get(site.comment_url(foreign.id)).status_code == 404
    for action, data in ACTIONS:
        assert act(client, site, foreign.id, action, **data).status_code == 404, action
    assert act(client, site, 10**20, "verbergen", **{"hide-reason": "x"}).status_code == 404
    assert fetch(app, foreign.id).visibility is Visibility.PUBLISHED


def test_admin_moderates_every_town(app, client, site, create_comment, create_user, login):
    comment = create_comment(site.project, site.author)
    login(create_user(role=Role.ADMIN))
    assert client.get(site.queue).status_code == 200
    assert act(client, site, comment.id, "verbergen", **{"hide-reason": "Spam"}).status_code == 302
    assert fetch(app, comment.id).is_removed


def test_report_reason_with_nul_reaches_the_moderators(client, site, create_comment, create_user, login):
    # PostgreSQL refuses NUL in text; the character is dropped rather than failing with a 500.
    comment = create_comment(site.project, site.author, text="Quiet words")
    login(create_user())
    token = csrf_token(client, site.project_url)
    response = client.post(f"/{site.town.slug}/kommentare/{comment.id}/melden",
                           data={"csrf_token": token, "reason": "Spam\x00 link"})
    assert response.status_code == 302
    client.post("/konto/abmelden", data={"csrf_token": token})
    login(site.planner)
    html = client.get(f"{site.queue}?status=gemeldet").get_data(as_text=True)
    assert "Quiet words" in html and "Spam link" in html


def test_the_queue_leads_back_to_the_town_and_the_town_page_to_the_queue(client, as_moderator):
    site = as_moderator
    html = client.get(site.queue, headers=EN).get_data(as_text=True)
    breadcrumb = html.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert f'href="/{site.town.slug}/"' in breadcrumb
    assert f'href="{site.queue}"' in client.get(f"/{site.town.slug}/").get_data(as_text=True)


def test_the_queue_pages_and_its_queries_are_bounded(app, client, as_moderator, create_user):
    site = as_moderator
    with app.app_context():
        db.session.add_all(Comment(project_id=site.project.id, author_id=site.author.id, text=f"Comment {n}")
                           for n in range(55))
        db.session.commit()
        newest = db.session.scalars(select(Comment.id).order_by(Comment.id.desc())).first()
    first = listed(client, site)
    assert len(first) == 50 and first[0] == newest
    assert len(listed(client, site, "?seite=2")) == 5
    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        client.get(site.queue)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    queue_statements = [s for s in statements if "comment" in s.lower()]
    assert len(queue_statements) < 15, len(queue_statements)
