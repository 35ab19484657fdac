"""The feedback plugin's tables: votes (one per visitor per revision) and topic requests."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.kb.models import Article, Revision, utcnow

REASONS = {
    "outdated": "Outdated or wrong",
    "unclear": "Hard to understand",
    "unsolved": "Didn't solve my problem",
    "missing": "Missing information",
    "broken": "Broken link or image",
}
COMMENT_STATES = ("none", "visible", "flagged", "hidden")
TOPIC_STATES = ("open", "planned", "done", "declined")


class Vote(db.Model):
    """One visitor's answer to "Was this helpful?" for one revision; voting again updates this row."""

    __tablename__ = "feedback_votes"
    __table_args__ = (
        UniqueConstraint("article_id", "revision_id", "voter_key"),
        # Covers the reports' counts by date range (per article, helpful, reason) without reading the rows.
        Index("ix_feedback_votes_created_at_article", "created_at", "article_id", "helpful", "reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    helpful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    comment_state: Mapped[str] = mapped_column(String(10), default="none")  # COMMENT_STATES
    flags: Mapped[str] = mapped_column(String(300), default="")  # why a comment waits for review
    voter_key: Mapped[str] = mapped_column(String(64))  # HMAC of the visitor's signed-cookie id
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(lazy="joined")
    revision: Mapped[Revision] = relationship()


class TopicRequest(db.Model):
    """What a visitor looked for and did not find ("Suggest a topic")."""

    __tablename__ = "feedback_topic_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    email: Mapped[str] = mapped_column(String(254), default="")
    search_query: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # TOPIC_STATES
    voter_key: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
