"""Map data cached in Redis, invalidated when the comments change; ETags."""
from __future__ import annotations

import pytest
from redis import Redis

from participation.comments import services
from participation.comments.models import Comment
from participation.extensions import db
from tests.conftest import INSIDE, extra_app


@pytest.fixture
def cached_app(app, redis_url):
    """A second app on the same database, with Redis."""
    return extra_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH", "SECRET_KEY")},
                       "TESTING": True, "REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": "memory://"})


def bbox_url(project):
    return f"/api/v1/projects/{project.id}/comments?bbox=13.2,53.5,13.3,53.6"


def test_answers_come_from_the_cache_until_the_comments_change(app, cached_app, create_project, create_user, create_comment):
    project, author = create_project(), create_user()
    first = create_comment(project, author, text="first")
    client = cached_app.test_client()
    assert client.get(bbox_url(project)).get_json()["numberMatched"] == 1
    # Written behind the app's back: the cached answer stays (proves the cache is used) ...
    create_comment(project, author, text="behind the back")
    assert client.get(bbox_url(project)).get_json()["numberMatched"] == 1
    # ... and a change through the services invalidates it on commit.
    with cached_app.app_context():
        item = db.session.get(Comment, first.id)
        services.create_comment(db.session.merge(item.project), author, services.CommentDraft("third", None, INSIDE, None))
        db.session.commit()
    assert client.get(bbox_url(project)).get_json()["numberMatched"] == 3


def test_a_cache_hit_is_one_call_to_redis(app, cached_app, monkeypatch, create_project, create_user, create_comment):
    project = create_project()
    create_comment(project, create_user())
    client = cached_app.test_client()
    first = client.get(bbox_url(project)).get_data()  # a miss: built and stored
    sent, send = [], Redis.execute_command
    monkeypatch.setattr(Redis, "execute_command", lambda self, *args, **options: (
        sent.append(args[0]), send(self, *args, **options))[1])
    assert client.get(bbox_url(project)).get_data() == first
    assert sent == ["EVALSHA"]  # the version and the entry in one script: one round trip


def test_without_redis_every_answer_is_fresh(app, client, create_project, create_user, create_comment):
    project, author = create_project(), create_user()
    create_comment(project, author)
    assert client.get(bbox_url(project)).get_json()["numberMatched"] == 1
    create_comment(project, author)
    assert client.get(bbox_url(project)).get_json()["numberMatched"] == 2


def test_etag_gives_304_while_unchanged(client, create_project, create_user, create_comment):
    project = create_project()
    create_comment(project, create_user())
    first = client.get(bbox_url(project))
    etag = first.headers["ETag"]
    assert client.get(bbox_url(project), headers={"If-None-Match": etag}).status_code == 304
    create_comment(project, create_user())
    assert client.get(bbox_url(project), headers={"If-None-Match": etag}).status_code == 200
