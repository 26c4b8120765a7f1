"""planners' work: moderation, official answers, weighing, input on behalf, photos, follows

A comment's `visibility` (pending/published/hidden, with the reason) replaces
`is_removed`; it gets a `state`, an `official_answer`, a weighing `decision`
with reasoning, its `channel` and, for input entered on someone's behalf, the
day received, who entered it and the sender; `comment_photo` and
`comment_attachment` files. Projects and statutes get `pre_moderation` and
`results_published_at`; reports what was done with them. `moderation_event`
is the moderation log, `town_block` blocks an account in a town; `follow`,
`mail_opt_out` and `sent_notice` are for notifications.

Downgrading keeps hidden and pending comments out of sight (`is_removed`) and
drops everything else.

Revision ID: 676905ee69e7
Revises: 2d515e8b10a3
Create Date: 2026-12-01 03:50:40.384441

"""
from alembic import op
import sqlalchemy as sa

import participation.database.types
from participation.database import spatial


# revision identifiers, used by Alembic.
revision = '676905ee69e7'
down_revision = '2d515e8b10a3'
branch_labels = None
depends_on = None

COMMENT = spatial.SpatialTable("comment", "location")


def _restore_comment_triggers():
    """SQLite batch mode rebuilds `comment`, which drops the triggers of its R*Tree (see 2d515e8b10a3)."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in spatial.sqlite_drop_ddl(COMMENT)[:-1] + spatial.sqlite_index_ddl(COMMENT)[1:]:
            op.execute(statement)


def upgrade():
    op.create_table('mail_opt_out',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_opt_out')),
    sa.UniqueConstraint('address_key', 'kind', name=op.f('uq_mail_opt_out_address_key'))
    )
    with op.batch_alter_table('mail_opt_out', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_opt_out_address_key'), ['address_key'], unique=False)

    op.create_table('sent_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_notice')),
    sa.UniqueConstraint('key', name=op.f('uq_sent_notice_key'))
    )
    op.create_table('moderation_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('action', sa.Enum('approved', 'hidden', 'restored', 'duplicate', 'reports_dismissed', 'account_blocked', 'account_unblocked', name='moderationaction', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_moderation_event_municipality_id_municipality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_event'))
    )
    with op.batch_alter_table('moderation_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_event_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_event_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('official_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_official_answer_author_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_answer'))
    )
    op.create_table('town_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('blocked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blocked_by_id'], ['user.id'], name=op.f('fk_town_block_blocked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_town_block_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_town_block_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_town_block')),
    sa.UniqueConstraint('municipality_id', 'user_id', name=op.f('uq_town_block_municipality_id'))
    )
    with op.batch_alter_table('town_block', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_town_block_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_town_block_user_id'), ['user_id'], unique=False)

    op.create_table('follow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('statute_id', sa.Integer(), nullable=True),
    sa.Column('location', participation.database.types.Geometry('POINT', srid=4326), nullable=True),
    sa.Column('radius_m', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(CASE WHEN project_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN statute_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN location IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_follow_one_target')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_follow_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_follow_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], name=op.f('fk_follow_statute_id_statute'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_follow_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow'))
    )
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_statute_id'), ['statute_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_user_id'), ['user_id'], unique=False)

    op.create_table('comment_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_attachment_comment_id_comment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_comment_attachment_stored_name'))
    )
    with op.batch_alter_table('comment_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_attachment_comment_id'), ['comment_id'], unique=False)

    op.create_table('comment_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('thumbnail_name', sa.String(length=100), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_photo_comment_id_comment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_photo')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_comment_photo_stored_name')),
    sa.UniqueConstraint('thumbnail_name', name=op.f('uq_comment_photo_thumbnail_name'))
    )
    with op.batch_alter_table('comment_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_photo_comment_id'), ['comment_id'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.Enum('pending', 'published', 'hidden', name='visibility', native_enum=False, length=20), server_default='published', nullable=False))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('state', sa.Enum('received', 'in_review', 'answered', name='commentstate', native_enum=False, length=20), server_default='received', nullable=False))
        batch_op.add_column(sa.Column('answer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision', sa.Enum('accepted', 'partly_accepted', 'not_accepted', 'noted', name='decision', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('decision_reasoning', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('decided_at', participation.database.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('notify_on_answer', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('channel', sa.Enum('online', 'letter', 'email', 'workshop', name='channel', native_enum=False, length=20), server_default='online', nullable=False))
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sender_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sender_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_comment_answer_id'), ['answer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_comment_duplicate_of_id_comment'), 'comment', ['duplicate_of_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_comment_answer_id_official_answer'), 'official_answer', ['answer_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_comment_entered_by_id_user'), 'user', ['entered_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_comment_decided_by_id_user'), 'user', ['decided_by_id'], ['id'], ondelete='SET NULL')
    op.execute("UPDATE comment SET visibility = 'hidden' WHERE is_removed")
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('is_removed')
    _restore_comment_triggers()

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pre_moderation', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('results_published_at', participation.database.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('handled_at', participation.database.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('statute', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pre_moderation', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('results_published_at', participation.database.types.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('statute', schema=None) as batch_op:
        batch_op.drop_column('results_published_at')
        batch_op.drop_column('pre_moderation')

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('handled_at')
        batch_op.drop_column('outcome')

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('results_published_at')
        batch_op.drop_column('pre_moderation')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_removed', sa.BOOLEAN(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE comment SET is_removed = (visibility <> 'published')")
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comment_decided_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_comment_entered_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_comment_answer_id_official_answer'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_comment_duplicate_of_id_comment'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_comment_answer_id'))
        batch_op.drop_column('sender_email')
        batch_op.drop_column('sender_name')
        batch_op.drop_column('entered_by_id')
        batch_op.drop_column('received_on')
        batch_op.drop_column('channel')
        batch_op.drop_column('notify_on_answer')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decision_reasoning')
        batch_op.drop_column('decision')
        batch_op.drop_column('answer_id')
        batch_op.drop_column('state')
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('visibility')
    _restore_comment_triggers()

    with op.batch_alter_table('comment_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_photo_comment_id'))

    op.drop_table('comment_photo')
    with op.batch_alter_table('comment_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_attachment_comment_id'))

    op.drop_table('comment_attachment')
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_user_id'))
        batch_op.drop_index(batch_op.f('ix_follow_statute_id'))
        batch_op.drop_index(batch_op.f('ix_follow_project_id'))
        batch_op.drop_index(batch_op.f('ix_follow_municipality_id'))

    op.drop_table('follow')
    with op.batch_alter_table('town_block', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_town_block_user_id'))
        batch_op.drop_index(batch_op.f('ix_town_block_municipality_id'))

    op.drop_table('town_block')
    op.drop_table('official_answer')
    with op.batch_alter_table('moderation_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_event_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_event_comment_id'))

    op.drop_table('moderation_event')
    op.drop_table('sent_notice')
    with op.batch_alter_table('mail_opt_out', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_opt_out_address_key'))

    op.drop_table('mail_opt_out')
