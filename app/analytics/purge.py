"""Retention: raw events older than ANALYTICS_RETENTION_DAYS are deleted once their day is rolled up for good."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from app.analytics.rollup import day_window, earliest_raw_day, refresh, unsettled_days
from app.extensions import db
from app.kb.models import PageView, utcnow
from app.search.models import SearchClick, SearchQuery
from app.troubleshoot.models import TreeRun


@dataclass
class Purge:
    """What a purge deleted: rows per raw table, all from days before ``cutoff`` (aggregates are kept)."""

    cutoff: object
    deleted: dict = field(default_factory=dict)
    held_from: object = None  # a day before the cutoff not rolled up for good: its raw rows and later ones stay

    @property
    def total(self):
        """Raw rows deleted in all."""
        return sum(self.deleted.values())


def purge(now=None, retention_days=None, roll_up=True):
    """Delete raw rows of the days before today − ``retention_days`` (default ANALYTICS_RETENTION_DAYS).

    With ``roll_up`` those days are rolled up first; raw rows of a day whose aggregates are not final stay."""
    now = now or utcnow()
    if retention_days is None:
        retention_days = current_app.config["ANALYTICS_RETENTION_DAYS"]
    cutoff = now.date() - timedelta(days=retention_days)
    if roll_up:
        refresh(now, through=cutoff - timedelta(days=1))
    first = earliest_raw_day()
    unsettled = unsettled_days(first, cutoff - timedelta(days=1)) if first else []
    keep_from = unsettled[0][0] if unsettled else cutoff
    keep_from_at = day_window(keep_from)[0]
    old_searches = select(SearchQuery.id).where(SearchQuery.created_at < keep_from_at)
    statements = {
        "page_views": delete(PageView).where(PageView.day < keep_from),
        "search_clicks": delete(SearchClick).where(SearchClick.search_id.in_(old_searches)),
        "search_queries": delete(SearchQuery).where(SearchQuery.created_at < keep_from_at),
        "tree_runs": delete(TreeRun).where(TreeRun.started_at < keep_from_at),
    }
    result = Purge(cutoff, held_from=keep_from if keep_from < cutoff else None)
    for table, statement in statements.items():
        result.deleted[table] = db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return result
