"""The analytics dashboard source on a small fixed data set: every figure, chart and table, exactly."""
from datetime import date

import pytest

from app.analytics import metrics, rollup
from app.analytics.periods import DateRange
from app.core.plugins import dashboard_sources
from app.extensions import db
from app.kb.models import Article
from tests.analytics.conftest import add_inquiry, add_search, add_views, at
from tests.helpers import BOTH_BACKENDS

WEEK = DateRange(date(2026, 10, 1), date(2026, 10, 7))  # compared with 24–30 September
OCT1, OCT2, OCT3, SEP28 = date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3), date(2026, 9, 28)


@pytest.fixture
def site(articles):
    """Views, searches and inquiries in WEEK and the week before, rolled up; returns the article ids."""
    zebra, billing, account = articles["zebra"], articles["billing"], articles["account"]
    add_views(zebra, OCT1, "v1", 3)
    add_views(billing, OCT1, "v1", 1)
    add_views(zebra, OCT1, "v2", 2)
    add_inquiry("v2", at(OCT1, 18))  # v2 read help and still wrote the same day
    add_views(zebra, OCT2, "v3", 1)
    add_views(account, OCT2, "v4", 4)
    add_views(billing, OCT2, "v1", 1)  # keys change daily: the same key is another visitor-day
    add_inquiry("v4", at(OCT3, 9))  # a day later the key is different: not matched
    add_search("refund", at(OCT1, 9), results=3, clicks=[zebra])
    add_search("refund", at(OCT1, 10), results=3)
    add_search("lost password", at(OCT1, 11), results=0)
    add_search("shipping", at(OCT3, 9), results=0)
    add_search("shipping", at(OCT3, 9), results=0, page=2)  # the second page is not another search
    add_views(zebra, SEP28, "v5", 2)
    add_views(billing, SEP28, "v6", 5)
    add_search("refund", at(SEP28, 9), results=2)
    rollup.refresh(now=at(date(2026, 11, 1)))
    return articles


def figures(part):
    return {figure.key: (figure.value, figure.previous) for figure in part.figures}


@BOTH_BACKENDS
def test_the_headline_figures_and_their_previous_values(ctx, site):
    part = metrics.overview(WEEK, WEEK.previous())

    assert figures(part) == {
        "views": (12, 7),
        "visitors": (5, 2),
        "searches": (4, 1),
        "zero_result_rate": (0.5, 0.0),
        "self_service_rate": (0.8, 1.0),  # 4 of 5 visitor-days did without an inquiry
    }
    shown = {figure.key: figure for figure in part.figures}
    assert [(f.label, f.unit, f.order) for f in part.figures] == [
        ("Page views", "count", 10), ("Unique visitors", "count", 20), ("Searches", "count", 30),
        ("Zero-result searches", "percent", 40), ("Self-service rate", "percent", 60)]
    assert shown["zero_result_rate"].higher_is_better is False and shown["self_service_rate"].higher_is_better
    assert "change every day" in shown["visitors"].note


def test_shares_of_nothing_are_none(ctx):
    part = metrics.overview(WEEK, WEEK.previous())

    assert figures(part)["zero_result_rate"] == (None, None) and figures(part)["self_service_rate"] == (None, None)
    assert figures(part)["views"] == (0, 0)


def test_charts_by_day_for_a_week(ctx, site):
    charts = {chart.key: chart for chart in metrics.overview(WEEK, WEEK.previous()).charts}

    views, searches = charts["views_per_day"], charts["searches_per_day"]
    assert views.labels == ["1 Oct", "2 Oct", "3 Oct", "4 Oct", "5 Oct", "6 Oct", "7 Oct"]
    assert [(s.label, s.values) for s in views.series] == [("Page views", [6, 6, 0, 0, 0, 0, 0])]
    assert [(s.label, s.values) for s in searches.series] == [("With results", [2, 0, 0, 0, 0, 0, 0]),
                                                              ("No results", [1, 0, 1, 0, 0, 0, 0])]
    assert (searches.kind, searches.stacked, views.title) == ("bar", True, "Page views per day")


@pytest.mark.parametrize(("start", "end", "labels"), [
    (date(2026, 9, 7), date(2026, 10, 7), 31),  # 31 days: still by day
    (date(2026, 9, 1), date(2026, 10, 7), ["Week of 31 Aug", "Week of 7 Sep", "Week of 14 Sep", "Week of 21 Sep",
                                           "Week of 28 Sep", "Week of 5 Oct"]),
])
def test_ranges_over_31_days_are_charted_by_week_from_monday(ctx, site, start, end, labels):
    period = DateRange(start, end)
    charts = {chart.key: chart for chart in metrics.overview(period, period.previous()).charts}

    views = charts["views_per_day"]
    if isinstance(labels, int):
        assert len(views.labels) == labels and views.labels[0] == "7 Sep"
    else:
        assert views.labels == labels and views.title == "Page views per week"
        assert views.series[0].values == [0, 0, 0, 0, 19, 0]  # 28 September – 4 October: 7 + 12
        assert charts["searches_per_day"].series[1].values == [0, 0, 0, 0, 2, 0]


