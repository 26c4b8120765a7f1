"""statutes and addresses: statutes with text, documents and periods; comments on statutes; address lists

`statute` (with its map, area, legal status and full-text column), its
`statute_section`/`statute_paragraph` text, `statute_document` files and
`statute_period` participation periods with their `period_change` history;
`address_list`/`address`, a town's imported address list.

A comment now belongs to a project or a statute (`ck_comment_one_subject`) and
may point at a paragraph (`paragraph_anchor` is kept for the exports) and a
plan object; a formal comment has its receipt `reference`. Making
`comment.project_id` nullable rebuilds the table on SQLite, so the triggers of
its R*Tree are made again. Spatial indexes on `statute.area` and
`address.location`; full-text search on `statute.search_text` (GIN with the
German configuration on PostgreSQL, FTS5 on SQLite).

Downgrading deletes the comments on statutes (project_id cannot be empty there).

Revision ID: 2d515e8b10a3
Revises: 8b41c7e2d9a6
Create Date: 2026-12-01 01:50:47.650054

"""
from alembic import op
import sqlalchemy as sa

import participation.database.types
from participation.database import fulltext, spatial


# revision identifiers, used by Alembic.
revision = '2d515e8b10a3'
down_revision = '8b41c7e2d9a6'
branch_labels = None
depends_on = None

STATUTE = spatial.SpatialTable("statute", "area")
ADDRESS = spatial.SpatialTable("address", "location")
COMMENT = spatial.SpatialTable("comment", "location")
STATUTE_TEXT = fulltext.FullTextTable("statute", "search_text")


