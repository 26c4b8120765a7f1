"""Answering a survey: a draft response page by page, then sending it once.

The draft's secret lives in the browser's session; its hash is stored. An account's or a code's draft
is also found by the account or code, so progress survives a reload and another device. Sending clears
both links: the answers can no longer be traced to a person. "Once per account" is the primary key of
`Participation`, "once per code" a conditional UPDATE — both hold when two sends race.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from geo.errors import N_
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.projects.permissions import local_today
from participation.surveys.models import (
    Access, AccessCode, Answer, Participation, Question, ResponseState, Survey, SurveyPage, SurveyResponse,
)
from participation.surveys.questions import Answered, AnswerError, question_type

#: The longest comment beside an answer.
COMMENT_LENGTH = 2000
#: Letters and digits that cannot be mistaken for each other when typed from a letter (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


class AlreadyAnswered(Exception):
    """This account has sent a response to this survey already."""


class CodeInvalid(Exception):
    """The access code is unknown for this survey, or used."""


class Incomplete(Exception):
    """Required questions are unanswered: `page_index` is the first page with one."""

    def __init__(self, page_index: int) -> None:
        super().__init__(page_index)
        self.page_index = page_index


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normal_code(text: str) -> str:
    """A typed code as stored: capitals, without spaces and hyphens."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:20]


def has_participated(survey: Survey, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(Participation, (survey.series, user.id)) is not None


def find_draft(survey: Survey, token: str | None, user=None) -> SurveyResponse | None:
    """The draft this browser (by `token`) or this account is filling in, if any."""
    if token:
        draft = db.session.scalar(select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.state == ResponseState.DRAFT,
            SurveyResponse.token_hash == token_hash(token)))
        if draft is not None:
            return draft
    if survey.access is Access.ACCOUNT and getattr(user, "is_authenticated", False):
        return db.session.scalar(select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.state == ResponseState.DRAFT,
            SurveyResponse.user_id == user.id).order_by(SurveyResponse.id.desc()).limit(1))
    return None


def start(survey: Survey, user=None, code: str = "") -> tuple[SurveyResponse, str]:
    """Begin (or take up again) a response; returns it and the secret for the browser's session.

    ACCOUNT needs a logged-in `user` who has not answered yet (AlreadyAnswered); CODE a valid unused
    `code` (CodeInvalid); OPEN nothing.
    """
    user_id = code_id = None
    if survey.access is Access.ACCOUNT:
        if not getattr(user, "is_authenticated", False):
            raise PermissionError("an account is needed")
        if has_participated(survey, user):
            raise AlreadyAnswered()
        user_id = user.id
    elif survey.access is Access.CODE:
        found = db.session.scalar(select(AccessCode).where(
            AccessCode.survey_id == survey.series, AccessCode.code == normal_code(code), AccessCode.used.is_(False)))
        if found is None:
            raise CodeInvalid()
        code_id = found.id
        existing = db.session.scalar(select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.state == ResponseState.DRAFT,
            SurveyResponse.access_code_id == code_id).limit(1))
        if existing is not None:  # the same household on another device: carry on where they were
            token = secrets.token_urlsafe(24)
            existing.token_hash = token_hash(token)
            return existing, token
    token = secrets.token_urlsafe(24)
    response = SurveyResponse(survey_id=survey.id, channel=survey.access, token_hash=token_hash(token),
                              user_id=user_id, access_code_id=code_id, started_at=utcnow())
    db.session.add(response)
    db.session.flush()
    return response, token


@dataclass
class Known:
    """The answers so far, by question id: what conditions look at."""

    values: dict[int, object] = field(default_factory=dict)

    def shows(self, question: Question) -> bool:
        if question.condition_question_id is None:
            return True
        value = self.values.get(question.condition_question_id)
        if value is None:
            return False
        source = question.condition_question
        return question_type(source.kind).matches(source, value, question.condition_value)


def stored_answers(response: SurveyResponse) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in response.answers}


def known_answers(response: SurveyResponse, shown_only: bool = True) -> Known:
    """The stored values, in question order, leaving out those of questions now hidden by a condition."""
    stored = stored_answers(response)
    known = Known()
    for question in response.survey.questions:
        answer = stored.get(question.id)
        if answer is not None and (not shown_only or known.shows(question)):
            known.values[question.id] = answer.value if answer.value is not None else (
                "" if answer.geometry is None else "place")
    return known


def page_is_shown(page: SurveyPage, known: Known) -> bool:
    """A page with no question left to show (all hidden by conditions) is skipped."""
    return any(known.shows(question) for question in page.questions)


def save_page(response: SurveyResponse, page: SurveyPage, form, reading_for, check_required: bool = True
              ) -> dict[int, tuple[str, dict]]:
    """Read and store the answers of `page` from `form`; returns errors by question id (msgid, params).

    `reading_for(question)` gives the question's `Reading` (its field name and the town's helpers).
    Answers that cannot be taken are not stored (the form shows them again as sent); answers to questions
    a condition now hides are removed. With `check_required` False (going back), a missing required
    answer is no error.
    """
    stored = stored_answers(response)
    known = known_answers(response)
    errors: dict[int, tuple[str, dict]] = {}
    for question in page.questions:
        known.values.pop(question.id, None)
        if not known.shows(question):
            if question.id in stored:
                response.answers.remove(stored.pop(question.id))
            continue
        kind = question_type(question.kind)
        reading = reading_for(question)
        try:
            answered = kind.read(question, reading)
        except AnswerError as error:
            errors[question.id] = (error.message, error.params)
            continue
        comment = reading.get("comment").replace("\r\n", "\n") if question.with_comment else ""
        if len(comment) > COMMENT_LENGTH:
            errors[question.id] = (N_("Please write at most {number} characters in the comment (now {count})."),
                                   {"number": COMMENT_LENGTH, "count": len(comment)})
            continue
        if answered.empty and check_required and question.required:
            errors[question.id] = (N_("Please answer this question."), {})
        _store(response, stored, question, answered, comment)
        if not answered.empty:
            known.values[question.id] = answered.value if answered.value is not None else "place"
    response.page_index = max(response.page_index, page.position)
    return errors


