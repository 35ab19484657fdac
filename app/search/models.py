"""Search data: the index job queue, the shared search-document table, and search analytics."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.kb.models import utcnow


class SearchPending(db.Model):
    """An article whose index entry must be refreshed; written in the same transaction as the change."""

    __tablename__ = "search_pending"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer, index=True)  # no foreign key: deletions are jobs too
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchState(db.Model):
    """One row: a counter bumped after every index change, so cached results know they are stale."""

    __tablename__ = "search_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class SearchDocument(db.Model):
    """The searchable text of a public article, used by the PostgreSQL backend (empty otherwise)."""

    __tablename__ = "search_documents"
    __table_args__ = (Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),)

    article_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision_id: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20))
    category_slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    headings: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    tsv = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True)


class SearchWord(db.Model):
    """Index vocabulary with document counts: typo correction looks up close words here (PostgreSQL backend)."""

    __tablename__ = "search_words"
    __table_args__ = (
        Index("ix_search_words_word_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    )

    word: Mapped[str] = mapped_column(String(80), primary_key=True)
    documents: Mapped[int] = mapped_column(default=0)


class SearchQuery(db.Model):
    """One search made by a visitor: what was asked, with which filters, and how many results came back."""

    __tablename__ = "search_queries"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200), index=True)  # normalized: lower case, single spaces
    result_count: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(20), default="")
    page: Mapped[int] = mapped_column(default=1)
    source: Mapped[str] = mapped_column(String(10), default="web")
    visitor_key: Mapped[str] = mapped_column(String(32), index=True)
    escalated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SearchClick(db.Model):
    """A result opened from a search, with its position in the list (1 = first)."""

    __tablename__ = "search_clicks"

    id: Mapped[int] = mapped_column(primary_key=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("search_queries.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
