"""one map attachment for any page: map + map_layer replace project_layer

Every project gets a map (its id becomes the map's id) and its layers move
from project_layer to map_layer, in the same order and visibility.

Revision ID: 3c9e51d0a7b2
Revises: 6fa3ffee54d4
Create Date: 2026-11-30 18:00:00

"""
from alembic import op
import sqlalchemy as sa

from participation.database import spatial

# revision identifiers, used by Alembic.
revision = '3c9e51d0a7b2'
down_revision = '6fa3ffee54d4'
branch_labels = None
depends_on = None

PROJECT = spatial.SpatialTable("project", "area")


def _restore_project_triggers():
    """SQLite batch mode rebuilds `project`, which drops the triggers that keep its R*Tree in step
    (the R*Tree itself and its rows stay valid: ids are kept)."""
    if op.get_bind().dialect.name == "sqlite":
        triggers = spatial.sqlite_drop_ddl(PROJECT)[:-1] + spatial.sqlite_index_ddl(PROJECT)[1:]
        for statement in triggers:  # drop any that survived, then create all three
            op.execute(statement)


def upgrade():
    op.create_table('map',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_map'))
    )
    op.create_table('map_layer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('layer_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['layer_id'], ['layer.id'], name=op.f('fk_map_layer_layer_id_layer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['map_id'], ['map.id'], name=op.f('fk_map_layer_map_id_map'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_map_layer')),
    sa.UniqueConstraint('map_id', 'layer_id', name=op.f('uq_map_layer_map_id'))
    )
    with op.batch_alter_table('map_layer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_map_layer_layer_id'), ['layer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_map_layer_map_id'), ['map_id'], unique=False)

    # One map per project, with the project's id; its layers as they were.
    op.execute("INSERT INTO map (id) SELECT id FROM project")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('map', 'id'), COALESCE((SELECT max(id) FROM map), 0) + 1, false)")
    op.execute("INSERT INTO map_layer (map_id, layer_id, position, visible) "
               "SELECT project_id, layer_id, position, visible FROM project_layer")

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('map_id', sa.Integer(), nullable=True))
    op.execute("UPDATE project SET map_id = id")
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.alter_column('map_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_project_map_id'), ['map_id'])
        batch_op.create_foreign_key(batch_op.f('fk_project_map_id_map'), 'map', ['map_id'], ['id'])
    _restore_project_triggers()

    with op.batch_alter_table('project_layer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_layer_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_layer_layer_id'))
    op.drop_table('project_layer')


def downgrade():
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
    op.execute("INSERT INTO project_layer (project_id, layer_id, position, visible) "
               "SELECT project.id, map_layer.layer_id, map_layer.position, map_layer.visible "
               "FROM map_layer JOIN project ON project.map_id = map_layer.map_id")

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_project_map_id_map'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_project_map_id'), type_='unique')
        batch_op.drop_column('map_id')
    _restore_project_triggers()

    with op.batch_alter_table('map_layer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_map_layer_map_id'))
        batch_op.drop_index(batch_op.f('ix_map_layer_layer_id'))
    op.drop_table('map_layer')
    op.drop_table('map')
