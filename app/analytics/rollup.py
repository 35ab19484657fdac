"""Raw events rolled up into daily aggregates: one UTC day at a time, from scratch, in one transaction."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import Date, and_, case, delete, distinct, exists, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.analytics.models import ArticleDay, ClickDay, QueryDay, RollupDay, SiteDay, TreeDay, TreeNodeDay
from app.extensions import db
from app.inquiries.models import Inquiry
from app.kb.models import PageView, utcnow
from app.search.models import SearchClick, SearchQuery
from app.troubleshoot.models import TreeRun
from app.troubleshoot.rollup import tree_rows

AGGREGATES = (SiteDay, ArticleDay, QueryDay, ClickDay, TreeDay, TreeNodeDay)
# A day's raw rows keep changing after it ends: buffered page views are written minutes later, and a search
# can be clicked or escalated up to a day after it was made. Until then the day is rolled up again.
SETTLE = timedelta(days=1, minutes=10)


@dataclass
class Refresh:
    """What a refresh did: the days rolled up (oldest first) and how many past days are still due."""

    days: list = field(default_factory=list)
    pending: int = 0


def day_window(day):
    """(start, end) of a UTC day as naive datetimes, end excluded."""
    start = datetime.combine(day, time.min)
    return start, start + timedelta(days=1)


def last_settled_day(now):
    """The latest day whose raw rows can no longer change by ``now``, so its aggregates are final."""
    return (now - SETTLE).date() - timedelta(days=1)


def is_settled(day, now):
    """True when the day's aggregates are final by ``now``."""
    return day <= last_settled_day(now)


def rollup_day(day, now=None):
    """Recompute every aggregate of ``day`` from the raw rows; False when another process did it at once."""
    now = now or utcnow()
    start_at, end_at = day_window(day)
    try:
        for model in AGGREGATES:
            db.session.execute(delete(model).where(model.day == day).execution_options(synchronize_session=False))
        db.session.execute(insert(SiteDay), [{"day": day, **_site_figures(day, start_at, end_at)}])
        _insert_article_days(day)
        _insert_query_days(day, start_at, end_at)
        _insert_click_days(day, start_at, end_at)
        run_rows, node_rows = tree_rows(start_at, end_at, now)
        if run_rows:
            db.session.execute(insert(TreeDay), [{"day": day, **row} for row in run_rows])
        if node_rows:
            db.session.execute(insert(TreeNodeDay), [{"day": day, **row} for row in node_rows])
        _mark_rolled(day, now)
        db.session.commit()
    except IntegrityError:  # a second process inserted the same day's rows first: its rows stand
        db.session.rollback()
        return False
    return True


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _site_figures(day, start_at, end_at):
    views, visitors = db.session.execute(
        select(func.coalesce(func.sum(PageView.views), 0), func.count(distinct(PageView.visitor_key)))
        .where(PageView.day == day)).one()
    # Visitor keys change every day, so only an inquiry opened the same day can be matched to a reader.
    inquirers = select(Inquiry.visitor_key).where(Inquiry.created_at >= start_at, Inquiry.created_at < end_at,
                                                  Inquiry.visitor_key != "")
    with_inquiry = db.session.execute(
        select(func.count(distinct(PageView.visitor_key)))
        .where(PageView.day == day, PageView.visitor_key.in_(inquirers))).scalar_one()
    clicked = exists().where(SearchClick.search_id == SearchQuery.id)
    searches = db.session.execute(
        select(func.count(SearchQuery.id), _count_if(SearchQuery.result_count == 0), _count_if(clicked),
               _count_if(SearchQuery.escalated.is_(True)))
        .where(SearchQuery.created_at >= start_at, SearchQuery.created_at < end_at, SearchQuery.page == 1)).one()
    return {"views": views, "visitors": visitors, "visitors_with_inquiry": with_inquiry, "searches": searches[0],
            "zero_result_searches": searches[1], "clicked_searches": searches[2], "escalated_searches": searches[3]}


