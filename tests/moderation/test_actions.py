"""The actions on one comment: approve, hide, restore, keep, duplicate, block; each writes the log and
settles the reports; the public sees the outcome."""
from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from participation.accounts.models import Role
from participation.comments.models import Comment, ModerationEvent, Visibility
from participation.extensions import db
from participation.municipalities.models import TownBlock
from participation.projects.models import Project
from tests.conftest import csrf_token
from tests.moderation.conftest import EN, act, add_report, fetch, log_lines, reports

EVERYWHERE = "13.0,53.0,14.0,54.0"


def set_visibility(app, comment_id: int, visibility: Visibility, reason: str = "") -> None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        comment.visibility, comment.hidden_reason = visibility, reason
        db.session.commit()


def test_pre_moderation_from_posting_to_approval(app, client, site, login, create_user):
    with app.app_context():
        db.session.get(Project, site.project.id).pre_moderation = True
        db.session.commit()
    resident = create_user()
    login(resident)
    token = csrf_token(client, site.project_url)
    response = client.post(f"{site.project_url}/kommentare", headers=EN, data={
        "csrf_token": token, "text": "Please more trees", "category": str(site.project.categories[0].id)})
    assert response.status_code == 302
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.visibility is Visibility.PENDING
    page = client.get(site.project_url, headers=EN).get_data(as_text=True)
    assert "Please more trees" not in page
    assert "It will be shown once a moderator has approved it." in page
    client.post("/konto/abmelden", data={"csrf_token": token})

    login(site.planner)
    queue = client.get(f"{site.queue}?status=neu", headers=EN).get_data(as_text=True)
    assert "Please more trees" in queue and "Waiting for approval" in queue
    response = act(client, site, comment.id, "freigeben")
    assert response.status_code == 302 and response.headers["Location"] == site.comment_url(comment.id)
    assert fetch(app, comment.id).visibility is Visibility.PUBLISHED
    assert log_lines(app, comment.id) == [("approved", site.planner.pseudonym, "")]
    assert "Please more trees" in client.get(site.project_url).get_data(as_text=True)
    assert "Please more trees" not in client.get(f"{site.queue}?status=neu").get_data(as_text=True)


def test_hide_shows_the_reason_publicly_never_the_text(app, client, as_moderator, create_comment, create_user):
    site = as_moderator
    comment = create_comment(site.project, site.author, text="Rude words here")
    add_report(app, comment.id, create_user(), "Rude")
    response = act(client, site, comment.id, "verbergen", **{"hide-reason": "  Insulting other residents "})
    assert response.status_code == 302
    hidden = fetch(app, comment.id)
    assert hidden.visibility is Visibility.HIDDEN and hidden.hidden_reason == "Insulting other residents"
    assert reports(app, comment.id) == [(True, "hidden", True)]
    assert log_lines(app, comment.id) == [("hidden", site.planner.pseudonym, "Insulting other residents")]
    page = client.get(site.project_url, headers=EN).get_data(as_text=True)
    assert "Rude words here" not in page and "Removed by moderation: Insulting other residents" in page
    pins = client.get(f"/api/v1/projects/{site.project.id}/comments?bbox={EVERYWHERE}").get_json()
    assert pins["features"] == []
    detail = client.get(site.comment_url(comment.id), headers=EN).get_data(as_text=True)
    assert "Insulting other residents" in detail and "Restore (publish again)" in detail


@pytest.mark.parametrize("reason, message", [
    ("", "Please give the reason; it is shown in the comment's place."),
    ("   ", "Please give the reason; it is shown in the comment's place."),
    ("x" * 501, "Field cannot be longer than 500 characters."),
])
def test_hide_needs_a_reason_of_at_most_500_characters(app, client, as_moderator, create_comment, reason, message):
    site = as_moderator
    comment = create_comment(site.project, site.author)
    response = act(client, site, comment.id, "verbergen", **{"hide-reason": reason})
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert message in html and 'id="hide-reason-error"' in html and 'aria-invalid="true"' in html
    assert fetch(app, comment.id).visibility is Visibility.PUBLISHED
    assert log_lines(app, comment.id) == []


