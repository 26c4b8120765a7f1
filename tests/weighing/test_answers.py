"""The town's answer: shown as the town's, set apart; state; joint answers; the weighing kept internal."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participation.accounts.models import Role
from participation.comments.models import Comment, CommentState, Decision, OfficialAnswer
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.statutes.models import Statute
from tests.conftest import csrf_token


def _answer_url(town, comment) -> str:
    return f"/{town.slug}/kommentare/{comment.id}/antwort"


def _post_answer(client, town, comment, **data):
    url = _answer_url(town, comment)
    form = {"csrf_token": csrf_token(client, url), "state": data.pop("state", comment.state.value), **data}
    return client.post(url, data=form, headers={"Accept-Language": "en"})


def _project(comment):
    """A stand-in with what `create_comment` reads of a project, for a reply."""
    return type("P", (), {"id": comment.project_id, "categories": []})()


def _get(app, model, ident):
    with app.app_context():
        row = db.session.get(model, ident)
        if isinstance(row, Comment):
            row.answer  # noqa: B018 - load before the context ends
        db.session.expunge_all()
        return row


def test_answer_is_shown_as_the_towns_set_apart_from_replies(app, client, town, planner, create_user,
                                                              create_project, create_comment, client_for):
    resident = create_user()
    project = create_project(town=town)
    comment = create_comment(project, resident, text="Please plant trees")

    response = _post_answer(client, town, comment, text="We will plant twelve lime trees.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/projekte/{project.id}#comment-{comment.id}")

    saved = _get(app, Comment, comment.id)
    assert saved.state is CommentState.ANSWERED  # an answer answers, unless the planner chose otherwise
    assert saved.answer.text == "We will plant twelve lime trees."

    page = client_for(resident).get(f"/{town.slug}/projekte/{project.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    block = re.search(r'<section class="official-answer"[^>]*>(.*?)</section>', page, re.S)
    assert block, "the answer is set apart in its own section"
    assert f"Answer of {town.name}" in block.group(1)
    assert "We will plant twelve lime trees." in block.group(1)
    assert '<ol class="reply-list"' not in page  # not a reply
    assert "Answered" in page


def test_state_can_be_set_without_an_answer_and_kept_when_answering(app, client, town, planner, create_user,
                                                                     create_project, create_comment):
    comment = create_comment(create_project(town=town), create_user())
    assert _post_answer(client, town, comment, state="in_review").status_code == 302
    saved = _get(app, Comment, comment.id)
    assert saved.state is CommentState.IN_REVIEW and saved.answer_id is None

    # The planner answers but says the matter is still in review: their choice stands.
    assert _post_answer(client, town, comment, state="received", text="We are looking into it.").status_code == 302
    assert _get(app, Comment, comment.id).state is CommentState.RECEIVED


def test_joint_answer_for_two_comments_and_edit_changes_it_for_both(app, client, town, planner, create_user,
                                                                    create_project, create_comment):
    project = create_project(town=town)
    first = create_comment(project, create_user(), text="More benches")
    second = create_comment(project, create_user(), text="Benches please")
    third = create_comment(project, create_user(), text="Something else")

    page = client.get(_answer_url(town, first)).get_data(as_text=True)
    assert f'value="{second.id}"' in page and f'value="{third.id}"' in page

    assert _post_answer(client, town, first, text="Ten benches are planned.", others=[str(second.id)]).status_code == 302
    a, b, c = (_get(app, Comment, x.id) for x in (first, second, third))
    assert a.answer_id == b.answer_id is not None
    assert b.state is CommentState.ANSWERED
    assert c.answer_id is None
    with app.app_context():
        assert db.session.scalar(select(func.count(OfficialAnswer.id))) == 1

    # Editing from the second comment changes the one answer both share.
    assert _post_answer(client, town, second, text="Twelve benches are planned.",
                        others=[str(first.id)]).status_code == 302
    assert _get(app, Comment, first.id).answer.text == "Twelve benches are planned."
    with app.app_context():
        assert db.session.scalar(select(func.count(OfficialAnswer.id))) == 1


def test_bad_input_is_refused_at_the_field_and_nothing_saved(app, client, town, planner, create_user,
                                                              create_project, create_comment):
    project = create_project(town=town)
    comment = create_comment(project, create_user())
    other_project_comment = create_comment(create_project(town=town), create_user())

    response = _post_answer(client, town, comment, text="x", others=[str(other_project_comment.id)])
    assert response.status_code == 400
    assert "Choose only comments from the list." in response.get_data(as_text=True)
    response = _post_answer(client, town, comment, text="", others=["abc"])
    assert response.status_code == 400
    response = _post_answer(client, town, comment, text="a" * 10_001)
    assert response.status_code == 400
    assert 'id="text-error"' in response.get_data(as_text=True)
    response = _post_answer(client, town, comment, text="fine", state="bogus")
    assert response.status_code == 400
    saved = _get(app, Comment, comment.id)
    assert saved.answer_id is None and saved.state is CommentState.RECEIVED


def test_decision_hidden_until_the_result_is_published(app, client, town, planner, create_statute, create_user,
                                                        statute_comment, client_for):
    statute = create_statute(town=town)
    resident = create_user()
    comment = statute_comment(statute, resident, text="The houses are too high")

    response = _post_answer(client, town, comment, text="Thank you.", decision="not_accepted", reasoning="")
    assert response.status_code == 400
    assert "Give the reasons for this decision." in response.get_data(as_text=True)

    response = _post_answer(client, town, comment, text="Thank you.", decision="not_accepted",
                            reasoning="Three storeys fit the neighbourhood.")
    assert response.status_code == 302
    saved = _get(app, Comment, comment.id)
    assert saved.decision is Decision.NOT_ACCEPTED and saved.decided_by_id == planner.id

    client = client_for(resident)
    page = client.get(f"/{town.slug}/satzungen/{statute.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Thank you." in page
    assert "Three storeys fit the neighbourhood." not in page and "Not accepted" not in page
    results = client.get(f"/{town.slug}/satzungen/{statute.id}/ergebnisse", headers={"Accept-Language": "en"})
    assert "Three storeys" not in results.get_data(as_text=True)

    with app.app_context():
        db.session.get(Statute, statute.id).results_published_at = utcnow()
        db.session.commit()
    page = client.get(f"/{town.slug}/satzungen/{statute.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Outcome of the weighing" in page and "Not accepted" in page
    assert "Three storeys fit the neighbourhood." in page
    results = client.get(f"/{town.slug}/satzungen/{statute.id}/ergebnisse", headers={"Accept-Language": "en"})
    assert "Three storeys fit the neighbourhood." in results.get_data(as_text=True)


def test_published_decision_cannot_change(app, client, town, planner, create_statute, create_user, statute_comment):
    statute = create_statute(town=town)
    comment = statute_comment(statute, create_user())
    assert _post_answer(client, town, comment, decision="noted").status_code == 302
    with app.app_context():
        db.session.get(Statute, statute.id).results_published_at = utcnow()
        db.session.commit()
    response = _post_answer(client, town, comment, decision="accepted")
    assert response.status_code == 400
    assert _get(app, Comment, comment.id).decision is Decision.NOTED


def test_answer_notice_only_when_opted_in(app, client, town, planner, create_user, create_statute, statute_comment,
                                          mailbox):
    statute = create_statute(town=town)
    wants = statute_comment(statute, create_user(email="wants@example.org"), notify=True, text="Mail me")
    quiet = statute_comment(statute, create_user(email="quiet@example.org"), notify=False)
    assert _post_answer(client, town, wants, text="Our answer.", others=[str(quiet.id)]).status_code == 302
    # Editing the words does not send the same notice again.
    assert _post_answer(client, town, wants, text="Our better answer.", others=[str(quiet.id)]).status_code == 302

    mails = mailbox()
    assert [m["To"] for m in mails] == ["wants@example.org"]
    body = mails[0].get_content()
    assert "Mail me" in body and "Our answer." in body and f"#comment-{wants.id}" in body
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("who", ["anonymous", "resident", "other_planner"])
def test_only_the_towns_planners_answer_and_weigh(client, town, create_town, create_user, create_project,
                                                   create_comment, login, who):
    comment = create_comment(create_project(town=town), create_user())
    if who == "resident":
        login(create_user())
    elif who == "other_planner":
        login(create_user(Role.PLANNER, towns=[create_town()]))
    urls = [_answer_url(town, comment), f"/{town.slug}/projekte/{comment.project_id}/abwaegung"]
    for url in urls:
        status = client.get(url).status_code
        assert status == (302 if who == "anonymous" else 403), url
    response = client.post(f"/{town.slug}/projekte/{comment.project_id}/abwaegung/veroeffentlichen",
                           data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert "/konto/anmelden" in response.headers["Location"]


def test_another_towns_comment_is_not_found(client, town, planner, create_town, create_user, create_project,
                                             create_comment):
    elsewhere = create_comment(create_project(town=create_town()), create_user())
    assert client.get(_answer_url(town, elsewhere)).status_code == 404
    comment = create_comment(create_project(town=town), create_user())
    assert client.get(_answer_url(town, comment)).status_code == 200
    reply = create_comment(comment.project if comment.project_id is None else _project(comment), create_user(),
                           parent=comment)
    assert client.get(_answer_url(town, reply)).status_code == 404  # replies get no official answer


def test_answer_tools_link_only_for_planners(client, town, create_user, create_project, create_comment, login):
    project = create_project(town=town)
    comment = create_comment(project, create_user())
    page = client.get(f"/{town.slug}/projekte/{project.id}").get_data(as_text=True)
    assert _answer_url(town, comment) not in page
    login(create_user(Role.PLANNER, towns=[town]))
    page = client.get(f"/{town.slug}/projekte/{project.id}").get_data(as_text=True)
    assert _answer_url(town, comment) in page
    assert f"/{town.slug}/projekte/{project.id}/abwaegung" in page
