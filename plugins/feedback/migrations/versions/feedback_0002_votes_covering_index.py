"""Feedback plugin: the votes' created_at index also holds article, helpful and reason (the reports read it alone).

Revision ID: feedback_0002
Revises: feedback_0001
Create Date: 2026-11-24 09:00:00
"""
from alembic import op

revision = "feedback_0002"
down_revision = "feedback_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback_votes") as batch_op:
        batch_op.create_index("ix_feedback_votes_created_at_article", ["created_at", "article_id", "helpful", "reason"],
                              unique=False)
        batch_op.drop_index("ix_feedback_votes_created_at")


def downgrade():
    with op.batch_alter_table("feedback_votes") as batch_op:
        batch_op.create_index("ix_feedback_votes_created_at", ["created_at"], unique=False)
        batch_op.drop_index("ix_feedback_votes_created_at_article")
