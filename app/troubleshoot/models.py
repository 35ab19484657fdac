"""Troubleshooter analytics: one row per visitor's run through a tree (visitor key, never an IP)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.kb.models import utcnow

OUTCOMES = ("solved", "escalated")


class TreeRun(db.Model):
    """A walk through a troubleshooter: the nodes seen, the edges taken, where it stopped and how it ended."""

    __tablename__ = "tree_runs"
    __table_args__ = (Index("ix_tree_runs_visitor", "article_id", "visitor_key", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))
    visitor_key: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    path: Mapped[list] = mapped_column(JSON, default=list)  # the current trail, start node first
    visited: Mapped[list] = mapped_column(JSON, default=list)  # every node seen, in first-seen order
    edges: Mapped[list] = mapped_column(JSON, default=list)  # every "from>to" taken, once each
    last_node: Mapped[str] = mapped_column(String(60), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="")  # "" while open or abandoned
    solution_node: Mapped[str] = mapped_column(String(60), default="")
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiries.id", ondelete="SET NULL"))
