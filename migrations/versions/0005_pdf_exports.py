"""PDF guides: drawn PDFs cached by what they contain.

Revision ID: 0005_pdf_exports
Revises: 0004_troubleshooters
Create Date: 2026-11-23 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_pdf_exports'
down_revision = '0004_troubleshooters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pdf_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('revision_ids', sa.JSON(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('render_ms', sa.Integer(), nullable=False),
    sa.Column('peak_memory_kb', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdf_exports')),
    sa.UniqueConstraint('key', name=op.f('uq_pdf_exports_key'))
    )
    with op.batch_alter_table('pdf_exports', schema=None) as batch_op:
        batch_op.create_index('ix_pdf_exports_subject', ['kind', 'subject'], unique=False)


def downgrade():
    with op.batch_alter_table('pdf_exports', schema=None) as batch_op:
        batch_op.drop_index('ix_pdf_exports_subject')
    op.drop_table('pdf_exports')
