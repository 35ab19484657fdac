"""The feedback plugin's dashboard source: helpful %, its weekly trend and the least helpful articles on a
fixed set of votes, the per-article parts, and nothing at all when the plugin is off."""
from datetime import date, datetime

import pytest

from app.analytics.periods import DateRange
from app.core.plugins import dashboard_sources
from app.extensions import db
from app.kb.services import add_revision, publish
from plugins.feedback import dashboard
from tests.plugins.feedback.conftest import add_votes, article

# Wednesday 4 to Tuesday 24 November 2026: four ISO weeks, the first and last cut by the range.
PERIOD = DateRange(date(2026, 11, 4), date(2026, 11, 24))
PREVIOUS = PERIOD.previous()  # 14 October – 3 November
WEEKS = ["Week of 2 Nov", "Week of 9 Nov", "Week of 16 Nov", "Week of 23 Nov"]


def at(day, hour=9, minute=0, month=11):
    return datetime(2026, month, day, hour, minute)


@pytest.fixture
def votes(app, site):
    """The fixed votes (see the comments); yields inside an app context."""
    with app.app_context():
        refunds, invoices, free = article("refunds"), article("invoices"), article("is-it-free")
        add_votes(refunds, not_helpful=5, reason="outdated", when=at(3, 23, 59))  # previous period
        add_votes(invoices, helpful=3, when=at(20, month=10))  # previous period
        add_votes(refunds, helpful=1, not_helpful=3, reason="outdated", when=at(5))
        add_votes(refunds, not_helpful=1, reason="unclear", when=at(6))
        add_votes(refunds, not_helpful=1, when=at(6, 10))  # no reason given
        add_votes(invoices, helpful=4, not_helpful=2, reason="unsolved", when=at(17))
        add_votes(free, helpful=3, when=at(24, 23, 59))  # three votes: too few for the least helpful table
        add_votes(free, not_helpful=2, reason="unclear", when=at(25, 0, 0))  # after the range
        yield app


def by_key(items):
    return {item.key: item for item in items}


def test_helpful_is_the_share_of_yes_votes_in_the_range_against_the_previous_period_and_the_target(votes):
    [helpful] = dashboard.overview(PERIOD, PREVIOUS).figures

    assert (helpful.key, helpful.label, helpful.unit, helpful.order) == ("helpful", "Helpful", "percent", 50)
    assert helpful.value == pytest.approx(8 / 15)  # refunds 1 of 6, invoices 4 of 6, is-it-free 3 of 3
    assert helpful.previous == pytest.approx(3 / 8)  # refunds 0 of 5, invoices 3 of 3
    assert helpful.target == 0.9
    assert helpful.note


def test_the_weekly_chart_covers_the_range_with_gaps_for_weeks_without_votes(votes):
    [chart] = dashboard.overview(PERIOD, PREVIOUS).charts

    assert (chart.key, chart.kind, chart.unit, chart.target) == ("helpful_per_week", "line", "percent", 90.0)
    assert chart.labels == WEEKS
    [series] = chart.series
    assert series.values == [16.7, None, 66.7, 100.0]  # the votes of 3 and 25 November are outside


@pytest.mark.parametrize("min_votes, rows", [
    pytest.param(5, [["Refunds", 6, 16.7, "Outdated or wrong (3), Hard to understand (1)"],
                     ["Invoices", 6, 66.7, "Didn't solve my problem (2)"]], id="default"),
    pytest.param(7, [], id="none-with-enough-votes",
                 marks=pytest.mark.app_config(PLUGIN_SETTINGS={"feedback": {"attention_min_votes": 7}})),
    pytest.param(3, [["Refunds", 6, 16.7, "Outdated or wrong (3), Hard to understand (1)"],
                     ["Invoices", 6, 66.7, "Didn't solve my problem (2)"]], id="all-yes-is-never-least-helpful",
                 marks=pytest.mark.app_config(PLUGIN_SETTINGS={"feedback": {"attention_min_votes": 3}})),
])
def test_least_helpful_lists_articles_with_enough_votes_most_surely_unhelpful_first(votes, min_votes, rows):
    [table] = dashboard.overview(PERIOD, PREVIOUS).tables

    assert (table.key, table.columns) == ("least_helpful", ["Article", "Votes", "Helpful %", "Top reasons"])
    assert table.rows == rows
    ids = {article(slug).id: title for slug, title in (("refunds", "Refunds"), ("invoices", "Invoices"))}
    assert [ids[article_id] for article_id in table.article_ids] == [row[0] for row in rows]
    assert f"at least {min_votes} votes" in table.note


