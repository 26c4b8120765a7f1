"""Answering comments as the town, weighing them, and publishing the result (the caller commits)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale, format_date, format_datetime, gettext as _

from geo.errors import N_

from participation.comments.labels import decision_label
from participation.comments.models import Comment, CommentState, Decision, OfficialAnswer
from participation.comments.subjects import Subject, is_statute, subject_key, subject_title
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.jobs.models import Job
from participation.jobs.services import enqueue
from participation.notifications.mailing import queue_notice
from participation.statutes.periods import is_open
from participation.weighing.queries import RESULT_JOB, formal_comments, weighing_progress
from participation.web.mail import external_url


@dataclass
class AnswerInput:
    """What the planner sent on the answer page, validated by the form."""

    text: str
    state: CommentState
    #: Other comments of the same subject to share the answer.
    others: list[Comment]
    #: For a statute's comment: the weighing (None: not decided yet). `weighs` False leaves it as it is.
    weighs: bool = False
    decision: Decision | None = None
    reasoning: str = ""


def answer_comment(comment: Comment, data: AnswerInput, user) -> OfficialAnswer | None:
    """Answer `comment` (and `data.others` with the same words) as the town, set its state and weighing.

    One `OfficialAnswer` holds the words for all comments that share it: editing it changes it for each;
    the comments that share it afterwards are `comment` and `data.others` (one left out no longer
    shares it). A new answer sets the state "answered" unless the planner chose another state than the
    comment had. Authors who asked for it are told by mail (once per comment and answer).
    """
    answer = comment.answer
    text = data.text.strip()
    state = data.state
    if text and answer is None and state is comment.state:
        state = CommentState.ANSWERED
    if text:
        if answer is None:
            answer = OfficialAnswer(text=text, author_id=user.id)
            db.session.add(answer)
        elif answer.text != text:
            answer.text, answer.author_id = text, user.id
        sharing = [comment] + [other for other in data.others if other.id != comment.id]
        for left in [c for c in answer.comments if c not in sharing]:
            left.answer = None  # no longer answered by these words: back to "in review"
            if left.state is CommentState.ANSWERED:
                left.state = CommentState.IN_REVIEW
        for shared in sharing:
            old = shared.answer
            shared.answer = answer
            if old is not None and old is not answer and not [c for c in old.comments if c is not shared]:
                db.session.delete(old)  # nobody shares the old answer any more
            if shared is not comment and state is CommentState.ANSWERED:
                shared.state = CommentState.ANSWERED
    comment.state = state
    if data.weighs:
        _weigh(comment, data.decision, data.reasoning.strip(), user)
    db.session.flush()
    current_app.logger.info("User %s answered comment %s (answer %s, with %s others, state %s)", user.id, comment.id,
                            getattr(answer, "id", None), len(data.others), state.value)
    if answer is not None:
        for shared in answer.comments:
            _tell_author(shared, answer)
    return answer


def _weigh(comment: Comment, decision: Decision | None, reasoning: str, user) -> None:
    if decision == comment.decision and reasoning == comment.decision_reasoning:
        return
    comment.decision, comment.decision_reasoning = decision, reasoning if decision else ""
    comment.decided_at = utcnow() if decision else None
    comment.decided_by_id = user.id if decision else None
    current_app.logger.info("User %s weighed comment %s: %s", user.id, comment.id, decision)


def author_address(comment: Comment) -> str:
    """Where mail about the comment goes: its author's account, or the sender a planner entered."""
    if comment.author is not None:
        return comment.author.email
    return comment.sender_email or ""


def comment_link(comment: Comment) -> str:
    subject = comment.subject
    if is_statute(subject):
        page = external_url("statutes.show", slug=subject.municipality.slug, statute_id=subject.id)
    else:
        page = external_url("projects.show", slug=subject.municipality.slug, project_id=subject.id)
    return f"{page}#comment-{comment.id}"


def results_link(subject: Subject) -> str:
    if is_statute(subject):
        return external_url("weighing.statute_results", slug=subject.municipality.slug, statute_id=subject.id)
    return external_url("weighing.project_results", slug=subject.municipality.slug, project_id=subject.id)


def _tell_author(comment: Comment, answer: OfficialAnswer) -> None:
    """The answer mail, if the author opted in and has an address; once per comment and answer."""
    address = author_address(comment)
    if not comment.notify_on_answer or not address:
        return
    town = comment.subject.municipality
    # In the town's language, not the planner's: residents chose no language that is stored.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template("mail/answer.txt", comment=comment, answer=answer, town=town,
                               subject_name=subject_title(comment.subject), link=comment_link(comment))
        subject_line = _("{town} has answered your comment").format(town=town.name)
        queue_notice(address, "answer", subject_line, body, key=f"answer:{comment.id}:{answer.id}")


class PublishRefused(Exception):
    """The result cannot be published yet; `message` says why (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def publish_result(subject: Subject, user, locale: str) -> Job:
    """Publish the weighing's result: decisions become public and one job sends every author of a formal
    comment its outcome (in `locale`). Refused while a formal comment has no decision. Publishing again
    (after a later decision) queues the job again; each notice still goes out once."""
    if is_statute(subject) and is_open(subject, utcnow()) is not None:
        raise PublishRefused(_("The result cannot be published while statements can still be made: please wait "
                               "until the participation period has ended."))
    progress = weighing_progress(subject)
    if progress.missing:
        shown = ", ".join(progress.missing[:10]) + (" …" if len(progress.missing) > 10 else "")
        raise PublishRefused(_(
            "The result cannot be published yet. Formal comments without a decision: {count} ({references}).").format(
                count=len(progress.missing), references=shown))
    # Publishing again (after decisions on statements that came later) makes those public too.
    subject.results_published_at = utcnow()
    job = enqueue(RESULT_JOB, {"subject": subject_key(subject), "locale": locale}, user=user)
    current_app.logger.info("User %s published the weighing result of %s (job %s)", user.id, subject_key(subject),
                            job.id)
    return job


def send_result_notices(subject: Subject, progress=None) -> dict:
    """Queue the result notice to the author of every formal comment of `subject`, each once
    (key ``result:<comment id>``). `progress(fraction, msgid, **params)` is told as it goes."""
    town = subject.municipality
    comments = formal_comments(subject)
    queued = skipped = 0
    for number, comment in enumerate(comments, start=1):
        address = author_address(comment)
        if address and comment.decision is not None:
            body = render_template(
                "mail/result_notice.txt", comment=comment, town=town, subject_name=subject_title(subject),
                # Input entered on someone's behalf was received on its own day, which its reference counts from.
                received=(format_date(comment.received_on, "long") if comment.received_on
                          else format_datetime(comment.created_at, "medium")),
                decision=decision_label(comment.decision),
                link=results_link(subject))
            subject_line = _("Result of the weighing of your statement {reference}").format(reference=comment.reference)
            if queue_notice(address, "result", subject_line, body, key=f"result:{comment.id}"):
                queued += 1
            else:
                skipped += 1
        else:
            skipped += 1
        if progress is not None:
            progress(number / len(comments), N_("{done} of {total} result notices prepared"), done=number,
                     total=len(comments))
    current_app.logger.info("Result notices of %s: %s queued, %s not", subject_key(subject), queued, skipped)
    return {"queued": queued, "skipped": skipped, "total": len(comments)}