def _insert_article_days(day):
    rows = (select(PageView.day, PageView.article_id, func.sum(PageView.views),
                   func.count(distinct(PageView.visitor_key)))
            .where(PageView.day == day).group_by(PageView.day, PageView.article_id))
    db.session.execute(insert(ArticleDay).from_select(["day", "article_id", "views", "visitors"], rows))


def _insert_query_days(day, start_at, end_at):
    clicked = exists().where(SearchClick.search_id == SearchQuery.id)
    rows = (select(literal(day, Date), SearchQuery.query, func.count(SearchQuery.id),
                   _count_if(SearchQuery.result_count == 0), _count_if(and_(SearchQuery.result_count > 0, ~clicked)),
                   _count_if(SearchQuery.escalated.is_(True)), func.max(SearchQuery.created_at))
            .where(SearchQuery.created_at >= start_at, SearchQuery.created_at < end_at, SearchQuery.page == 1,
                   SearchQuery.query != "")
            .group_by(SearchQuery.query))
    columns = ["day", "query", "searches", "zero_results", "no_clicks", "escalated", "last_seen"]
    db.session.execute(insert(QueryDay).from_select(columns, rows))


def _insert_click_days(day, start_at, end_at):
    # Clicks are filed under the day of their search (a click may come a little after midnight).
    rows = (select(literal(day, Date), SearchClick.article_id, SearchQuery.query, func.count(SearchClick.id))
            .join(SearchQuery, SearchQuery.id == SearchClick.search_id)
            .where(SearchQuery.created_at >= start_at, SearchQuery.created_at < end_at, SearchQuery.query != "")
            .group_by(SearchClick.article_id, SearchQuery.query))
    db.session.execute(insert(ClickDay).from_select(["day", "article_id", "query", "clicks"], rows))


def _mark_rolled(day, now):
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(RollupDay).values(day=day, rolled_at=now, complete=is_settled(day, now))
    stmt = stmt.on_conflict_do_update(index_elements=["day"],
                                      set_={"rolled_at": stmt.excluded.rolled_at, "complete": stmt.excluded.complete})
    db.session.execute(stmt)


def earliest_raw_day():
    """The first day with raw rows left (page views, searches, tree runs), or None."""
    first_view, first_search, first_run = db.session.execute(
        select(select(func.min(PageView.day)).scalar_subquery(),
               select(func.min(SearchQuery.created_at)).scalar_subquery(),
               select(func.min(TreeRun.started_at)).scalar_subquery())).one()
    days = [_as_date(value) for value in (first_view, first_search, first_run) if value is not None]
    return min(days, default=None)


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite may hand a scalar subquery back as text


def _days(first, last):
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def unsettled_days(first, last):
    """Days ``first``..``last`` whose aggregates are missing or not final yet, with their RollupDay or None."""
    if first > last:
        return []
    rolled = {row.day: row for row in db.session.execute(
        select(RollupDay).where(RollupDay.day >= first, RollupDay.day <= last)).scalars()}
    return [(day, rolled.get(day)) for day in _days(first, last) if not (day in rolled and rolled[day].complete)]


def due_days(now=None, through=None):
    """Days from the first raw row through ``through`` (default today) whose rollup is missing, or not final
    and older than ANALYTICS_TODAY_SECONDS, or not final although the day has since settled."""
    now = now or utcnow()
    through = min(through or now.date(), now.date())
    first = earliest_raw_day()
    if first is None:
        return []
    fresh_for = timedelta(seconds=current_app.config["ANALYTICS_TODAY_SECONDS"])
    return [day for day, rolled in unsettled_days(first, through)
            if rolled is None or now - rolled.rolled_at >= fresh_for or is_settled(day, now)]


def refresh(now=None, max_days=None, through=None):
    """Roll up every due day (see :func:`due_days`), oldest first; ``max_days`` caps the days before today."""
    now = now or utcnow()
    due = due_days(now, through)
    past = [day for day in due if day < now.date()]
    capped = past if max_days is None else past[:max_days]
    todo = capped + [day for day in due if day >= now.date()]
    for day in todo:
        rollup_day(day, now)
    return Refresh(days=todo, pending=len(past) - len(capped))
