"""The inquiries' dashboard source: inquiries opened, CSAT and resolved within 24 h on a fixed data set,
inquiries per week, the most cited articles, the per-article part, and nothing before the first inquiry."""
from datetime import date, datetime, timedelta

import pytest

from app.analytics.periods import DateRange
from app.core.plugins import dashboard_sources
from app.extensions import db
from app.inquiries import dashboard
from app.inquiries.models import Inquiry, Survey
from app.kb import services as kb
from app.kb.sync import sync_directory
from tests.helpers import article_file, write

# Wednesday 4 to Tuesday 24 November 2026: four ISO weeks, the first and last cut by the range.
PERIOD = DateRange(date(2026, 11, 4), date(2026, 11, 24))
PREVIOUS = PERIOD.previous()  # 14 October – 3 November

# created, hours to resolution (None: open), CSAT answer (None: no survey), article read first, status, priority
INQUIRIES = [
    (datetime(2026, 10, 20, 12), None, None, None, "new", "normal"),  # previous period
    (datetime(2026, 11, 3, 23, 59, 59), 10, 5, "refunds", "resolved", "normal"),  # previous period
    (datetime(2026, 11, 4), 24, 4, "refunds", "resolved", "high"),  # 24 h exactly: within
    (datetime(2026, 11, 5, 10), 25, 2, "refunds", "closed", "normal"),  # one hour late
    (datetime(2026, 11, 17, 9), None, None, "log-in", "in_progress", "urgent"),
    (datetime(2026, 11, 18, 8), 2, 5, None, "resolved", "low"),
    (datetime(2026, 11, 24, 23, 59), 1, None, "refunds", "resolved", "normal"),
    (datetime(2026, 11, 25), 1, 5, "refunds", "resolved", "normal"),  # after the range
]


@pytest.fixture
def articles(app, tmp_path):
    """Two published articles: {slug: id}."""
    root = tmp_path / "content"
    write(root, "billing/refunds.md", article_file("Refunds and returns", "Ask within 14 days."))
    write(root, "account/log-in.md", article_file("Log in", "Use the link."))
    with app.app_context():
        assert not sync_directory(root).failed
        return {slug: kb.get_article(slug).id for slug in ("refunds", "log-in")}


def add_inquiries(rows, articles):
    """Insert inquiries (and surveys) exactly as given; references number them in order."""
    for number, (created, hours, csat, slug, status, priority) in enumerate(rows, start=1):
        inquiry = Inquiry(
            reference=f"INQ-{created:%y%m}-{number:04d}", name="Ann Example", email="ann@example.com",
            user_type="public", subject=f"Question {number}", category="billing", description="Details.",
            status=status, priority=priority, created_at=created, link_nonce=f"nonce-{number}",
            resolved_at=None if hours is None else created + timedelta(hours=hours),
            source_article_id=articles[slug] if slug else None)
        if csat is not None:
            inquiry.survey = Survey(csat=csat, resolved=csat >= 4, created_at=created)
        db.session.add(inquiry)
    db.session.commit()


@pytest.fixture
def data(app, articles):
    """The fixed inquiries; yields inside an app context."""
    with app.app_context():
        add_inquiries(INQUIRIES, articles)
        yield articles


def by_key(items):
    return {item.key: item for item in items}


@pytest.mark.parametrize("key, label, unit, value, previous, target, order", [
    ("inquiries", "Inquiries opened", "count", 5, 2, None, 70),
    ("csat", "CSAT", "percent", 2 / 3, 1.0, 0.9, 80),  # answers 4, 2, 5; before: 5
    ("resolved_24h", "Resolved within 24 h", "percent", 3 / 5, 1 / 2, 0.8, 90),  # 24 h, 2 h, 1 h; before: 10 h
])
def test_figures_count_the_inquiries_created_in_the_range(data, key, label, unit, value, previous, target, order):
    figure = by_key(dashboard.overview(PERIOD, PREVIOUS).figures)[key]

    assert (figure.label, figure.unit, figure.order) == (label, unit, order)
    assert figure.value == pytest.approx(value)
    assert figure.previous == pytest.approx(previous)
    assert figure.target == target
    assert figure.higher_is_better is (key != "inquiries")
    assert figure.note