def _store(response: SurveyResponse, stored: dict[int, Answer], question: Question, answered: Answered,
           comment: str) -> None:
    answer = stored.get(question.id)
    if answered.empty and not comment:
        if answer is not None:
            response.answers.remove(answer)
            stored.pop(question.id)
        return
    if answer is None:
        answer = Answer(question_id=question.id)
        response.answers.append(answer)
        stored[question.id] = answer
    answer.value, answer.geometry, answer.comment = answered.value, answered.geometry, comment


def missing_on_page(response: SurveyResponse, page: SurveyPage) -> dict[int, tuple[str, dict]]:
    """Errors for the required questions of `page` that are shown and not answered."""
    known = known_answers(response)
    return {question.id: (N_("Please answer this question."), {}) for question in page.questions
            if question.required and known.shows(question) and known.values.get(question.id) in (None, "", [], {})}


def review(response: SurveyResponse) -> list[dict]:
    """The shown pages with their shown questions and the answers in words, for the review before sending:
    [{"number", "page", "rows": [{"question", "answer", "comment", "missing"}]}]."""
    known = known_answers(response)
    stored = stored_answers(response)
    pages = []
    for number, page in enumerate(response.survey.pages, start=1):
        rows = []
        for question in page.questions:
            if not known.shows(question):
                continue
            answer = stored.get(question.id)
            words = ""
            if answer is not None and (answer.value is not None or answer.geometry is not None):
                words = question_type(question.kind).describe(question, answer.value, answer.geometry)
            rows.append({"question": question, "answer": words, "comment": answer.comment if answer else "",
                         "missing": question.required and not words})
        if rows:
            pages.append({"number": number, "page": page, "rows": rows})
    return pages


def missing_page(response: SurveyResponse) -> int | None:
    """The index of the first shown page with a required question left unanswered, or None."""
    known = known_answers(response)
    for index, page in enumerate(response.survey.pages):
        for question in page.questions:
            if question.required and known.shows(question) and known.values.get(question.id) in (None, "", [], {}):
                return index
    return None


def send(response: SurveyResponse, user=None) -> SurveyResponse:
    """Send a draft: required answers must be there (Incomplete), the account must not have answered
    (AlreadyAnswered), the code must still be unused (CodeInvalid). Leaves the commit to the caller; on an
    exception the caller rolls back."""
    survey = response.survey
    missing = missing_page(response)
    if missing is not None:
        raise Incomplete(missing)
    _drop_hidden(response)
    if response.channel is Access.ACCOUNT:
        if response.user_id is None:  # sent meanwhile from another window, which cleared the link
            raise AlreadyAnswered()
        db.session.add(Participation(survey_id=survey.series, user_id=response.user_id))
        try:
            db.session.flush()
        except IntegrityError:
            raise AlreadyAnswered() from None
    elif response.channel is Access.CODE:
        taken = db.session.execute(update(AccessCode).where(
            AccessCode.id == response.access_code_id, AccessCode.used.is_(False)).values(used=True))
        if response.access_code_id is None or taken.rowcount != 1:
            raise CodeInvalid()
    # The sent response is a new row: the draft's id was linked to the account or code while it was a
    # draft (in backups too), so the answers move to a row that never was; the draft goes.
    sent = SurveyResponse(survey_id=survey.id, channel=response.channel, state=ResponseState.SENT,
                          sent_on=local_today(current_app.config["TIME_ZONE"]))
    db.session.add(sent)
    db.session.flush()
    db.session.execute(update(Answer).where(Answer.response_id == response.id).values(response_id=sent.id))
    taken = db.session.execute(delete(SurveyResponse).where(
        SurveyResponse.id == response.id, SurveyResponse.state == ResponseState.DRAFT))
    if taken.rowcount != 1:  # sent meanwhile from another window
        raise AlreadyAnswered()
    # Not `updated_at`: the time of the latest response would be kept there.
    db.session.execute(update(Survey).where(Survey.id == survey.id).values(
        responses_count=Survey.responses_count + 1, updated_at=Survey.updated_at))
    db.session.expire_all()
    current_app.logger.info("A response to survey %s was sent (%s)", survey.id, sent.channel)
    return sent


def _drop_hidden(response: SurveyResponse) -> None:
    """Answers to questions that a later change of an earlier answer hid are not sent."""
    known = known_answers(response, shown_only=True)
    for answer in list(response.answers):
        if answer.question_id not in known.values:
            response.answers.remove(answer)
    db.session.flush()


def make_codes(survey: Survey, count: int) -> int:
    """`count` new one-time codes (10 characters) as a new batch of the survey's series; returns the batch
    number."""
    series = survey.series
    batch = (db.session.scalar(select(db.func.max(AccessCode.batch)).where(AccessCode.survey_id == series))
             or 0) + 1
    existing = set(db.session.scalars(select(AccessCode.code).where(AccessCode.survey_id == series)))
    now = utcnow()
    made = 0
    while made < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        if code in existing:
            continue
        existing.add(code)
        db.session.add(AccessCode(survey_id=series, code=code, batch=batch, created_at=now))
        made += 1
    db.session.flush()
    return batch


def show_code(code: str) -> str:
    """A stored code as printed: two groups of five, "ACDEF-GHJKM"."""
    return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code
