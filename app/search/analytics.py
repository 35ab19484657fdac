"""What visitors searched for, and what the numbers say: top, zero-result, unclicked, escalated queries."""
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update

from app.core import signals
from app.extensions import db
from app.kb.models import utcnow
from app.search.models import SearchClick, SearchQuery


def record_search(outcome, visitor_key, source="web"):
    """Store one search (normalized text, result count, filters, visitor key); returns its id."""
    row = SearchQuery(query=outcome.query[:200], result_count=outcome.total, category=outcome.category[:120],
                      kind=outcome.kind[:20], page=outcome.page, source=source, visitor_key=visitor_key)
    db.session.add(row)
    db.session.commit()
    return row.id


def record_click(search_id, article_id, position, visitor_key):
    """Store that a result was opened; only the visitor who searched can record it. True when stored."""
    search = db.session.get(SearchQuery, search_id)
    if search is None or search.visitor_key != visitor_key or not 1 <= position <= 1000:
        return False
    if utcnow() - search.created_at > timedelta(days=1):
        return False
    db.session.add(SearchClick(search_id=search_id, article_id=article_id, position=position))
    db.session.commit()
    return True


def mark_escalated(visitor_key, since=None):
    """Flag the visitor's searches of the last 24 h as followed by an escalation."""
    since = since or utcnow() - timedelta(hours=24)
    db.session.execute(update(SearchQuery).where(SearchQuery.visitor_key == visitor_key,
                                                 SearchQuery.created_at >= since).values(escalated=True))
    db.session.commit()


def recent_queries(visitor_key, hours=24, limit=10):
    """What this visitor searched for lately, most recent first, without repeats (context for an inquiry)."""
    if not visitor_key:
        return []
    since = utcnow() - timedelta(hours=hours)
    rows = db.session.execute(select(SearchQuery.query, func.max(SearchQuery.created_at).label("last"))
                              .where(SearchQuery.visitor_key == visitor_key, SearchQuery.created_at >= since,
                                     SearchQuery.query != "")
                              .group_by(SearchQuery.query).order_by(func.max(SearchQuery.created_at).desc())
                              .limit(limit)).all()
    return [row.query for row in rows]


def _on_inquiry_created(sender, visitor_key=None, **kwargs):
    """Receiver of signals.inquiry_created; the sender is the app."""
    if visitor_key:
        with sender.app_context():
            mark_escalated(visitor_key)


signals.inquiry_created.connect(_on_inquiry_created)


def _grouped(condition, since, limit):
    """[(query, searches, last seen)] for searches matching condition, most frequent first."""
    count = func.count(SearchQuery.id).label("searches")
    rows = db.session.execute(
        select(SearchQuery.query, count, func.max(SearchQuery.created_at))
        .where(SearchQuery.created_at >= since, SearchQuery.page == 1, condition)
        .group_by(SearchQuery.query)
        .order_by(count.desc(), SearchQuery.query)
        .limit(limit)
    ).all()
    return [(query, searches, last) for query, searches, last in rows]


def report(days=30, limit=20, now=None):
    """The four lists a support lead reads: top, zero-result, no-click and escalated queries."""
    since = (now or utcnow()) - timedelta(days=days)
    clicked = exists().where(SearchClick.search_id == SearchQuery.id)
    return {
        "top": _grouped(SearchQuery.query != "", since, limit),
        "zero_results": _grouped(SearchQuery.result_count == 0, since, limit),
        "no_clicks": _grouped(and_(SearchQuery.result_count > 0, ~clicked), since, limit),
        "escalated": _grouped(SearchQuery.escalated.is_(True), since, limit),
    }


REPORT_TITLES = {
    "top": "Top queries",
    "zero_results": "Queries with no results",
    "no_clicks": "Queries with results but no click",
    "escalated": "Queries followed by an escalation",
}


def format_report(data, days):
    """The report as plain text for the terminal."""
    lines = [f"Search report, last {days} days"]
    for key, title in REPORT_TITLES.items():
        lines.append("")
        lines.append(f"{title}:")
        rows = data[key]
        if not rows:
            lines.append("  (none)")
        for query, searches, last in rows:
            when = last.strftime("%Y-%m-%d") if isinstance(last, datetime) else str(last)[:10]
            lines.append(f"  {searches:>6}  {query}  (last {when})")
    return "\n".join(lines)
