"""usability: a town's boundary, edited and deleted comments, invited accounts

`municipality.boundary` is the town's boundary (MultiPolygon, EPSG:4326), set in
the town settings: project areas are checked against it and layer uploads that
do not touch it are warned about. `comment.edited_at` and `comment.deleted_at`
record a resident's own edit and deletion (a deleted comment with replies stays
as a placeholder). `user.invited_at` marks an account made by an invitation
that has not been accepted yet.

Only columns are added (no table is rebuilt), so SQLite keeps the comment
table's R*Tree triggers.

Layer versions imported before their vertex count was recorded get it now
(`report["vertex_count"]`), so that serving a layer never has to count the
vertices of all its features on a page view.

Revision ID: 8b41c7e2d9a6
Revises: 5d1f0c2b9e47
Create Date: 2026-11-30 21:20:00

"""
from alembic import op
import shapely
import sqlalchemy as sa

import participation.database.types

# revision identifiers, used by Alembic.
revision = '8b41c7e2d9a6'
down_revision = '5d1f0c2b9e47'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('municipality', sa.Column(
        'boundary', participation.database.types.Geometry('MULTIPOLYGON', srid=4326), nullable=True))
    op.add_column('comment', sa.Column('edited_at', participation.database.types.UTCDateTime(), nullable=True))
    op.add_column('comment', sa.Column('deleted_at', participation.database.types.UTCDateTime(), nullable=True))
    op.add_column('user', sa.Column('invited_at', participation.database.types.UTCDateTime(), nullable=True))
    _record_vertex_counts()


def _record_vertex_counts():
    connection = op.get_bind()
    versions = sa.table('layer_version', sa.column('id', sa.Integer), sa.column('report', sa.JSON))
    features = sa.table('layer_feature', sa.column('version_id', sa.Integer),
                        sa.column('geometry', participation.database.types.Geometry('GEOMETRY')))
    for row in connection.execute(sa.select(versions.c.id, versions.c.report)).all():
        report = dict(row.report or {})
        if isinstance(report.get('vertex_count'), int):
            continue
        count = 0
        result = connection.execute(sa.select(features.c.geometry).where(features.c.version_id == row.id)
                                    .execution_options(yield_per=2000))
        for chunk in result.partitions():
            count += int(shapely.get_num_coordinates([g for (g,) in chunk if g is not None]).sum())
        report['vertex_count'] = count
        connection.execute(versions.update().where(versions.c.id == row.id).values(report=report))


def downgrade():
    # SQLite can drop a column in place (3.35+): no rebuild, the R*Tree triggers stay.
    op.drop_column('user', 'invited_at')
    op.drop_column('comment', 'deleted_at')
    op.drop_column('comment', 'edited_at')
    op.drop_column('municipality', 'boundary')
