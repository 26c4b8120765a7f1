"""exports: the planners' exports (format, scope, file, expiry) and their jobs

Revision ID: dba1fda3da79
Revises: 676905ee69e7
Create Date: 2026-12-01 08:14:11.986126

"""
from alembic import op
import sqlalchemy as sa

import participation.database.types


# revision identifiers, used by Alembic.
revision = 'dba1fda3da79'
down_revision = '676905ee69e7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('statute_id', sa.Integer(), nullable=True),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('format', sa.Enum('xlsx', 'csv', 'geojson', 'gpkg', 'weighing-xlsx', name='exportformat', native_enum=False, length=20), nullable=False),
    sa.Column('crs', sa.Integer(), nullable=False),
    sa.Column('grouping', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('status', sa.Enum('running', 'ready', 'failed', name='exportstatus', native_enum=False, length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('expires_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_export_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_export_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_export_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], name=op.f('fk_export_statute_id_statute'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_export_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export'))
    )
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_user_id'))
        batch_op.drop_index(batch_op.f('ix_export_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_export_expires_at'))

    op.drop_table('export')
