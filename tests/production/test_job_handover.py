"""With Redis, a job reaches the queue only after the request's commit."""
from __future__ import annotations

from redis import Redis
from rq import Queue

from participation.extensions import db
from participation.jobs import services
from participation.jobs.models import Job
from tests.conftest import extra_app


def test_the_queue_sees_only_committed_jobs(app, redis_url):
    other = extra_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH", "SECRET_KEY")},
                       "REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": "memory://", "TESTING": False,
                       "PROPAGATE_EXCEPTIONS": False})
    seen_in_queue_before_commit = []

    @other.get("/_test/queue-then-fail")
    def queue_then_fail():
        services.enqueue("selftest", {"seconds": 0})
        raise RuntimeError("the request fails after queuing")

    @other.get("/_test/queue-and-commit")
    def queue_and_commit():
        job = services.enqueue("selftest", {"seconds": 0})
        seen_in_queue_before_commit.append(Queue(services.QUEUE_NAME, connection=Redis.from_url(redis_url)).count)
        db.session.commit()
        return str(job.id)

    queue = Queue(services.QUEUE_NAME, connection=Redis.from_url(redis_url))
    client = other.test_client()
    assert client.get("/_test/queue-then-fail").status_code == 500
    assert queue.count == 0
    with app.app_context():
        assert db.session.query(Job).count() == 0

    response = client.get("/_test/queue-and-commit")
    assert response.status_code == 200
    assert seen_in_queue_before_commit == [0] and queue.count == 1
    job_id = int(response.get_data(as_text=True))
    assert queue.jobs[0].args == (job_id,)
    with app.app_context():
        assert db.session.get(Job, job_id) is not None