@pytest.mark.app_config(PLUGIN_SETTINGS={"feedback": {"satisfaction_target": 0.75}})
def test_the_target_comes_from_the_plugin_setting(votes):
    part = dashboard.overview(PERIOD, PREVIOUS)

    assert (part.figures[0].target, part.charts[0].target) == (0.75, 75.0)


def test_a_range_without_votes_has_no_share_and_an_empty_table(votes):
    quiet = DateRange(date(2026, 9, 1), date(2026, 9, 14))  # Tuesday to Monday: three weeks

    part = dashboard.overview(quiet, quiet.previous())

    assert (part.figures[0].value, part.figures[0].previous) == (None, None)
    assert part.charts[0].labels == ["Week of 31 Aug", "Week of 7 Sep", "Week of 14 Sep"]
    assert part.charts[0].series[0].values == [None, None, None]
    assert part.tables[0].rows == []


def test_the_article_part_has_its_helpful_share_and_weekly_chart(votes):
    part = dashboard.article(article("refunds"), PERIOD)

    [figure] = part.figures
    assert (figure.key, figure.value, figure.previous, figure.target) == ("article_helpful", 1 / 6, 0.0, 0.9)
    [chart] = part.charts
    assert (chart.key, chart.labels, chart.series[0].values) == (
        "article_helpful_per_week", WEEKS, [16.7, None, None, None])
    assert [table.key for table in part.tables] == ["revision_helpfulness", "reasons", "comments"]


def test_reasons_count_the_no_votes_of_the_range_with_their_share(votes):
    reasons = by_key(dashboard.article(article("refunds"), PERIOD).tables)["reasons"]

    assert reasons.columns == ["Reason", "Votes", "Share %"]
    assert reasons.rows == [["Outdated or wrong", 3, 60.0], ["Hard to understand", 1, 20.0],
                            ["No reason given", 1, 20.0]]


def test_helpfulness_per_revision_shows_each_revision_with_votes_and_the_change(votes):
    refunds = article("refunds")
    first = refunds.published_revision
    add_revision(refunds, "Refunds, draft", "", "Never published.")  # #2, without votes: no row
    rewrite = add_revision(refunds, "Refunds, rewritten", "", "Clearer steps.")
    publish(refunds, rewrite)
    db.session.commit()
    add_votes(refunds, helpful=3, not_helpful=1, revision_id=rewrite.id, when=at(20))

    table = by_key(dashboard.article(refunds, PERIOD).tables)["revision_helpfulness"]

    assert table.columns == ["Revision", "Votes", "Helpful %", "Change (points)"]
    assert table.rows == [  # all votes, whatever the range: 11 on the first revision, 4 on the rewrite
        [f"#3 ({rewrite.created_at:%Y-%m-%d})", 4, 75.0, 65.9],
        [f"#1 ({first.created_at:%Y-%m-%d})", 11, 9.1, None],
    ]


@pytest.mark.parametrize("state, shown", [("visible", True), ("flagged", False), ("hidden", False)])
def test_only_published_comments_of_the_range_are_listed_with_contacts_masked(votes, state, shown):
    refunds = article("refunds")
    add_votes(refunds, not_helpful=1, reason="unclear", comment="Step 3 fails, mail jo@example.com",
              comment_state=state, when=at(10, 14, 30))
    add_votes(refunds, helpful=1, comment="Great", when=at(12))
    add_votes(refunds, helpful=1, comment="Too old to show", when=at(1))  # before the range

    table = by_key(dashboard.article(refunds, PERIOD).tables)["comments"]

    assert table.columns == ["When (UTC)", "Helpful?", "Reason", "Comment"]
    expected = [["2026-11-12 09:00", "Yes", "", "Great"]]
    if shown:
        expected.append(["2026-11-10 14:30", "No", "Hard to understand", "Step 3 fails, mail [e-mail hidden]"])
    assert table.rows == expected


@pytest.mark.parametrize("expected", [
    pytest.param([("feedback_ratings", dashboard.overview, dashboard.article)], id="enabled"),
    pytest.param([], id="disabled", marks=pytest.mark.app_config(PLUGINS=[])),
])
def test_the_source_comes_and_goes_with_the_plugin(app, expected):
    with app.app_context():
        sources = dashboard_sources()

    assert [(s.key, s.overview, s.article) for s in sources if s.source == "feedback"] == expected
    assert {"inquiries_figures", "troubleshoot_runs"} <= {s.key for s in sources}  # the core's stay