@BOTH_BACKENDS
def test_top_articles_with_their_change(ctx, site):
    table = {t.key: t for t in metrics.overview(WEEK, WEEK.previous()).tables}["top_articles"]

    assert table.columns == ["Article", "Views", "Visitors", "Change vs previous"]
    assert table.rows == [["Zebra returns", 6, 3, 4], ["Account help", 4, 1, 4], ["Billing basics", 2, 2, -3]]
    assert table.article_ids == [site["zebra"], site["account"], site["billing"]]


def test_view_changes_rank_by_size_then_title(ctx, site):
    table = {t.key: t for t in metrics.overview(WEEK, WEEK.previous()).tables}["view_changes"]

    assert table.rows == [["Account help", 4, 0, 4], ["Zebra returns", 6, 2, 4], ["Billing basics", 2, 5, -3]]
    assert table.article_ids == [site["account"], site["zebra"], site["billing"]]
    assert [row.title for row in metrics.view_changes(WEEK, WEEK.previous(), limit=1)] == ["Account help"]


def test_an_unchanged_article_is_not_a_change(ctx, articles):
    for day in (OCT1, SEP28):
        add_views(articles["zebra"], day, "v1", 3)
    rollup.refresh(now=at(date(2026, 11, 1)))

    assert metrics.view_changes(WEEK, WEEK.previous()) == []


def test_the_article_page_part(ctx, site):
    article = db.session.get(Article, site["zebra"])

    part = metrics.article(article, WEEK)

    assert figures(part) == {"article_views": (6, 2)}
    assert [(c.key, c.labels[:2], c.series[0].values) for c in part.charts] == [
        ("article_views_per_day", ["1 Oct", "2 Oct"], [5, 1, 0, 0, 0, 0, 0])]
    assert [(t.key, t.columns, t.rows) for t in part.tables] == [("article_searches", ["Search", "Clicks"],
                                                                  [["refund", 1]])]


def test_article_searches_most_clicks_first(ctx, articles):
    zebra = articles["zebra"]
    for query, clicks in (("refund", 1), ("return item", 3), ("money back", 3)):
        for _ in range(clicks):
            add_search(query, at(OCT2, 9), results=1, clicks=[zebra])
    rollup.refresh(now=at(date(2026, 11, 1)))

    assert metrics.article_searches(zebra, WEEK) == [("money back", 3), ("return item", 3), ("refund", 1)]
    assert metrics.article_searches(zebra, WEEK, limit=1) == [("money back", 3)]
    assert metrics.article_searches(zebra, WEEK.previous()) == []


def test_a_deleted_article_leaves_the_tables(ctx, site):
    db.session.delete(db.session.get(Article, site["account"]))
    db.session.commit()

    tables = {t.key: t for t in metrics.overview(WEEK, WEEK.previous()).tables}

    assert [row[0] for row in tables["top_articles"].rows] == ["Zebra returns", "Billing basics"]
    assert figures(metrics.overview(WEEK, WEEK.previous()))["views"] == (12, 7)  # the site's views stay


def test_the_source_is_registered(app):
    with app.app_context():
        source = {s.key: s for s in dashboard_sources()}["analytics_traffic"]

    assert (source.overview, source.article) == (metrics.overview, metrics.article)


def test_a_month_against_the_previous_one(ctx, articles):
    october = DateRange(date(2026, 10, 1), date(2026, 10, 31), "month", "2026-10")
    for day, views in ((date(2026, 9, 30), 2), (date(2026, 10, 31), 5), (date(2026, 11, 1), 7)):
        add_views(articles["zebra"], day, "v1", views)
    rollup.refresh(now=at(date(2026, 11, 20)))

    assert figures(metrics.overview(october, october.previous()))["views"] == (5, 2)
    assert metrics.site_totals(DateRange(date(2026, 9, 30), date(2026, 11, 1))).views == 14
    assert metrics.views_by_day(DateRange(date(2026, 10, 30), date(2026, 11, 1))) == [
        (date(2026, 10, 30), 0), (date(2026, 10, 31), 5), (date(2026, 11, 1), 7)]
