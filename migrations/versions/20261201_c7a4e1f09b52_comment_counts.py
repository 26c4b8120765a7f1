"""comment counts: supports per comment, listed comments per subject and category, the pins' cluster index
and map version, indexes the list walks

Revision ID: c7a4e1f09b52
Revises: 72d273fcdd21
Create Date: 2026-12-01 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from geo.clusters import cells_of_point


# revision identifiers, used by Alembic.
revision = 'c7a4e1f09b52'
down_revision = '72d273fcdd21'
branch_labels = None
depends_on = None

#: The same rule as participation.comments.tallies.listed_clause, in SQL of both databases.
_FILL_TALLIES = """
INSERT INTO comment_tally (subject, project_id, statute_id, category_id, listed)
SELECT CASE WHEN c.project_id IS NOT NULL THEN 'project:' || c.project_id ELSE 'statute:' || c.statute_id END,
       c.project_id, c.statute_id, COALESCE(c.category_id, 0), count(*)
FROM comment c
WHERE c.parent_id IS NULL AND c.visibility IN ('published', 'hidden')
  AND (c.deleted_at IS NULL
       OR EXISTS (SELECT 1 FROM comment r WHERE r.parent_id = c.id AND r.visibility = 'published'))
GROUP BY c.project_id, c.statute_id, COALESCE(c.category_id, 0)
"""


def upgrade():
    # Plain ALTER TABLE (no batch rebuild on SQLite, which would drop the R*Tree's triggers).
    op.add_column('comment', sa.Column('support_count', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE comment SET support_count = (SELECT count(*) FROM support WHERE support.comment_id = comment.id)")
    op.drop_index('ix_comment_project_id', table_name='comment')
    op.drop_index('ix_comment_statute_id', table_name='comment')
    op.create_index('ix_comment_project_list', 'comment', ['project_id', 'created_at', 'id'])
    op.create_index('ix_comment_statute_list', 'comment', ['statute_id', 'created_at', 'id'])
    op.create_index('ix_comment_project_supported', 'comment', ['project_id', 'support_count', 'created_at', 'id'])
    op.create_index('ix_comment_statute_supported', 'comment', ['statute_id', 'support_count', 'created_at', 'id'])

    op.create_table('comment_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('statute_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject', 'category_id')
    )
    op.create_index('ix_comment_tally_project_id', 'comment_tally', ['project_id'])
    op.create_index('ix_comment_tally_statute_id', 'comment_tally', ['statute_id'])
    op.execute(_FILL_TALLIES)

    op.create_table('comment_cell',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('statute_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('zoom', sa.Integer(), nullable=False),
    sa.Column('cx', sa.Integer(), nullable=False),
    sa.Column('cy', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('sum_x', sa.Float(), nullable=False),
    sa.Column('sum_y', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject', 'zoom', 'cx', 'cy', 'category_id')
    )
    op.create_index('ix_comment_cell_project_id', 'comment_cell', ['project_id'])
    op.create_index('ix_comment_cell_statute_id', 'comment_cell', ['statute_id'])
    op.create_table('comment_version',
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('statute_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subject')
    )
    op.create_index('ix_comment_version_project_id', 'comment_version', ['project_id'])
    op.create_index('ix_comment_version_statute_id', 'comment_version', ['statute_id'])
    _fill_cells()


def _fill_cells():
    """The published pins counted into their cells at every zoom (geo/clusters.py)."""
    connection = op.get_bind()
    pins = connection.execute(sa.text(
        "SELECT project_id, statute_id, COALESCE(category_id, 0), min_x, min_y FROM comment "
        "WHERE parent_id IS NULL AND visibility = 'published' AND min_x IS NOT NULL"))
    cells = {}
    for project_id, statute_id, category_id, lon, lat in pins:
        for zoom, cx, cy in cells_of_point(lon, lat):
            cell = cells.setdefault((project_id, statute_id, category_id, zoom, cx, cy), [0, 0.0, 0.0])
            cell[0] += 1
            cell[1] += lon
            cell[2] += lat
    rows = [{"subject": f"project:{p}" if p is not None else f"statute:{s}", "project_id": p, "statute_id": s,
             "category_id": c, "zoom": z, "cx": x, "cy": y, "n": n, "sum_x": sx, "sum_y": sy}
            for (p, s, c, z, x, y), (n, sx, sy) in cells.items()]
    if rows:
        connection.execute(sa.text(
            "INSERT INTO comment_cell (subject, project_id, statute_id, category_id, zoom, cx, cy, n, sum_x, sum_y) "
            "VALUES (:subject, :project_id, :statute_id, :category_id, :zoom, :cx, :cy, :n, :sum_x, :sum_y)"), rows)


def downgrade():
    op.drop_index('ix_comment_version_statute_id', table_name='comment_version')
    op.drop_index('ix_comment_version_project_id', table_name='comment_version')
    op.drop_table('comment_version')
    op.drop_index('ix_comment_cell_statute_id', table_name='comment_cell')
    op.drop_index('ix_comment_cell_project_id', table_name='comment_cell')
    op.drop_table('comment_cell')
    op.drop_index('ix_comment_tally_statute_id', table_name='comment_tally')
    op.drop_index('ix_comment_tally_project_id', table_name='comment_tally')
    op.drop_table('comment_tally')
    op.drop_index('ix_comment_statute_supported', table_name='comment')
    op.drop_index('ix_comment_project_supported', table_name='comment')
    op.drop_index('ix_comment_statute_list', table_name='comment')
    op.drop_index('ix_comment_project_list', table_name='comment')
    op.create_index('ix_comment_statute_id', 'comment', ['statute_id'])
    op.create_index('ix_comment_project_id', 'comment', ['project_id'])
    op.drop_column('comment', 'support_count')
