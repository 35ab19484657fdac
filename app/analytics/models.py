"""Daily aggregates rolled up from the raw analytics events (page views, searches, clicks, tree runs).

The dashboard reads only these tables; the raw rows behind them are purged after the retention period.
A day is re-rolled from scratch (delete and insert) so rolling it up twice gives the same rows.
"""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.kb.models import utcnow


class RollupDay(db.Model):
    """A day whose aggregates exist: when it was rolled up and whether the day was over by then."""

    __tablename__ = "analytics_rollups"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)  # False: today, rolled up again later


class SiteDay(db.Model):
    """Whole-site figures of one day."""

    __tablename__ = "analytics_site_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0)  # article page views by visitors (not staff, not bots)
    visitors: Mapped[int] = mapped_column(Integer, default=0)  # distinct visitor keys that read an article
    visitors_with_inquiry: Mapped[int] = mapped_column(Integer, default=0)  # ... of whom opened an inquiry that day
    searches: Mapped[int] = mapped_column(Integer, default=0)  # first result pages only
    zero_result_searches: Mapped[int] = mapped_column(Integer, default=0)
    clicked_searches: Mapped[int] = mapped_column(Integer, default=0)  # searches with at least one result opened
    escalated_searches: Mapped[int] = mapped_column(Integer, default=0)  # followed by an inquiry within 24 h


class ArticleDay(db.Model):
    """Views of one article on one day."""

    __tablename__ = "analytics_article_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    views: Mapped[int] = mapped_column(Integer, default=0)
    visitors: Mapped[int] = mapped_column(Integer, default=0)


class QueryDay(db.Model):
    """How searches for one normalized query went on one day."""

    __tablename__ = "analytics_query_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    zero_results: Mapped[int] = mapped_column(Integer, default=0)
    no_clicks: Mapped[int] = mapped_column(Integer, default=0)  # had results, none opened
    escalated: Mapped[int] = mapped_column(Integer, default=0)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class ClickDay(db.Model):
    """Search results opened on one day: which query led to which article, how often."""

    __tablename__ = "analytics_click_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    query: Mapped[str] = mapped_column(String(200), primary_key=True)
    clicks: Mapped[int] = mapped_column(Integer, default=0)


class TreeDay(db.Model):
    """How one troubleshooter's runs started on one day ended."""

    __tablename__ = "analytics_tree_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    solved: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[int] = mapped_column(Integer, default=0)
    inquiries: Mapped[int] = mapped_column(Integer, default=0)
    abandoned: Mapped[int] = mapped_column(Integer, default=0)
    in_progress: Mapped[int] = mapped_column(Integer, default=0)


class TreeNodeDay(db.Model):
    """Visits and drop-offs of one troubleshooter node, for the runs started on one day."""

    __tablename__ = "analytics_tree_node_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    node_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    dropoffs: Mapped[int] = mapped_column(Integer, default=0)
    solved: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[int] = mapped_column(Integer, default=0)
    abandoned: Mapped[int] = mapped_column(Integer, default=0)
