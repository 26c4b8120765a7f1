"""Publishing the weighing's result: refused while formal comments lack a decision; the result notices go out
by a real SMTP server, once each, with the one-click unsubscribe; the public results page and its figures."""
from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from participation.accounts.models import Role
from participation.comments.models import Channel, Comment, Decision, OfficialAnswer, Visibility
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.models import Job, JobStatus
from participation.projects.models import Phase
from participation.statutes.models import Statute
from tests.conftest import csrf_token, wait_for_jobs
from tests.statutes.test_statute_comments import add_period
from tests.test_mail_smtp import smtp_app, smtp_server  # noqa: F401 - fixtures


def _decide(app, comment, decision: Decision, reasoning: str = "Because.") -> None:
    with app.app_context():
        row = db.session.get(Comment, comment.id)
        row.decision, row.decision_reasoning = decision, reasoning
        db.session.commit()


def _publish(client, town, statute):
    url = f"/{town.slug}/satzungen/{statute.id}/abwaegung"
    return client.post(f"{url}/veroeffentlichen", data={"csrf_token": csrf_token(client, url)},
                       headers={"Accept-Language": "en"})


def test_publish_is_refused_while_a_formal_comment_lacks_a_decision(app, client, town, planner, create_statute,
                                                                    create_user, statute_comment):
    statute = create_statute(town=town)
    decided = statute_comment(statute, create_user())
    undecided = statute_comment(statute, create_user())
    statute_comment(statute, create_user(), formal=False)  # an informal one needs no decision
    _decide(app, decided, Decision.ACCEPTED)

    response = _publish(client, town, statute)
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The result cannot be published yet. Formal comments without a decision: 1" in page
    assert undecided.reference in page
    assert "1 of 2 formal comments weighed" in page
    with app.app_context():
        assert db.session.get(Statute, statute.id).results_published_at is None
        assert db.session.scalar(select(Job.id).where(Job.kind == "weighing.result_notices")) is None


def test_result_notices_reach_a_real_smtp_server_once_each(app, smtp_app, smtp_server, create_town, create_user,  # noqa: F811
                                                           create_statute, statute_comment):
    _, inbox = smtp_server
    town = create_town()
    planner = create_user(Role.PLANNER, towns=[town])
    statute = create_statute(town=town)
    online = statute_comment(statute, create_user(email="online@example.org"), text="Too high")
    letter = statute_comment(statute, None, text="By letter", channel=Channel.LETTER, sender_email="post@example.org")
    statute_comment(statute, create_user(email="informal@example.org"), formal=False)
    _decide(app, online, Decision.NOT_ACCEPTED, "Three storeys fit.")
    _decide(app, letter, Decision.PARTLY_ACCEPTED, "Partly so.")

    client = smtp_app.test_client()
    client.post("/konto/anmelden", data={"email": planner.email, "password": "correct horse battery",
                                         "csrf_token": csrf_token(client)})
    assert _publish(client, town, statute).status_code == 302
    wait_for_jobs(smtp_app)

    messages = {envelope.rcpt_tos[0]: message_from_bytes(envelope.original_content, policy=policy.default)
                for envelope in inbox.envelopes}
    assert sorted(messages) == ["online@example.org", "post@example.org"]
    for message in messages.values():
        assert re.fullmatch(r"<http://localhost/\S+>", message["List-Unsubscribe"])
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = messages["online@example.org"].get_content()
    # In the town's language (the residents chose none that is stored), whatever the planner's.
    assert online.reference in body and "Too high" in body and "Nicht berücksichtigt" in body
    assert "Three storeys fit." in body
    assert f"/satzungen/{statute.id}/ergebnisse" in body
    assert "Teilweise berücksichtigt" in messages["post@example.org"].get_content()

    overview = client.get(f"/{town.slug}/satzungen/{statute.id}/abwaegung", headers={"Accept-Language": "en"})
    assert "Result notices" in overview.get_data(as_text=True)
    with smtp_app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "weighing.result_notices")).one()
        assert job.status is JobStatus.FINISHED and job.result["queued"] == 2
    status = client.get(f"/{town.slug}/abwaegung/auftraege/{job.id}/status").get_json()
    assert status["status"] == "finished"

    # Publishing again runs the job again: nobody gets the notice twice.
    assert _publish(client, town, statute).status_code == 302
    wait_for_jobs(smtp_app)
    assert len(inbox.envelopes) == 2


