"""layer styles, uploads and project layers

Revision ID: 6fa3ffee54d4
Revises: a2f8fb067b8c
Create Date: 2026-11-21 17:31:41.819694

"""
from alembic import op
import sqlalchemy as sa

import participation.database.types


# revision identifiers, used by Alembic.
revision = '6fa3ffee54d4'
down_revision = 'a2f8fb067b8c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('project_layer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('layer_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['layer_id'], ['layer.id'], name=op.f('fk_project_layer_layer_id_layer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_layer_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_layer')),
    sa.UniqueConstraint('project_id', 'layer_id', name=op.f('uq_project_layer_project_id'))
    )
    with op.batch_alter_table('project_layer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_layer_layer_id'), ['layer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_layer_project_id'), ['project_id'], unique=False)

    op.create_table('layer_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('layer_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('checking', 'needs_choice', 'failed', 'ready', 'published', 'discarded', name='uploadstatus', native_enum=False, length=20), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('original_filename', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('attribution', sa.String(length=300), nullable=False),
    sa.Column('source_layer', sa.String(length=200), nullable=True),
    sa.Column('crs', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('message_params', sa.JSON(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_layer_upload_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['layer_id'], ['layer.id'], name=op.f('fk_layer_upload_layer_id_layer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_layer_upload_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_layer_upload_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['layer_version.id'], name=op.f('fk_layer_upload_version_id_layer_version'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layer_upload'))
    )
    with op.batch_alter_table('layer_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layer_upload_municipality_id'), ['municipality_id'], unique=False)

    with op.batch_alter_table('layer', schema=None) as batch_op:
        # Existing layers are uploads with the default look and no popup.
        batch_op.add_column(sa.Column('kind', sa.Enum('vector', 'wms', 'wmts', name='layerkind', native_enum=False, length=20), nullable=False, server_default='vector'))
        batch_op.add_column(sa.Column('style', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('popup', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('service', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('layer', schema=None) as batch_op:
        batch_op.drop_column('service')
        batch_op.drop_column('popup')
        batch_op.drop_column('style')
        batch_op.drop_column('kind')

    with op.batch_alter_table('layer_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layer_upload_municipality_id'))

    op.drop_table('layer_upload')
    with op.batch_alter_table('project_layer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_layer_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_layer_layer_id'))

    op.drop_table('project_layer')
