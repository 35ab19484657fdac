"""Troubleshooters and tutorials: revision settings (meta) and troubleshooter runs.

Revision ID: 0004_troubleshooters
Revises: 0003_inquiries
Create Date: 2026-11-22 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_troubleshooters'
down_revision = '0003_inquiries'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meta', sa.JSON(), nullable=False, server_default='{}'))

    op.create_table('tree_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('visitor_key', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('path', sa.JSON(), nullable=False),
    sa.Column('visited', sa.JSON(), nullable=False),
    sa.Column('edges', sa.JSON(), nullable=False),
    sa.Column('last_node', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('solution_node', sa.String(length=60), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_tree_runs_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiries.id'], name=op.f('fk_tree_runs_inquiry_id_inquiries'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_tree_runs_revision_id_revisions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tree_runs'))
    )
    with op.batch_alter_table('tree_runs', schema=None) as batch_op:
        batch_op.create_index('ix_tree_runs_visitor', ['article_id', 'visitor_key', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tree_runs_started_at'), ['started_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tree_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tree_runs_started_at'))
        batch_op.drop_index('ix_tree_runs_visitor')

    op.drop_table('tree_runs')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_column('meta')
