"""security: session generation and confusable-name key on accounts, stored description HTML on projects

`user.session_generation` is counted up by logout, password change and reset;
sessions and "stay logged in" cookies carry it, so older ones stop working.
`user.pseudonym_skeleton` is the Unicode TR 39 skeleton of the public name
(unique: no two names that look alike). `project.description_html` holds the
sanitised HTML rendered once when the description is saved.

Revision ID: 5d1f0c2b9e47
Revises: 3c9e51d0a7b2
Create Date: 2026-11-30 18:10:00

"""
from alembic import op
import sqlalchemy as sa

from participation.accounts.names import name_skeleton
from participation.web.templating import render_markdown

# revision identifiers, used by Alembic.
revision = '5d1f0c2b9e47'
down_revision = '3c9e51d0a7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('pseudonym_skeleton', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_pseudonym_skeleton'), ['pseudonym_skeleton'], unique=True)
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_html', sa.Text(), nullable=False, server_default=''))

    connection = op.get_bind()
    users = sa.table('user', sa.column('id', sa.Integer), sa.column('pseudonym', sa.String),
                     sa.column('pseudonym_skeleton', sa.String))
    seen = set()
    for row in connection.execute(sa.select(users.c.id, users.c.pseudonym).order_by(users.c.id)).all():
        skeleton = name_skeleton(row.pseudonym)
        if skeleton in seen or len(skeleton) > 200:
            # Two existing names already look alike: the older one keeps the key (and so still
            # blocks new look-alikes); this one stays without until it is renamed.
            print(f"user {row.id}: public name looks like an older one's; no skeleton stored")
            continue
        seen.add(skeleton)
        connection.execute(users.update().where(users.c.id == row.id).values(pseudonym_skeleton=skeleton))
    projects = sa.table('project', sa.column('id', sa.Integer), sa.column('description', sa.Text),
                        sa.column('description_html', sa.Text))
    for row in connection.execute(sa.select(projects.c.id, projects.c.description)).all():
        connection.execute(projects.update().where(projects.c.id == row.id)
                           .values(description_html=str(render_markdown(row.description or ""))))


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('description_html')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_pseudonym_skeleton'))
        batch_op.drop_column('pseudonym_skeleton')
        batch_op.drop_column('session_generation')