def test_restore_publishes_a_hidden_comment_again(app, client, as_moderator, create_comment):
    site = as_moderator
    comment = create_comment(site.project, site.author, text="Back again")
    set_visibility(app, comment.id, Visibility.HIDDEN, "Mistake")
    assert act(client, site, comment.id, "wiederherstellen").status_code == 302
    restored = fetch(app, comment.id)
    assert restored.visibility is Visibility.PUBLISHED and restored.hidden_reason == ""
    assert log_lines(app, comment.id) == [("restored", site.planner.pseudonym, "")]
    assert "Back again" in client.get(site.project_url).get_data(as_text=True)


def test_keep_settles_the_reports_and_the_reporter_is_told(app, client, site, login, create_comment, create_user):
    comment = create_comment(site.project, site.author, text="Fair point")
    reporter = create_user()
    login(reporter)
    token = csrf_token(client, site.project_url)
    assert client.post(f"/{site.town.slug}/kommentare/{comment.id}/melden",
                       data={"csrf_token": token, "reason": "Spam"}).status_code == 302
    page = client.get(site.project_url, headers=EN).get_data(as_text=True)
    assert "You reported this comment." in page and "The moderators have dealt with it" not in page
    client.post("/konto/abmelden", data={"csrf_token": token})

    login(site.planner)
    assert act(client, site, comment.id, "behalten").status_code == 302
    assert reports(app, comment.id) == [(True, "kept", True)]
    assert log_lines(app, comment.id) == [("reports_dismissed", site.planner.pseudonym, "")]
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, site.queue)})

    login(reporter)
    page = client.get(site.project_url, headers=EN).get_data(as_text=True)
    assert "You reported this comment. The moderators have dealt with it: kept." in page


def test_duplicate_is_shown_publicly_with_a_link_to_the_original(app, client, as_moderator, create_comment,
                                                                  create_user):
    site = as_moderator
    original = create_comment(site.project, site.author, text="Trees please")
    repeat = create_comment(site.project, create_user(), text="More trees please")
    add_report(app, repeat.id, create_user())
    response = act(client, site, repeat.id, "duplikat", **{"duplicate-number": str(original.id)})
    assert response.status_code == 302
    assert fetch(app, repeat.id).duplicate_of_id == original.id
    assert reports(app, repeat.id) == [(True, "duplicate", True)]
    assert log_lines(app, repeat.id) == [("duplicate", site.planner.pseudonym, f"Same point as comment no. {original.id}")]
    page = client.get(site.project_url, headers=EN).get_data(as_text=True)
    assert f'href="#comment-{original.id}">comment no. {original.id}</a>' in page


@pytest.mark.parametrize("case, message", [
    ("itself", "A comment cannot be a duplicate of itself."),
    ("reply", "is a reply. Please choose a top-level comment."),
    ("elsewhere", "is not a comment on the same project or statute."),
    ("missing", "is not a comment on the same project or statute."),
    ("hidden", "is not shown publicly. Please choose a published comment."),
    ("text", "Please enter the number of the comment this one repeats."),
])
def test_duplicate_of_what_cannot_be_is_refused_at_the_field(app, client, as_moderator, create_comment,
                                                              create_project, case, message):
    site = as_moderator
    comment = create_comment(site.project, site.author)
    other = create_comment(site.project, site.author, text="Other")
    number = {
        "itself": comment.id,
        "reply": create_comment(site.project, site.author, parent=other).id,
        "elsewhere": create_comment(create_project(town=site.town), site.author).id,
        "missing": 10**9,
        "hidden": other.id,
        "text": "twelve",
    }[case]
    if case == "hidden":
        set_visibility(app, other.id, Visibility.HIDDEN, "Spam")
    response = act(client, site, comment.id, "duplikat", **{"duplicate-number": str(number)})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'id="duplicate-number-error"' in html
    assert fetch(app, comment.id).duplicate_of_id is None
    assert log_lines(app, comment.id) == []


