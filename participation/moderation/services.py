"""The moderators' actions on comments and accounts. Each writes a line to the moderation log and
settles the comment's open reports with what was done; the caller commits."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from participation.accounts.permissions import works_for
from participation.cache import invalidate
from participation.comments.models import Comment, ModerationAction, Report, Visibility
from participation.comments.services import comments_scope
from participation.comments.subjects import belongs_to, of_town
from participation.database.mixins import utcnow
from participation.extensions import db
from participation.loaders import get_by_id
from participation.moderation import audit
from participation.moderation.queries import block_of
from participation.municipalities.models import Municipality, TownBlock
from participation.municipalities.permissions import forget_blocks

#: What a reporter is told the moderators did (Report.outcome).
HIDDEN, KEPT, DUPLICATE = "hidden", "kept", "duplicate"


class ModerationRefused(ValueError):
    """The action does not fit the comment or account; the message says why, translated."""


def _settle_reports(comment: Comment, outcome: str) -> int:
    """Mark the comment's open reports as handled with `outcome`; how many there were."""
    reports = db.session.scalars(select(Report).where(Report.comment_id == comment.id, Report.is_resolved.is_(False)))
    now = utcnow()
    count = 0
    for report in reports:
        report.is_resolved, report.outcome, report.handled_at = True, outcome, now
        count += 1
    return count


def _done(comment: Comment, moderator, action: ModerationAction, reason: str, outcome: str) -> None:
    audit.record(comment.subject.municipality_id, moderator, action, reason, comment=comment)
    _settle_reports(comment, outcome)
    invalidate(comments_scope(comment.subject))
    current_app.logger.info("Moderator %s: %s comment %s", moderator.id, action.value, comment.id)


def approve(comment: Comment, moderator) -> bool:
    """Publish a comment waiting for approval; False (nothing done) for any other comment."""
    if comment.visibility is not Visibility.PENDING:
        return False
    comment.visibility = Visibility.PUBLISHED
    _done(comment, moderator, ModerationAction.APPROVED, "", KEPT)
    return True


def hide(comment: Comment, moderator, reason: str) -> bool:
    """Hide a published comment: the public sees "removed by moderation: `reason`" in its place and the
    record stays. One waiting for approval is rejected: the public never sees it. False (nothing done)
    if it is hidden or rejected already."""
    if comment.is_removed:
        return False
    comment.visibility = Visibility.REJECTED if comment.visibility is Visibility.PENDING else Visibility.HIDDEN
    comment.hidden_reason = reason
    _done(comment, moderator, ModerationAction.HIDDEN, reason, HIDDEN)
    return True


def restore(comment: Comment, moderator) -> bool:
    """Publish a hidden or rejected comment (again); False (nothing done) if it is neither."""
    if not comment.is_removed:
        return False
    comment.visibility = Visibility.PUBLISHED
    comment.hidden_reason = ""
    _done(comment, moderator, ModerationAction.RESTORED, "", KEPT)
    return True


def keep(comment: Comment, moderator) -> bool:
    """The reports do not call for action: they are settled and the comment stays; False if none was open."""
    if not db.session.scalar(select(Report.id).where(Report.comment_id == comment.id, Report.is_resolved.is_(False))):
        return False
    _done(comment, moderator, ModerationAction.REPORTS_DISMISSED, "", KEPT)
    return True


def original_for(comment: Comment, number: int | None) -> Comment:
    """The comment that `comment` repeats, named by its number; raises ModerationRefused with the reason
    it cannot be (another subject, itself, a reply, not public, itself a duplicate)."""
    if comment.parent_id is not None:
        raise ModerationRefused(_("Only top-level comments can be marked as duplicates."))
    if number is None:
        raise ModerationRefused(_("Please enter the number of the comment this one repeats."))
    original = get_by_id(Comment, number)
    if original is None or not belongs_to(original, comment.subject) or original.deleted_at is not None:
        raise ModerationRefused(_("Comment no. {number} is not a comment on the same project or statute.").format(
            number=number))
    if original.id == comment.id:
        raise ModerationRefused(_("A comment cannot be a duplicate of itself."))
    if original.parent_id is not None:
        raise ModerationRefused(_("Comment no. {number} is a reply. Please choose a top-level comment.").format(
            number=number))
    if not original.is_published:
        raise ModerationRefused(_("Comment no. {number} is not shown publicly. Please choose a published comment.")
                                .format(number=number))
    if original.duplicate_of_id is not None:
        raise ModerationRefused(_("Comment no. {number} is itself marked as a duplicate. Please choose the comment "
                                  "it repeats.").format(number=number))
    return original


def mark_duplicate(comment: Comment, original: Comment, moderator) -> None:
    """Say publicly that `comment` makes the same point as `original` (checked by `original_for`)."""
    comment.duplicate_of_id = original.id
    _done(comment, moderator, ModerationAction.DUPLICATE, _("Same point as comment no. {number}").format(
        number=original.id), DUPLICATE)


def block(town: Municipality, comment: Comment, moderator, reason: str) -> TownBlock:
    """Block the author of `comment` from writing in `town`. Raises ModerationRefused for a comment
    without an account, the town's own staff, or an account blocked already."""
    author = comment.author
    if author is None or comment.on_behalf:
        raise ModerationRefused(_("This comment has no account that could be blocked."))
    if works_for(author, town):
        raise ModerationRefused(_("The town's own staff cannot be blocked."))
    if block_of(town, author.id) is not None:
        raise ModerationRefused(_("This account is blocked already."))
    item = TownBlock(municipality_id=town.id, user_id=author.id, reason=reason, blocked_by_id=moderator.id)
    db.session.add(item)
    forget_blocks()
    audit.record(town.id, moderator, ModerationAction.ACCOUNT_BLOCKED, reason, comment=comment, user_id=author.id)
    current_app.logger.info("Moderator %s blocked user %s in %s", moderator.id, author.id, town.slug)
    return item


def unblock(town: Municipality, comment: Comment, moderator) -> bool:
    """Let the author of `comment` write in `town` again; False if the account was not blocked."""
    item = block_of(town, comment.author_id)
    if item is None:
        return False
    db.session.delete(item)
    forget_blocks()
    audit.record(town.id, moderator, ModerationAction.ACCOUNT_UNBLOCKED, "", comment=comment, user_id=item.user_id)
    current_app.logger.info("Moderator %s unblocked user %s in %s", moderator.id, item.user_id, town.slug)
    return True


def comments_in_town(town: Municipality, ids: list[int]) -> list[Comment] | None:
    """The comments with these ids, in id order, or None if any of them is not on the town's projects
    and statutes (or does not exist): a bulk action then does nothing at all."""
    wanted = sorted(set(ids))
    found = list(db.session.scalars(
        select(Comment).where(Comment.id.in_(wanted), of_town(town.id)).order_by(Comment.id)))
    return found if [c.id for c in found] == wanted else None