def test_results_page_figures(app, client, create_town, create_user, create_project, create_comment):
    town = create_town()
    project = create_project(town=town, phase=Phase.EVALUATION)
    traffic, green = project.categories
    author = create_user()
    for text in ("a", "b", "c"):
        create_comment(project, author, text=text, category_id=traffic.id)
    answered = create_comment(project, author, text="Plant trees", category_id=green.id)
    hidden = create_comment(project, author, text="Hidden one", category_id=green.id)
    pending = create_comment(project, author, text="Pending one", category_id=green.id)
    with app.app_context():
        db.session.get(Comment, hidden.id).visibility = Visibility.HIDDEN
        db.session.get(Comment, pending.id).visibility = Visibility.PENDING
        row = db.session.get(Comment, answered.id)
        row.channel = Channel.WORKSHOP
        row.created_at = row.created_at - timedelta(days=14)
        row.answer = OfficialAnswer(text="Twelve lime trees.")
        db.session.commit()

    response = client.get(f"/{town.slug}/projekte/{project.id}/ergebnisse", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "4 public comments" in page
    rows = re.findall(r'<th class="kern-table__header" scope="row">([^<]+)</th><td[^>]*>(\d+)</td><td[^>]*>([\d.]+) %',
                      page)
    assert ("Traffic", "3", "75.0") in rows and ("Green", "1", "25.0") in rows
    assert ("Online", "3", "75.0") in rows and ("Workshop", "1", "25.0") in rows
    weeks = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">[^<]*</time></th><td[^>]*>(\d+)</td>', page)
    assert [count for _day, count in weeks] == ["1", "0", "3"]  # the empty week between is shown
    assert "Twelve lime trees." in page and "Plant trees" in page
    assert "Hidden one" not in page and "Pending one" not in page
    assert "<title id=\"week-chart-title\">" in page

    # The project page links to it in evaluation; a draft has no results page.
    assert f"/projekte/{project.id}/ergebnisse" in client.get(f"/{town.slug}/projekte/{project.id}").get_data(as_text=True)
    draft = create_project(town=town, phase=Phase.DRAFT)
    assert client.get(f"/{town.slug}/projekte/{draft.id}/ergebnisse").status_code == 404


def test_unpublished_statute_has_no_results_page(client, town, create_statute):
    statute = create_statute(town=town, published=False)
    assert client.get(f"/{town.slug}/satzungen/{statute.id}/ergebnisse").status_code == 404
    published = create_statute(town=town)
    assert client.get(f"/{town.slug}/satzungen/{published.id}/ergebnisse").status_code == 200


def test_publish_is_refused_while_statements_can_still_be_made(app, client, town, planner, create_statute,
                                                               create_user, statute_comment):
    statute = create_statute(town=town)
    _decide(app, statute_comment(statute, create_user()), Decision.NOTED)
    add_period(app, statute, start=-3, end=40)
    response = _publish(client, town, statute)
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The result cannot be published while statements can still be made" in page
    with app.app_context():
        assert db.session.get(Statute, statute.id).results_published_at is None


def test_a_statement_decided_after_the_result_was_published_can_still_be_weighed(
        app, client, town, planner, create_statute, create_user, statute_comment):
    statute = create_statute(town=town)
    first = statute_comment(statute, create_user())
    _decide(app, first, Decision.ACCEPTED)
    with app.app_context():
        db.session.get(Comment, first.id).decided_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    assert _publish(client, town, statute).status_code == 302
    late = statute_comment(statute, create_user())  # a letter entered after the publication
    url = f"/{town.slug}/kommentare/{late.id}/antwort"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "state": "in_review", "decision": "noted",
                                      "reasoning": "Zur Kenntnis."}, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Comment, late.id).decision is Decision.NOTED
    # The first one went out with the result: it stays as published.
    url = f"/{town.slug}/kommentare/{first.id}/antwort"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "state": "in_review",
                                      "decision": "not_accepted", "reasoning": "Anders."},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "can no longer be changed" in response.get_data(as_text=True)