def _restore_comment_triggers():
    """SQLite batch mode rebuilds `comment`, which drops the triggers that keep its R*Tree in step
    (the R*Tree itself and its rows stay valid: ids are kept)."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in spatial.sqlite_drop_ddl(COMMENT)[:-1] + spatial.sqlite_index_ddl(COMMENT)[1:]:
            op.execute(statement)


def upgrade():
    op.create_table('address_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('imported_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('address_count', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_address_list_imported_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_address_list_municipality_id_municipality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address_list')),
    sa.UniqueConstraint('municipality_id', name=op.f('uq_address_list_municipality_id'))
    )
    op.create_table('statute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('bebauungsplan', 'vorhabenbezogen', 'fnp_aenderung', 'erhaltungssatzung', 'gestaltungssatzung', 'veraenderungssperre', 'other', name='statutekind', native_enum=False, length=20), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.Enum('planning_decision', 'early_participation', 'public_display', 'adopted', 'in_force', 'repealed', name='legalstatus', native_enum=False, length=20), nullable=False),
    sa.Column('published_at', participation.database.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('planning_decision_on', sa.Date(), nullable=True),
    sa.Column('adopted_on', sa.Date(), nullable=True),
    sa.Column('in_force_from', sa.Date(), nullable=True),
    sa.Column('repealed_on', sa.Date(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('area', participation.database.types.Geometry('MULTIPOLYGON', srid=4326), nullable=True),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('xplan_id', sa.String(length=200), nullable=True),
    sa.Column('xplan_version', sa.String(length=10), server_default='', nullable=False),
    sa.Column('receipt_counter', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_statute_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['map_id'], ['map.id'], name=op.f('fk_statute_map_id_map')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_statute_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['statute.id'], name=op.f('fk_statute_replaced_by_id_statute'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statute')),
    sa.UniqueConstraint('map_id', name=op.f('uq_statute_map_id'))
    )
    with op.batch_alter_table('statute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statute_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statute_replaced_by_id'), ['replaced_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statute_xplan_id'), ['xplan_id'], unique=False)

    op.create_table('address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('house_number', sa.String(length=20), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('street_key', sa.String(length=200), nullable=False),
    sa.Column('location', participation.database.types.Geometry('POINT', srid=4326), nullable=False),
    sa.Column('min_x', sa.Float(), nullable=True),
    sa.Column('min_y', sa.Float(), nullable=True),
    sa.Column('max_x', sa.Float(), nullable=True),
    sa.Column('max_y', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['list_id'], ['address_list.id'], name=op.f('fk_address_list_id_address_list'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_address_municipality_id_municipality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address'))
    )
    with op.batch_alter_table('address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_list_id'), ['list_id'], unique=False)
        batch_op.create_index('ix_address_town_street_key', ['municipality_id', 'street_key'], unique=False,
                              postgresql_ops={'street_key': 'text_pattern_ops'})

    op.create_table('statute_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statute_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('plan', 'justification', 'environmental_report', 'legal_text', 'announcement', 'other', name='documentkind', native_enum=False), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('overlay_bounds', sa.JSON(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], name=op.f('fk_statute_document_statute_id_statute'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_statute_document_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statute_document')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_statute_document_stored_name'))
    )
    with op.batch_alter_table('statute_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statute_document_statute_id'), ['statute_id'], unique=False)

    op.create_table('statute_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statute_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('early', 'display', name='periodkind', native_enum=False, length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_statute_period_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], name=op.f('fk_statute_period_statute_id_statute'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statute_period'))
    )
    with op.batch_alter_table('statute_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statute_period_statute_id'), ['statute_id'], unique=False)

    op.create_table('statute_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statute_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], name=op.f('fk_statute_section_statute_id_statute'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statute_section'))
    )
    with op.batch_alter_table('statute_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statute_section_statute_id'), ['statute_id'], unique=False)

    op.create_table('period_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', participation.database.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('old_starts_on', sa.Date(), nullable=False),
    sa.Column('old_ends_on', sa.Date(), nullable=False),
    sa.Column('new_starts_on', sa.Date(), nullable=False),
    sa.Column('new_ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_period_change_changed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['period_id'], ['statute_period.id'], name=op.f('fk_period_change_period_id_statute_period'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_change'))
    )
    with op.batch_alter_table('period_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_change_period_id'), ['period_id'], unique=False)

    op.create_table('statute_paragraph',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statute_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('anchor', sa.String(length=40), nullable=False),
    sa.Column('plan_objects', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['statute_section.id'], name=op.f('fk_statute_paragraph_section_id_statute_section'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statute_id'], ['statute.id'], name=op.f('fk_statute_paragraph_statute_id_statute'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statute_paragraph')),
    sa.UniqueConstraint('statute_id', 'anchor', name=op.f('uq_statute_paragraph_statute_id'))
    )
    with op.batch_alter_table('statute_paragraph', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statute_paragraph_section_id'), ['section_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statute_paragraph_statute_id'), ['statute_id'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statute_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('paragraph_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('paragraph_anchor', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('plan_object_layer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('plan_object_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reference', sa.String(length=40), nullable=True))
        batch_op.alter_column('project_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_comment_statute_id'), ['statute_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_comment_reference'), ['reference'])
        batch_op.create_foreign_key(batch_op.f('fk_comment_plan_object_layer_id_layer'), 'layer', ['plan_object_layer_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_comment_paragraph_id_statute_paragraph'), 'statute_paragraph', ['paragraph_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_comment_statute_id_statute'), 'statute', ['statute_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('one_subject', '(project_id IS NULL) <> (statute_id IS NULL)')
    _restore_comment_triggers()

    dialect = op.get_bind().dialect.name
    for statement in (spatial.index_ddl(dialect, STATUTE) + spatial.index_ddl(dialect, ADDRESS)
                      + fulltext.index_ddl(dialect, STATUTE_TEXT)):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in (fulltext.drop_ddl(dialect, STATUTE_TEXT) + spatial.drop_ddl(dialect, ADDRESS)
                      + spatial.drop_ddl(dialect, STATUTE)):
        op.execute(statement)
    op.execute("DELETE FROM comment WHERE statute_id IS NOT NULL")
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint('one_subject', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_comment_statute_id_statute'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_comment_paragraph_id_statute_paragraph'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_comment_plan_object_layer_id_layer'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_comment_reference'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_comment_statute_id'))
        batch_op.alter_column('project_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('reference')
        batch_op.drop_column('plan_object_id')
        batch_op.drop_column('plan_object_layer_id')
        batch_op.drop_column('paragraph_anchor')
        batch_op.drop_column('paragraph_id')
        batch_op.drop_column('statute_id')
    _restore_comment_triggers()

    with op.batch_alter_table('statute_paragraph', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statute_paragraph_statute_id'))
        batch_op.drop_index(batch_op.f('ix_statute_paragraph_section_id'))

    op.drop_table('statute_paragraph')
    with op.batch_alter_table('period_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_change_period_id'))

    op.drop_table('period_change')
    with op.batch_alter_table('statute_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statute_section_statute_id'))

    op.drop_table('statute_section')
    with op.batch_alter_table('statute_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statute_period_statute_id'))

    op.drop_table('statute_period')
    with op.batch_alter_table('statute_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statute_document_statute_id'))

    op.drop_table('statute_document')
    with op.batch_alter_table('address', schema=None) as batch_op:
        batch_op.drop_index('ix_address_town_street_key')
        batch_op.drop_index(batch_op.f('ix_address_list_id'))

    op.drop_table('address')
    with op.batch_alter_table('statute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statute_xplan_id'))
        batch_op.drop_index(batch_op.f('ix_statute_replaced_by_id'))
        batch_op.drop_index(batch_op.f('ix_statute_municipality_id'))

    op.drop_table('statute')
    op.drop_table('address_list')
