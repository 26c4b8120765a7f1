"""The comment list beside the map: sort, category, map extent, pages — without JavaScript, and the list alone."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from shapely.geometry import Point
from sqlalchemy import event

from geo.bbox import BBox
from participation.comments.models import Comment, Report, Support, Visibility
from participation.comments.queries import PAGE_SIZE, ListView, comment_page
from participation.extensions import db
from participation.projects.models import Project
from tests.conftest import INSIDE
from participation.accounts.models import User

#: Inside the project area (tests.conftest.AREA), away from INSIDE.
EAST = Point(13.259, 53.553)
START = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def project_url(project):
    return f"/{project.municipality.slug}/projekte/{project.id}"


def _comments(app, project, author, count, **kwargs):
    """`count` comments, a minute apart in the order made (so "newest" does not hang on clock resolution)."""
    ids = []
    with app.app_context():
        for n in range(count):
            comment = Comment(project_id=project.id, author_id=author.id, text=kwargs.get("text", f"Comment {n}"),
                              category_id=kwargs.get("category_id", project.categories[0].id if project.categories else None),
                              created_at=START + timedelta(minutes=len(ids) + kwargs.get("offset", 0)))
            comment.set_location(kwargs.get("location", INSIDE))
            db.session.add(comment)
            db.session.flush()
            ids.append(comment.id)
        db.session.commit()
    return ids


def _support(app, comment_id, users):
    with app.app_context():
        db.session.add_all(Support(comment_id=comment_id, user_id=u.id) for u in users)
        db.session.commit()


def _listed_ids(html: str) -> list[int]:
    doc = lxml.html.fromstring(html)
    return [int(li.get("id").removeprefix("comment-")) for li in doc.xpath("//ol[@class='comment-list']/li[contains(concat(' ', @class, ' '), ' comment ')]")]


# ---- ListView ------------------------------------------------------------------------------------

def test_list_view_reads_its_keys_and_writes_back_only_what_differs():
    view = ListView.from_args({"sortierung": "unterstuetzt", "kategorie": "7", "ausschnitt": "13.25,53.55,13.26,53.554",
                               "seite": "3"})
    assert view == ListView("unterstuetzt", 7, BBox(13.25, 53.55, 13.26, 53.554), 3)
    assert ListView.from_args(view.to_args()) == view
    assert ListView().to_args() == {}
    assert ListView.from_args({"sortierung": "alt"}).to_args() == {"sortierung": "alt"}
    assert ListView.from_args({"seite": "3", "nach": "40"}).to_args() == {"seite": "3", "nach": "40"}
    assert ListView.from_args({"seite": "3", "vor": "41"}).to_args() == {"seite": "3", "vor": "41"}
    assert ListView.from_args({"nach": "40"}).to_args() == {}  # a key on page 1 means nothing


@pytest.mark.parametrize("args", [
    {"sortierung": "beliebt", "kategorie": "x", "ausschnitt": "1,2,3", "seite": "-2"},
    {"sortierung": "", "kategorie": "0", "ausschnitt": "13,54,12,53", "seite": "abc"},
    {"kategorie": "²", "seite": "99999999999999999999", "ausschnitt": "nan,1,2,3"},
    {"kategorie": "2147483648", "seite": "0"},
])
def test_list_view_turns_bad_values_into_defaults(args):
    assert ListView.from_args(args) == ListView()


# ---- the queries ---------------------------------------------------------------------------------

def test_most_supported_first_in_sql_with_ties_by_newest(app, create_project, create_user):
    project = create_project()
    author = create_user()
    fans = [create_user() for _ in range(3)]
    oldest, middle, newest = _comments(app, project, author, 3)
    _support(app, oldest, fans[:2])
    _support(app, newest, fans[:2])
    _support(app, middle, fans[:1])
    with app.app_context():
        current = db.session.get(Project, project.id)
        def order(sort):
            return [c.id for c in comment_page(current, None, ListView(sort=sort)).items]
        assert order("unterstuetzt") == [newest, oldest, middle]
        assert order("neu") == [newest, middle, oldest]
        assert order("alt") == [oldest, middle, newest]


def test_page_counts_take_the_same_number_of_queries_for_few_and_many_comments(app, create_project, create_user):
    few_project, many_project = create_project(), create_project()
    author, reader = create_user(), create_user()
    fans = [create_user() for _ in range(3)]
    for project, count in ((few_project, 2), (many_project, PAGE_SIZE + 5)):
        ids = _comments(app, project, author, count)
        for comment_id in ids:
            _support(app, comment_id, fans)
            with app.app_context():
                db.session.add(Comment(project_id=project.id, author_id=fans[0].id, text="reply", parent_id=comment_id))
                db.session.add(Report(comment_id=comment_id, user_id=reader.id))
                db.session.commit()

    def queries_for(project_id):
        statements = []
        with app.app_context():
            project = db.session.get(Project, project_id)
            user = db.session.get(User, reader.id)
            user.is_authenticated  # noqa: B018 - loaded before counting
            engine = db.engine
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                page = comment_page(project, user, ListView(sort="unterstuetzt"))
                for c in page.items:
                    c.author.pseudonym, c.category.name  # noqa: B018 - what the template reads
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            assert page.reported_by_me == {c.id for c in page.items}
            assert all(page.supports[c.id] == 3 and len(page.replies[c.id]) == 1 for c in page.items)
        return len(statements)

    assert queries_for(few_project.id) == queries_for(many_project.id)


def test_reported_by_me_holds_only_my_reports_on_the_page(app, create_project, create_user):
    project = create_project()
    author, me, other = create_user(), create_user(), create_user()
    mine, theirs, none = _comments(app, project, author, 3)
    with app.app_context():
        db.session.add_all([Report(comment_id=mine, user_id=me.id), Report(comment_id=theirs, user_id=other.id)])
        db.session.commit()
        page = comment_page(db.session.get(Project, project.id), db.session.get(User, me.id), ListView())
        assert page.reported_by_me == {mine}
        assert comment_page(db.session.get(Project, project.id), None, ListView()).reported_by_me == set()


# ---- the page without JavaScript -----------------------------------------------------------------

def test_the_page_has_a_get_filter_form_above_the_list_and_the_comment_form_before_it(client, create_project):
    project = create_project()
    html = client.get(project_url(project)).get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    [form] = doc.xpath("//form[@data-list-filter]")
    assert form.get("method") == "get"
    assert [o.get("value") for o in form.xpath(".//select[@name='sortierung']/option")] == ["neu", "alt", "unterstuetzt"]
    assert [o.get("value") for o in form.xpath(".//select[@name='kategorie']/option")] == [
        ""] + [str(c.id) for c in project.categories]
    assert form.xpath(".//button[@type='submit']")
    # Phone order: map, then the form to write, then the list.
    assert html.index('id="map-heading"') < html.index('id="comment-form"') < html.index('id="comments-heading"')


def test_no_category_select_for_a_project_without_categories(client, create_project):
    project = create_project(categories=())
    doc = lxml.html.fromstring(client.get(project_url(project)).get_data(as_text=True))
    assert doc.xpath("//form[@data-list-filter]//select[@name='sortierung']")
    assert not doc.xpath("//form[@data-list-filter]//select[@name='kategorie']")


def test_sorting_by_support_puts_the_most_supported_first(app, client, create_project, create_user):
    project = create_project()
    author = create_user()
    popular, plain = _comments(app, project, author, 2)
    _support(app, popular, [create_user()])
    assert _listed_ids(client.get(project_url(project)).get_data(as_text=True)) == [plain, popular]
    html = client.get(project_url(project) + "?sortierung=unterstuetzt").get_data(as_text=True)
    assert _listed_ids(html) == [popular, plain]
    selected = lxml.html.fromstring(html).xpath("//select[@name='sortierung']/option[@selected]")
    assert [o.get("value") for o in selected] == ["unterstuetzt"]


def test_category_filter_lists_only_that_category_and_the_api_pins_too(app, client, create_project, create_user):
    project = create_project()
    author = create_user()
    traffic, green = project.categories
    traffic_ids = _comments(app, project, author, 2, category_id=traffic.id)
    green_ids = _comments(app, project, author, 1, category_id=green.id, offset=10)
    assert sorted(_listed_ids(client.get(f"{project_url(project)}?kategorie={green.id}").get_data(as_text=True))) \
        == green_ids
    assert sorted(_listed_ids(client.get(f"{project_url(project)}?kategorie={traffic.id}").get_data(as_text=True))) \
        == traffic_ids

    pins = f"/api/v1/projects/{project.id}/comments?bbox=13.2,53.5,13.3,53.6"
    assert sorted(f["id"] for f in client.get(pins).get_json()["features"]) == sorted(traffic_ids + green_ids)
    answer = client.get(f"{pins}&category={green.id}").get_json()
    assert [f["id"] for f in answer["features"]] == green_ids and answer["numberMatched"] == 1
    assert sorted(f["id"] for f in client.get(f"{pins}&category={traffic.id}").get_json()["features"]) == traffic_ids


@pytest.mark.parametrize("value", ["x", "0", "-1", "²", "99999999999999", ""])
def test_the_api_refuses_a_malformed_category(client, create_project, value):
    project = create_project()
    response = client.get(f"/api/v1/projects/{project.id}/comments?bbox=13.2,53.5,13.3,53.6&category={value}")
    assert response.status_code == 400 and response.get_json()["field"] == "category"


def test_another_projects_category_is_ignored_by_the_list(app, client, create_project, create_user):
    project, other = create_project(), create_project()
    ids = _comments(app, project, create_user(), 2)
    html = client.get(f"{project_url(project)}?kategorie={other.categories[0].id}").get_data(as_text=True)
    assert sorted(_listed_ids(html)) == ids


def test_only_the_map_view_lists_the_comments_inside_it(app, client, create_project, create_user):
    project = create_project()
    author = create_user()
    [west] = _comments(app, project, author, 1)  # at INSIDE, 13.255
    [east] = _comments(app, project, author, 1, location=EAST, offset=5)
    [nowhere] = _comments(app, project, author, 1, location=None, offset=6)
    assert sorted(_listed_ids(client.get(project_url(project)).get_data(as_text=True))) == [west, east, nowhere]
    html = client.get(f"{project_url(project)}?ausschnitt=13.257,53.55,13.26,53.554").get_data(as_text=True)
    assert _listed_ids(html) == [east]
    # The box stays switchable without JavaScript: a checked checkbox carrying it.
    [box] = lxml.html.fromstring(html).xpath("//input[@name='ausschnitt']")
    assert box.get("checked") is not None and box.get("value") == "13.257000,53.550000,13.260000,53.554000"
    assert "Keine Kommentare passen zu dieser Auswahl." in client.get(
        f"{project_url(project)}?ausschnitt=13.0,53.0,13.1,53.1").get_data(as_text=True)


def test_pagination_links_keep_the_sort_and_category(app, client, create_project, create_user):
    project = create_project()
    category = project.categories[1]
    ids = _comments(app, project, create_user(), PAGE_SIZE + 2, category_id=category.id)
    _comments(app, project, create_user(), 3, offset=100)  # another category, newer
    html = client.get(f"{project_url(project)}?sortierung=alt&kategorie={category.id}").get_data(as_text=True)
    assert _listed_ids(html) == ids[:PAGE_SIZE]
    [next_link] = lxml.html.fromstring(html).xpath("//nav[@class='pagination']/a[@rel='next']")
    target = urlsplit(next_link.get("href"))
    assert parse_qs(target.query) == {"sortierung": ["alt"], "kategorie": [str(category.id)], "seite": ["2"],
                                      "nach": [str(ids[PAGE_SIZE - 1])]}
    second = client.get(f"{target.path}?{target.query}").get_data(as_text=True)
    assert _listed_ids(second) == ids[PAGE_SIZE:]
    [prev_link] = lxml.html.fromstring(second).xpath("//nav[@class='pagination']/a[@rel='prev']")
    assert parse_qs(urlsplit(prev_link.get("href")).query) == {"sortierung": ["alt"], "kategorie": [str(category.id)]}


@pytest.mark.parametrize("sort", ["neu", "alt", "unterstuetzt"])
def test_pages_by_key_walk_every_comment_once_forwards_and_back(app, create_project, create_user, sort):
    project = create_project()
    author = create_user()
    fans = [create_user() for _ in range(3)]
    ids = _comments(app, project, author, 2 * PAGE_SIZE + 7)
    for n, comment_id in enumerate(ids[:30]):  # ties in the support counts, broken by age
        _support(app, comment_id, fans[: n % 4])
    with app.app_context():
        current = db.session.get(Project, project.id)
        view, pages = ListView(sort=sort), []
        while True:
            page = comment_page(current, None, view)
            assert page.total == len(ids) and page.pages == 3 and page.number == len(pages) + 1
            pages.append([c.id for c in page.items])
            if not page.has_next:
                break
            view = view.following(page)
        walked = [i for p in pages for i in p]
        assert sorted(walked) == sorted(ids) and len(walked) == len(ids)
        assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 7]
        back = comment_page(current, None, view.preceding(page))
        assert [c.id for c in back.items] == pages[1] and back.number == 2
        assert view.preceding(back).to_args() == ListView(sort=sort).to_args()  # page 1 has no key


def test_a_page_by_key_of_a_comment_gone_falls_back_to_its_number(app, client, create_project, create_user):
    project = create_project()
    ids = _comments(app, project, create_user(), PAGE_SIZE + 3)
    html = client.get(f"{project_url(project)}?seite=2&nach=999999").get_data(as_text=True)
    assert _listed_ids(html) == list(reversed(ids[:3]))


def test_a_page_past_the_end_shows_the_last(app, client, create_project, create_user):
    project = create_project()
    ids = _comments(app, project, create_user(), PAGE_SIZE + 1)
    assert _listed_ids(client.get(f"{project_url(project)}?seite=999").get_data(as_text=True)) == [ids[0]]


def test_the_list_alone_for_the_script(app, client, create_project, create_user):
    project = create_project()
    author = create_user()
    older, newer = _comments(app, project, author, 2)
    response = client.get(f"{project_url(project)}?teil=liste&sortierung=alt")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="map-heading"' not in html
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    [results] = doc.xpath("//*[@data-list-results]")
    assert results.get("data-page-ids") == f"{older},{newer}"
    assert results.get("data-summary") == "2 Kommentare, älteste zuerst"
    assert doc.xpath("//*[@data-list-heading]")[0].text_content() == "2 Kommentare"
    assert _listed_ids(html) == [older, newer]


def test_a_hidden_comment_stays_in_its_place_with_the_reason_but_not_its_words(app, client, create_project,
                                                                                 create_user):
    project = create_project()
    shown, removed = _comments(app, project, create_user(), 2)
    with app.app_context():
        comment = db.session.get(Comment, removed)
        comment.visibility, comment.hidden_reason = Visibility.HIDDEN, "Beleidigung"
        db.session.commit()
    html = client.get(f"{project_url(project)}?teil=liste").get_data(as_text=True)
    assert _listed_ids(html) == [removed, shown]
    assert "Von der Moderation entfernt: Beleidigung" in html
    assert "Comment 1" not in html and "Comment 0" in html


def test_a_comment_waiting_for_approval_is_neither_listed_nor_counted(app, client, create_project, create_user):
    project = create_project()
    shown, waiting = _comments(app, project, create_user(), 2)
    with app.app_context():
        db.session.get(Comment, waiting).visibility = Visibility.PENDING
        db.session.commit()
    html = client.get(f"{project_url(project)}?teil=liste").get_data(as_text=True)
    assert _listed_ids(html) == [shown] and "1 Kommentar<" in html and "Comment 1" not in html
