"""The troubleshooters' dashboard source: runs, solve rate and drop-offs per node of one troubleshooter,
read from the daily aggregates; nothing for other articles."""
from datetime import date

import pytest

from app.analytics.models import TreeDay, TreeNodeDay
from app.analytics.periods import DateRange
from app.core.plugins import dashboard_sources
from app.extensions import db
from app.kb import services as kb
from app.troubleshoot import dashboard

PERIOD = DateRange(date(2026, 11, 4), date(2026, 11, 24))  # compared with 14 October – 3 November

# day, runs, solved, escalated, inquiries, abandoned, in progress
TREE_DAYS = [
    (date(2026, 11, 3), 4, 1, 1, 0, 2, 0),  # previous period
    (date(2026, 11, 4), 5, 2, 1, 1, 1, 1),
    (date(2026, 11, 24), 3, 1, 0, 0, 2, 0),
    (date(2026, 11, 25), 10, 10, 0, 0, 0, 0),  # after the range
]
# day, node, visits, drop-offs, solved, escalated
NODE_DAYS = [
    (date(2026, 11, 3), "lights", 4, 2, 0, 0),
    (date(2026, 11, 4), "lights", 5, 1, 0, 0),
    (date(2026, 11, 4), "restart", 3, 0, 0, 0),
    (date(2026, 11, 4), "fixed", 2, 0, 2, 0),
    (date(2026, 11, 4), "provider", 1, 0, 0, 1),
    (date(2026, 11, 4), "old-node", 2, 1, 0, 0),  # no longer in the tree
    (date(2026, 11, 24), "lights", 3, 0, 0, 0),
    (date(2026, 11, 24), "power", 3, 2, 0, 0),
    (date(2026, 11, 24), "fixed", 1, 0, 1, 0),
    (date(2026, 11, 24), "ancient", 1, 1, 0, 0),  # no longer in the tree
    (date(2026, 11, 25), "lights", 10, 0, 0, 0),
]


@pytest.fixture
def aggregates(tree_app):
    """The router troubleshooter with the fixed daily aggregates; yields its article inside an app context."""
    with tree_app.app_context():
        router = kb.get_article("router")
        for day, runs, solved, escalated, inquiries, abandoned, in_progress in TREE_DAYS:
            db.session.add(TreeDay(day=day, article_id=router.id, runs=runs, solved=solved, escalated=escalated,
                                   inquiries=inquiries, abandoned=abandoned, in_progress=in_progress))
        for day, node, visits, dropoffs, solved, escalated in NODE_DAYS:
            db.session.add(TreeNodeDay(day=day, article_id=router.id, node_id=node, visits=visits,
                                       dropoffs=dropoffs, solved=solved, escalated=escalated))
        db.session.commit()
        yield router


@pytest.mark.parametrize("key, unit, value, previous", [
    ("tree_runs", "count", 8, 4),
    ("tree_solve_rate", "percent", 3 / 7, 1 / 4),  # the run still in progress is left out
])
def test_figures_add_up_the_days_of_the_range(aggregates, key, unit, value, previous):
    figure = {f.key: f for f in dashboard.article(aggregates, PERIOD).figures}[key]

    assert figure.unit == unit
    assert figure.value == pytest.approx(value)
    assert figure.previous == pytest.approx(previous)
    assert figure.note


def test_drop_offs_are_listed_per_node_in_tree_order_with_removed_nodes_last(aggregates):
    [table] = dashboard.article(aggregates, PERIOD).tables

    assert (table.key, table.columns) == (
        "tree_dropoff", ["Node", "Visits", "Drop-offs", "Drop-off rate %", "Solved", "Escalated"])
    assert table.rows == [
        ["Which light is on?", 8, 1, 12.5, 0, 0],
        ["Restart the router and wait two minutes.", 3, 0, 0.0, 0, 0],
        ["Check that the grey cable clicks into the socket.", 0, 0, None, 0, 0],
        ["Is the power cable plugged in?", 3, 2, 66.7, 0, 0],
        ["Plug it in and switch it on.", 0, 0, None, 0, 0],
        ["Your provider may have an outage. Tell us your customer number.", 1, 0, 0.0, 0, 1],
        ["The router may be broken.", 0, 0, None, 0, 0],
        ["Glad it works again.", 3, 0, 0.0, 3, 0],
        ["ancient (removed)", 1, 1, 100.0, 0, 0],
        ["old-node (removed)", 2, 1, 50.0, 0, 0],
    ]


def test_a_range_without_runs_has_no_rows_and_no_solve_rate(aggregates):
    quiet = DateRange(date(2026, 9, 1), date(2026, 9, 30))

    part = dashboard.article(aggregates, quiet)

    assert [(f.key, f.value, f.previous) for f in part.figures] == [
        ("tree_runs", 0, 0), ("tree_solve_rate", None, None)]
    assert part.tables[0].rows == []


def test_other_articles_have_no_troubleshooter_part(aggregates):
    assert dashboard.article(kb.get_article("router-manual"), PERIOD) is None


def test_the_source_is_per_article_only(app):
    with app.app_context():
        [source] = [s for s in dashboard_sources() if s.source == "troubleshoot"]

    assert (source.key, source.overview, source.article) == ("troubleshoot_runs", None, dashboard.article)
