"""surveys: pages of questions, responses without accounts, participations, access codes; exports of surveys

Revision ID: 72d273fcdd21
Revises: dba1fda3da79
Create Date: 2026-12-01 14:20:12.000801

"""
from alembic import op
import sqlalchemy as sa

import participation.database.types


# revision identifiers, used by Alembic.
revision = '72d273fcdd21'
down_revision = 'dba1fda3da79'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('statute_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'closed', name='surveystate', native_enum=False, length=20), nullable=False),
    sa.Column('access', sa.Enum('account', 'code', 'open', name='access', native_enum=False, length=20), nullable=False),
    sa.Column('results_public', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('responses_count', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_survey_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['map_id'], ['map.id'], name=op.f('fk_survey_map_id_map')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_survey_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_id'], ['survey.id'], name=op.f('fk_survey_previous_id_survey'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['survey.id'], name=op.f('fk_survey_series_id_survey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_survey_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], name=op.f('fk_survey_statute_id_statute'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey')),
    sa.UniqueConstraint('map_id', name=op.f('uq_survey_map_id'))
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_statute_id'), ['statute_id'], unique=False)

    op.create_table('access_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('batch', sa.Integer(), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_access_code_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_code')),
    sa.UniqueConstraint('survey_id', 'code', name=op.f('uq_access_code_survey_id'))
    )
    with op.batch_alter_table('access_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_code_survey_id'), ['survey_id'], unique=False)

    op.create_table('participation',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_participation_survey_id_survey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_participation_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'user_id', name=op.f('pk_participation'))
    )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_user_id'), ['user_id'], unique=False)

    op.create_table('survey_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_page_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_page'))
    )
    with op.batch_alter_table('survey_page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_page_survey_id'), ['survey_id'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('page_position', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('help', sa.String(length=1000), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('with_comment', sa.Boolean(), nullable=False),
    sa.Column('demographic', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('condition_question_id', sa.Integer(), nullable=True),
    sa.Column('condition_value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['condition_question_id'], ['question.id'], name=op.f('fk_question_condition_question_id_question'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['page_id'], ['survey_page.id'], name=op.f('fk_question_page_id_survey_page'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_question_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'sent', name='responsestate', native_enum=False, length=20), nullable=False),
    sa.Column('channel', sa.Enum('account', 'code', 'open', name='access', native_enum=False, length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('access_code_id', sa.Integer(), nullable=True),
    sa.Column('page_index', sa.Integer(), nullable=False),
    sa.Column('started_at', participation.database.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['access_code_id'], ['access_code.id'], name=op.f('fk_survey_response_access_code_id_access_code'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_response_survey_id_survey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_survey_response_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_sent_on'), ['sent_on'], unique=False)
        batch_op.create_index('ix_survey_response_survey_state', ['survey_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_token_hash'), ['token_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_user_id'), ['user_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('geometry', participation.database.types.Geometry('GEOMETRY', srid=4326), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_answer_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], name=op.f('fk_answer_response_id_survey_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_answer_response_id'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_export_survey_id_survey'), 'survey', ['survey_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_export_survey_id_survey'), type_='foreignkey')
        batch_op.drop_column('survey_id')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_question_id'))

    op.drop_table('answer')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_user_id'))
        batch_op.drop_index(batch_op.f('ix_survey_response_token_hash'))
        batch_op.drop_index('ix_survey_response_survey_state')
        batch_op.drop_index(batch_op.f('ix_survey_response_sent_on'))

    op.drop_table('survey_response')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_survey_id'))
        batch_op.drop_index(batch_op.f('ix_question_page_id'))

    op.drop_table('question')
    with op.batch_alter_table('survey_page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_page_survey_id'))

    op.drop_table('survey_page')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_user_id'))

    op.drop_table('participation')
    with op.batch_alter_table('access_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_code_survey_id'))

    op.drop_table('access_code')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_statute_id'))
        batch_op.drop_index(batch_op.f('ix_survey_series_id'))
        batch_op.drop_index(batch_op.f('ix_survey_project_id'))
        batch_op.drop_index(batch_op.f('ix_survey_municipality_id'))

    op.drop_table('survey')
