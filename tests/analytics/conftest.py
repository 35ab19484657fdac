"""Raw analytics events on fixed days, written straight to the tables the app fills."""
from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from app.analytics.models import ArticleDay, ClickDay, QueryDay, RollupDay, SiteDay, TreeDay, TreeNodeDay
from app.extensions import db
from app.inquiries.models import Inquiry
from app.kb import services as kb
from app.kb.models import Article, Category, PageView
from app.search.models import SearchClick, SearchQuery
from app.troubleshoot.models import TreeRun

DAY = date(2026, 10, 5)  # a Monday; tests pass a `now` after it, never the wall clock's


def at(day, hour=12, minute=0, second=0):
    """A naive UTC moment on ``day``."""
    return datetime.combine(day, time(hour, minute, second))


def make_article(slug, title, kind="article"):
    """A published article with one revision; returns its id."""
    category = db.session.get(Category, 1) or Category(id=1, slug="general", title="General")
    article = Article(slug=slug, kind=kind, category=category, status="draft")
    db.session.add(article)
    kb.publish(article, kb.add_revision(article, title, "", "Some helpful text."))
    db.session.commit()
    return article.id


def add_views(article_id, day, visitor, views=1):
    """``views`` page views of an article by one visitor on ``day``."""
    revision_id = db.session.get(Article, article_id).published_revision_id
    db.session.add(PageView(article_id=article_id, revision_id=revision_id, day=day, visitor_key=visitor,
                            views=views))
    db.session.commit()


def add_search(query, when, results=1, page=1, clicks=(), escalated=False, visitor="searcher"):
    """A search made at ``when``, with a click on each article id in ``clicks``; returns its id."""
    search = SearchQuery(query=query, result_count=results, page=page, visitor_key=visitor, escalated=escalated,
                         created_at=when)
    db.session.add(search)
    db.session.flush()
    for position, article_id in enumerate(clicks, 1):
        db.session.add(SearchClick(search_id=search.id, article_id=article_id, position=position, created_at=when))
    db.session.commit()
    return search.id


def add_inquiry(visitor, when):
    """An inquiry opened at ``when`` from the browser with visitor key ``visitor``; returns its id."""
    number = db.session.scalar(select(func.count(Inquiry.id))) + 1
    inquiry = Inquiry(reference=f"INQ-TEST-{number:04d}", name="Ana", email="ana@example.com", user_type="public",
                      subject="Help", category="other", description="Please help.", link_nonce="n" * 32,
                      visitor_key=visitor, created_at=when)
    db.session.add(inquiry)
    db.session.commit()
    return inquiry.id


def add_run(article_id, started_at, visited, outcome="", solution="", updated_at=None, inquiry_id=None):
    """A troubleshooter run that saw ``visited`` (the last one is where it stands)."""
    db.session.add(TreeRun(article_id=article_id, visitor_key="walker", started_at=started_at,
                           updated_at=updated_at or started_at, path=list(visited), visited=list(visited), edges=[],
                           last_node=visited[-1], outcome=outcome, solution_node=solution, inquiry_id=inquiry_id))
    db.session.commit()


def aggregates(day=None):
    """Every aggregate row (of ``day``, or all) as sorted tuples per table: what the dashboard would read."""
    tables = {}
    for model in (SiteDay, ArticleDay, QueryDay, ClickDay, TreeDay, TreeNodeDay):
        columns = [column.key for column in model.__table__.columns]
        query = select(model) if day is None else select(model).where(model.day == day)
        rows = db.session.execute(query).scalars().all()
        tables[model.__tablename__] = sorted(tuple(getattr(row, name) for name in columns) for row in rows)
    return tables


def rollup_state(day):
    """(complete, rolled_at) of a day's RollupDay, or None when it was never rolled up."""
    db.session.expire_all()  # another session may have rolled it up
    row = db.session.get(RollupDay, day)
    return None if row is None else (row.complete, row.rolled_at)


@pytest.fixture
def articles(ctx):
    """Three published articles: {"zebra": id, "billing": id, "account": id} (ids in that order)."""
    return {"zebra": make_article("zebra", "Zebra returns"), "billing": make_article("billing", "Billing basics"),
            "account": make_article("account", "Account help")}
