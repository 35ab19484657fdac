"""Retention: raw events before the cutoff go once their day is rolled up for good; the aggregates stay."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.analytics import purge as retention
from app.analytics import rollup
from app.extensions import db
from app.inquiries.models import Inquiry
from app.kb.models import PageView
from app.search.models import SearchClick, SearchQuery
from app.troubleshoot.models import TreeRun
from tests.analytics.conftest import (
    DAY, add_inquiry, add_run, add_search, add_views, aggregates, at, make_article, rollup_state,
)
from tests.helpers import BOTH_BACKENDS

NOW = at(DAY + timedelta(days=30), 12)  # with 30 days kept, DAY is the cutoff
GONE = DAY - timedelta(days=1)  # the last day before the cutoff


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def two_days(articles):
    """The same events on GONE and on DAY (the cutoff): a view, a clicked search, a troubleshooter run."""
    tree = make_article("router", "Router", kind="troubleshooter")
    for day in (GONE, DAY):
        add_views(articles["zebra"], day, "v1", 2)
        add_search("refund", at(day, 23, 59), results=2, clicks=[articles["zebra"]])
        add_run(tree, at(day, 0, 0), ["start", "fixed"], outcome="solved", solution="fixed")
    return tree


@BOTH_BACKENDS
def test_raw_rows_before_the_cutoff_go_and_the_cutoff_day_stays(ctx, two_days):
    add_inquiry("v1", at(GONE, 9))  # inquiries are records, not events: they stay

    purged = retention.purge(now=NOW, retention_days=30)

    assert purged.cutoff == DAY and purged.held_from is None
    assert purged.deleted == {"page_views": 1, "search_clicks": 1, "search_queries": 1, "tree_runs": 1}
    assert db.session.scalars(select(PageView.day)).all() == [DAY]
    assert [row.date() for row in db.session.scalars(select(SearchQuery.created_at))] == [DAY]
    assert (count(SearchClick), [row.date() for row in db.session.scalars(select(TreeRun.started_at))]) == (1, [DAY])
    assert db.session.scalars(select(Inquiry.visitor_key)).all() == ["v1"]


def test_a_day_is_rolled_up_before_its_raw_rows_go(ctx, articles, two_days):
    retention.purge(now=NOW, retention_days=30)

    rows = aggregates(GONE)
    assert rows["analytics_site_days"] == [(GONE, 2, 1, 0, 1, 0, 1, 0)]
    assert rows["analytics_article_days"] == [(GONE, articles["zebra"], 2, 1)]
    assert rows["analytics_click_days"] == [(GONE, articles["zebra"], "refund", 1)]
    assert rows["analytics_tree_days"] == [(GONE, two_days, 1, 1, 0, 0, 0, 0)]
    assert rollup_state(GONE)[0] is True
    assert rollup_state(DAY) is None  # days after the cutoff wait for their own rollup


def test_aggregates_stay_when_their_raw_rows_go(ctx, articles, two_days):
    rollup.refresh(now=NOW)
    before = aggregates()

    retention.purge(now=NOW, retention_days=30)
    rollup.refresh(now=NOW + timedelta(days=1))

    after = aggregates()
    assert {table: [row for row in rows if row[0] <= DAY] for table, rows in after.items()} == \
        {table: [row for row in rows if row[0] <= DAY] for table, rows in before.items()}


def test_without_a_rollup_raw_rows_of_a_day_not_final_stay_with_every_later_one(ctx, articles):
    early, late = GONE - timedelta(days=3), GONE
    add_views(articles["zebra"], early - timedelta(days=1), "v1")
    add_views(articles["zebra"], early, "v1")
    add_views(articles["zebra"], late, "v1")
    rollup.rollup_day(early - timedelta(days=1), now=NOW)

    purged = retention.purge(now=NOW, retention_days=30, roll_up=False)

    assert purged.deleted["page_views"] == 1 and purged.held_from == early
    assert db.session.scalars(select(PageView.day).order_by(PageView.day)).all() == [early, late]


def test_purge_keeps_ANALYTICS_RETENTION_DAYS_by_default(ctx, app, articles):
    app.config["ANALYTICS_RETENTION_DAYS"] = 10
    add_views(articles["zebra"], DAY - timedelta(days=1), "v1")
    add_views(articles["zebra"], DAY, "v1")

    purged = retention.purge(now=at(DAY + timedelta(days=10)))

    assert purged.cutoff == DAY and purged.total == 1