def test_a_blocked_resident_cannot_comment_until_unblocked(app, client, site, login, create_comment):
    comment = create_comment(site.project, site.author)
    login(site.planner)
    response = act(client, site, comment.id, "sperren", **{"block-reason": "Repeated insults"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(TownBlock.reason).where(TownBlock.user_id == site.author.id)) == \
            "Repeated insults"
    assert log_lines(app, comment.id) == [("account_blocked", site.planner.pseudonym, "Repeated insults")]
    assert "blocked from writing" in client.get(site.comment_url(comment.id), headers=EN).get_data(as_text=True)
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, site.queue)})

    login(site.author)
    token = csrf_token(client, site.project_url)
    data = {"csrf_token": token, "text": "Again", "category": str(site.project.categories[0].id)}
    refused = client.post(f"{site.project_url}/kommentare", data=data, headers=EN)
    assert refused.status_code == 403
    assert "The moderators have blocked your account from writing here." in refused.get_data(as_text=True)
    client.post("/konto/abmelden", data={"csrf_token": token})

    login(site.planner)
    assert act(client, site, comment.id, "entsperren").status_code == 302
    assert [line[0] for line in log_lines(app, comment.id)] == ["account_blocked", "account_unblocked"]
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, site.queue)})
    login(site.author)
    data["csrf_token"] = csrf_token(client, site.project_url)
    assert client.post(f"{site.project_url}/kommentare", data=data).status_code == 302


def test_staff_and_accountless_comments_cannot_be_blocked(app, client, as_moderator, create_comment, create_user):
    site = as_moderator
    colleague = create_comment(site.project, create_user(Role.PLANNER, towns=[site.town]))
    response = act(client, site, colleague.id, "sperren", **{"block-reason": "Test"})
    assert response.status_code == 400
    assert "The town's own staff cannot be blocked." in unescape(response.get_data(as_text=True))
    response = act(client, site, colleague.id, "sperren", **{"block-reason": ""})
    assert response.status_code == 400 and "Please give the reason for the block." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(TownBlock.id))) == 0
        assert db.session.scalar(select(func.count(ModerationEvent.id))) == 0


def test_replies_can_be_moderated(app, client, as_moderator, create_comment):
    site = as_moderator
    parent = create_comment(site.project, site.author, text="Top")
    reply = create_comment(site.project, site.author, text="Nasty reply", parent=parent)
    detail = client.get(site.comment_url(parent.id), headers=EN).get_data(as_text=True)
    assert "Nasty reply" in detail and site.comment_url(reply.id) in detail
    assert act(client, site, reply.id, "verbergen", **{"hide-reason": "Off topic"}).status_code == 302
    page = client.get(site.project_url, headers=EN).get_data(as_text=True)
    assert "Nasty reply" not in page and "Removed by moderation: Off topic" in page


def test_the_log_is_shown_on_the_comment_page(app, client, as_moderator, create_comment):
    site = as_moderator
    comment = create_comment(site.project, site.author)
    act(client, site, comment.id, "verbergen", **{"hide-reason": "Advertising"})
    act(client, site, comment.id, "wiederherstellen")
    html = client.get(site.comment_url(comment.id), headers=EN).get_data(as_text=True)
    log = html.split('id="log-heading"', 1)[1]
    assert log.index("Hidden") < log.index("Advertising") < log.index("Restored")
    assert log.count(site.planner.pseudonym) == 2


def test_the_moderate_link_shows_only_to_moderators(app, client, site, login, create_comment, create_user):
    comment = create_comment(site.project, site.author)
    link = site.comment_url(comment.id)
    assert link not in client.get(site.project_url).get_data(as_text=True)
    login(create_user())
    assert link not in client.get(site.project_url).get_data(as_text=True)
    client.post("/konto/abmelden", data={"csrf_token": csrf_token(client, site.project_url)})
    login(site.planner)
    assert link in client.get(site.project_url).get_data(as_text=True)
