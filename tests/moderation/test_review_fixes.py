"""Cases found in review: a comment refused before it was ever published stays out of sight, a blocked
account cannot report either, hand-made queue requests are refused, not answered with an error page."""
from __future__ import annotations

from participation.comments.models import Comment, Visibility
from participation.extensions import db
from participation.municipalities.models import TownBlock
from tests.conftest import csrf_token
from tests.moderation.conftest import EN, act, fetch


def _waiting(app, site, text: str) -> int:
    with app.app_context():
        comment = Comment(project_id=site.project.id, author_id=site.author.id, text=text,
                          category_id=site.project.categories[0].id, visibility=Visibility.PENDING)
        db.session.add(comment)
        db.session.commit()
        return comment.id


def test_a_waiting_comment_refused_by_a_moderator_is_never_shown(app, client, as_moderator):
    site = as_moderator
    comment_id = _waiting(app, site, "Werbung für meinen Laden")
    assert act(client, site, comment_id, "verbergen", **{"hide-reason": "Werbung"}).status_code == 302
    assert fetch(app, comment_id).visibility is Visibility.REJECTED
    page = client.get(site.project_url, headers=EN).get_data(as_text=True)
    assert "Werbung für meinen Laden" not in page and "Removed by moderation" not in page
    detail = client.get(site.comment_url(comment_id), headers=EN).get_data(as_text=True)
    assert "Refused before publication" in detail
    assert f"/moderation/kommentare/{comment_id}\"" in client.get(f"{site.queue}?status=verborgen").get_data(as_text=True)
    # Restoring publishes it: the moderator changed their mind.
    assert act(client, site, comment_id, "wiederherstellen").status_code == 302
    assert fetch(app, comment_id).visibility is Visibility.PUBLISHED


def test_a_blocked_account_cannot_report(app, client, site, login, create_comment, create_user):
    comment = create_comment(site.project, create_user(), text="Ein Kommentar")
    with app.app_context():
        db.session.add(TownBlock(municipality_id=site.town.id, user_id=site.author.id, reason="Spam"))
        db.session.commit()
    login(site.author)
    token = csrf_token(client, site.project_url)
    response = client.post(f"/{site.town.slug}/kommentare/{comment.id}/melden", data={"csrf_token": token})
    assert response.status_code == 403


def test_dates_beyond_what_a_day_can_be_moved_to_utc_are_ignored(client, as_moderator):
    for query in ("von=0001-01-01", "bis=9999-12-31", "von=0001-01-01&bis=9999-12-31"):
        assert client.get(f"{as_moderator.queue}?{query}").status_code == 200


def test_a_bulk_action_on_more_comments_than_a_page_shows_is_refused(app, client, as_moderator):
    site = as_moderator
    token = csrf_token(client, site.queue)
    ids = [str(_waiting(app, site, f"Kommentar {n}")) for n in range(3)] + [str(n) for n in range(10_000, 10_060)]
    response = client.post(site.queue, data={"csrf_token": token, "action": "approve", "kommentar": ids}, headers=EN)
    assert response.status_code == 400
    assert "at most 50 comments" in response.get_data(as_text=True)
    assert fetch(app, int(ids[0])).visibility is Visibility.PENDING