@pytest.mark.app_config(CSAT_TARGET=0.95, RESOLVED_WITHIN_HOURS_TARGET=0.5)
def test_targets_come_from_the_configuration(data):
    figures = by_key(dashboard.overview(PERIOD, PREVIOUS).figures)

    assert (figures["csat"].target, figures["resolved_24h"].target) == (0.95, 0.5)


def test_the_weekly_chart_counts_inquiries_per_iso_week_of_the_range(data):
    [chart] = dashboard.overview(PERIOD, PREVIOUS).charts

    assert (chart.key, chart.kind, chart.unit) == ("inquiries_per_week", "bar", "count")
    assert chart.labels == ["Week of 2 Nov", "Week of 9 Nov", "Week of 16 Nov", "Week of 23 Nov"]
    assert chart.series[0].values == [2, 0, 2, 1]  # 3 and 25 November are outside the range


def test_most_inquired_lists_the_articles_read_first_with_their_share_of_all_inquiries(data):
    [table] = dashboard.overview(PERIOD, PREVIOUS).tables

    assert (table.key, table.columns) == ("most_inquired", ["Article", "Inquiries", "Share %"])
    assert table.rows == [["Refunds and returns", 3, 60.0], ["Log in", 1, 20.0]]
    assert table.article_ids == [data["refunds"], data["log-in"]]


def test_a_range_without_inquiries_has_zero_and_no_shares(data):
    quiet = DateRange(date(2026, 9, 1), date(2026, 9, 14))

    part = dashboard.overview(quiet, quiet.previous())

    assert [(f.key, f.value, f.previous) for f in part.figures] == [
        ("inquiries", 0, 0), ("csat", None, None), ("resolved_24h", None, None)]
    assert part.charts[0].series[0].values == [0, 0, 0]
    assert part.tables[0].rows == []


def test_nothing_is_shown_before_the_first_inquiry(app, articles):
    with app.app_context():
        refunds = kb.get_article("refunds")

        assert dashboard.overview(PERIOD, PREVIOUS) is None
        assert dashboard.article(refunds, PERIOD) is None


def test_the_article_part_lists_the_inquiries_that_cite_it_newest_first(data):
    part = dashboard.article(kb.get_article("refunds"), PERIOD)

    [figure] = part.figures
    assert (figure.key, figure.value, figure.previous, figure.higher_is_better) == (
        "article_inquiries_count", 3, 1, False)
    [table] = part.tables
    assert (table.key, table.columns) == ("article_inquiries",
                                          ["Reference", "Subject", "Status", "Opened (UTC)", "Priority"])
    assert table.rows == [
        ["INQ-2611-0007", "Question 7", "Resolved", "2026-11-24 23:59", "Normal"],
        ["INQ-2611-0004", "Question 4", "Closed", "2026-11-05 10:00", "Normal"],
        ["INQ-2611-0003", "Question 3", "Resolved", "2026-11-04 00:00", "High"],
    ]


def test_an_article_no_inquiry_cites_has_zero_and_an_empty_table(data):
    part = dashboard.article(kb.get_article("log-in"), DateRange(date(2026, 11, 4), date(2026, 11, 10)))

    assert (part.figures[0].value, part.figures[0].previous, part.tables[0].rows) == (0, 0, [])


def test_the_source_is_registered_by_the_feature(app):
    with app.app_context():
        [source] = [s for s in dashboard_sources() if s.source == "inquiries"]

    assert (source.key, source.overview, source.article) == ("inquiries_figures", dashboard.overview,
                                                             dashboard.article)
