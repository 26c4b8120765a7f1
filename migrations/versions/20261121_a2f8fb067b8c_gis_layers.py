"""gis layers

Revision ID: a2f8fb067b8c
Revises: 01ebfb31fee2
Create Date: 2026-11-21 16:25:38.482890

"""
from alembic import op
import sqlalchemy as sa

import participation.database.types
from participation.database import spatial

FEATURES = spatial.SpatialTable("layer_feature", "geometry")


# revision identifiers, used by Alembic.
revision = 'a2f8fb067b8c'
down_revision = '01ebfb31fee2'
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table('layer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('attribution', sa.String(length=300), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_layer_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_layer_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layer'))
    )
    with op.batch_alter_table('layer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layer_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('layer_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('layer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('original_filename', sa.String(length=300), nullable=False),
    sa.Column('source_layer', sa.String(length=200), nullable=False),
    sa.Column('source_epsg', sa.Integer(), nullable=True),
    sa.Column('source_crs_name', sa.String(length=300), nullable=False),
    sa.Column('feature_count', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['layer_id'], ['layer.id'], name=op.f('fk_layer_version_layer_id_layer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_layer_version_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layer_version')),
    sa.UniqueConstraint('layer_id', 'number', name=op.f('uq_layer_version_layer_id'))
    )
    with op.batch_alter_table('layer_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layer_version_layer_id'), ['layer_id'], unique=False)

    op.create_table('layer_feature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('geometry', participation.database.types.Geometry('GEOMETRY', srid=4326), nullable=False),
    sa.Column('properties', sa.JSON(), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['layer_version.id'], name=op.f('fk_layer_feature_version_id_layer_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layer_feature'))
    )
    with op.batch_alter_table('layer_feature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layer_feature_version_id'), ['version_id'], unique=False)

    # layer and layer_version point at each other: the second key comes last.
    with op.batch_alter_table('layer', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_layer_current_version_id_layer_version'), 'layer_version',
                                    ['current_version_id'], ['id'], ondelete='SET NULL')
    for statement in spatial.index_ddl(dialect, FEATURES):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in spatial.drop_ddl(dialect, FEATURES):
        op.execute(statement)
    with op.batch_alter_table('layer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_layer_current_version_id_layer_version'), type_='foreignkey')
    with op.batch_alter_table('layer_feature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layer_feature_version_id'))

    op.drop_table('layer_feature')
    with op.batch_alter_table('layer_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layer_version_layer_id'))

    op.drop_table('layer_version')
    with op.batch_alter_table('layer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layer_municipality_id'))

    op.drop_table('layer')
