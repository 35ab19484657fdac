"""Feedback plugin: votes and topic requests (the plugin's own Alembic branch).

Revision ID: feedback_0001
Revises:
Create Date: 2026-11-22 20:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = "feedback_0001"
down_revision = None
branch_labels = ("feedback",)
depends_on = "0001_initial"  # articles and revisions


def upgrade():
    op.create_table(
        "feedback_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("comment_state", sa.String(length=10), nullable=False),
        sa.Column("flags", sa.String(length=300), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_feedback_votes_article_id_articles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], name=op.f("fk_feedback_votes_revision_id_revisions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_votes")),
        sa.UniqueConstraint("article_id", "revision_id", "voter_key",
                            name=op.f("uq_feedback_votes_article_id_revision_id_voter_key")),
    )
    with op.batch_alter_table("feedback_votes") as batch_op:
        batch_op.create_index("ix_feedback_votes_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_votes_article_id"), ["article_id"], unique=False)

    op.create_table(
        "feedback_topic_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("search_query", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_topic_requests")),
    )
    with op.batch_alter_table("feedback_topic_requests") as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_topic_requests_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_topic_requests_created_at"), ["created_at"], unique=False)


def downgrade():
    op.drop_table("feedback_topic_requests")
    op.drop_table("feedback_votes")
