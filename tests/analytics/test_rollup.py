"""Rolling raw events up into the daily aggregates: every column, idempotence, late rows, refresh and races."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, insert, select

from app.analytics import rollup
from app.analytics.models import ArticleDay, ClickDay, QueryDay, SiteDay, TreeDay, TreeNodeDay
from app.extensions import db
from app.kb import services as kb_services
from app.kb.models import utcnow
from app.troubleshoot import services as tree_services
from app.troubleshoot.rollup import tree_rows
from tests.analytics.conftest import (
    DAY, add_inquiry, add_run, add_search, add_views, aggregates, at, make_article, rollup_state,
)
from tests.helpers import BOTH_BACKENDS
from tests.troubleshoot.conftest import tree_app  # noqa: F401
from tests.troubleshoot.test_analytics import WALKS, walk

NEXT, BEFORE = DAY + timedelta(days=1), DAY - timedelta(days=1)
LATER = at(DAY + timedelta(days=10))  # `now` for a day long over


@pytest.fixture
def day_of_events(articles):
    """Page views, inquiries, searches with clicks and troubleshooter runs on DAY, and a few on its neighbours."""
    a, b = articles["zebra"], articles["billing"]
    add_views(a, DAY, "v1", 3)
    add_views(a, DAY, "v2", 2)
    add_views(b, DAY, "v2", 1)
    add_views(b, DAY, "v3", 4)
    add_views(a, NEXT, "v9", 5)
    add_inquiry("v2", at(DAY, 15))  # a reader of that day
    add_inquiry("v3", at(NEXT, 9))  # the next day: keys change daily, so it matches nobody
    add_inquiry("stranger", at(DAY, 16))  # opened without reading
    add_inquiry("", at(DAY, 17))  # logged by staff, no visitor key
    add_search("refund", at(DAY, 9), results=3, clicks=[a])
    add_search("refund", at(DAY, 10), results=3, escalated=True)
    add_search("refund", at(DAY, 11), results=3, page=2, clicks=[b])  # page 2: a click, not a search
    add_search("lost password", at(DAY, 12), results=0, escalated=True)
    add_search("", at(DAY, 13), results=10)  # a filter without words
    add_search("shipping", at(DAY, 23, 59, 59), results=1, clicks=[a, a])
    add_search("refund", at(BEFORE, 23, 59, 59), results=0)
    tree = make_article("router", "Router will not connect", kind="troubleshooter")
    inquiry = add_inquiry("walker", at(DAY, 8))
    add_run(tree, at(DAY, 7), ["start", "a", "sol1"], outcome="solved", solution="sol1")
    add_run(tree, at(DAY, 7), ["start", "b", "sol2"], outcome="escalated", solution="sol2", inquiry_id=inquiry)
    add_run(tree, at(DAY, 7), ["start", "b"])  # left at b
    add_run(tree, at(DAY, 7), ["start", "gone"])  # left at a node since removed from the tree
    add_run(tree, at(DAY, 7), ["start", "sol1"], solution="sol1")  # reached a solution, never answered
    add_run(tree, at(NEXT, 7), ["start"])
    return {"a": a, "b": b, "tree": tree}


@BOTH_BACKENDS
def test_a_day_is_rolled_up_into_every_aggregate(ctx, day_of_events):
    a, b, tree = day_of_events["a"], day_of_events["b"], day_of_events["tree"]

    assert rollup.rollup_day(DAY, now=LATER) is True

    rows = aggregates(DAY)
    # day, views, visitors, visitors_with_inquiry, searches, zero_result_searches, clicked, escalated
    assert rows["analytics_site_days"] == [(DAY, 10, 3, 1, 5, 1, 2, 2)]
    assert rows["analytics_article_days"] == sorted([(DAY, a, 5, 2), (DAY, b, 5, 2)])
    # day, query, searches, zero_results, no_clicks, escalated, last_seen
    assert rows["analytics_query_days"] == [(DAY, "lost password", 1, 1, 0, 1, at(DAY, 12)),
                                            (DAY, "refund", 2, 0, 1, 1, at(DAY, 10)),
                                            (DAY, "shipping", 1, 0, 0, 0, at(DAY, 23, 59, 59))]
    assert rows["analytics_click_days"] == sorted([(DAY, a, "refund", 1), (DAY, b, "refund", 1),
                                                   (DAY, a, "shipping", 2)])
    # day, article, runs, solved, escalated, inquiries, abandoned, in_progress
    assert rows["analytics_tree_days"] == [(DAY, tree, 5, 1, 1, 1, 3, 0)]
    # day, article, node, visits, dropoffs, solved, escalated, abandoned
    assert rows["analytics_tree_node_days"] == sorted([
        (DAY, tree, "start", 5, 0, 0, 0, 0), (DAY, tree, "a", 1, 0, 0, 0, 0), (DAY, tree, "b", 2, 1, 0, 0, 0),
        (DAY, tree, "sol1", 2, 1, 1, 0, 1), (DAY, tree, "sol2", 1, 0, 0, 1, 0), (DAY, tree, "gone", 1, 1, 0, 0, 0)])
    assert rollup_state(DAY) == (True, LATER)


def test_rolling_a_day_up_twice_gives_the_same_rows(ctx, day_of_events):
    rollup.rollup_day(DAY, now=LATER)
    first = aggregates()

    rollup.rollup_day(DAY, now=LATER + timedelta(hours=1))

    assert aggregates() == first
    assert rollup_state(DAY) == (True, LATER + timedelta(hours=1))


def test_an_unfinished_day_is_rolled_up_again_with_the_rows_that_came_later(ctx, articles):
    a = articles["zebra"]
    add_views(a, DAY, "v1", 2)
    noon = at(DAY, 12)
    rollup.rollup_day(DAY, now=noon)
    assert rollup_state(DAY) == (False, noon)

    add_views(a, DAY, "v2", 3)
    rollup.rollup_day(DAY, now=noon + timedelta(minutes=5))

    assert aggregates(DAY)["analytics_site_days"] == [(DAY, 5, 2, 0, 0, 0, 0, 0)]
    assert rollup_state(DAY) == (False, noon + timedelta(minutes=5))


@pytest.mark.parametrize(("now", "complete"), [
    (at(DAY, 23, 59), False),  # today
    (at(NEXT, 0, 5), False),  # page views of the last minutes may still be buffered
    (at(NEXT, 23), False),  # a search of DAY may still be clicked or escalated
    (at(NEXT + timedelta(days=1), 0, 9, 59), False),
    (at(NEXT + timedelta(days=1), 0, 10), True),  # a day and ten minutes after DAY ended
])
def test_a_day_is_final_a_day_and_ten_minutes_after_it_ended(ctx, articles, now, complete):
    add_views(articles["zebra"], DAY, "v1")

    rollup.rollup_day(DAY, now=now)

    assert rollup_state(DAY) == (complete, now)


def test_an_in_progress_run_is_counted_as_such_until_the_day_is_rolled_up_again(ctx):
    tree = make_article("router", "Router", kind="troubleshooter")
    add_run(tree, at(DAY, 12), ["start", "b"], updated_at=at(DAY, 12, 10))

    rollup.rollup_day(DAY, now=at(DAY, 12, 20))
    assert aggregates(DAY)["analytics_tree_days"] == [(DAY, tree, 1, 0, 0, 0, 0, 1)]
    assert aggregates(DAY)["analytics_tree_node_days"] == [(DAY, tree, "b", 1, 0, 0, 0, 0),
                                                           (DAY, tree, "start", 1, 0, 0, 0, 0)]

    rollup.rollup_day(DAY, now=at(DAY, 13))
    assert aggregates(DAY)["analytics_tree_days"] == [(DAY, tree, 1, 0, 0, 0, 1, 0)]
    assert (DAY, tree, "b", 1, 1, 0, 0, 0) in aggregates(DAY)["analytics_tree_node_days"]


def test_the_tree_rollup_counts_as_the_staff_report_does(tree_app):  # noqa: F811
    for number, (trails, answer) in enumerate(WALKS):
        walk(tree_app, number, trails, answer)
    with tree_app.app_context():
        article = kb_services.get_article("router")
        since, until, now = utcnow() - timedelta(days=1), utcnow() + timedelta(minutes=1), utcnow() + timedelta(hours=1)
        report = tree_services.tree_report(article, tree_services.tree_of(article.published_revision), since, until,
                                           now=now)

        runs, nodes = tree_rows(since, until, now)

    assert runs == [{"article_id": article.id, "runs": report.runs, "solved": report.solved,
                     "escalated": report.escalated, "inquiries": report.inquiries, "abandoned": report.abandoned,
                     "in_progress": report.in_progress}]
    assert {row["node_id"]: (row["visits"], row["dropoffs"], row["solved"], row["escalated"], row["abandoned"])
            for row in nodes} == {s.node.id: (s.visits, s.dropoffs, s.solved, s.escalated, s.abandoned)
                                  for s in report.nodes if s.visits}


def test_refresh_rolls_up_the_oldest_days_first_and_says_how_many_wait(ctx, articles):
    today = DAY + timedelta(days=9)
    for n in range(10):
        add_views(articles["zebra"], DAY + timedelta(days=n), "v1", n + 1)
    now = at(today, 12)

    first = rollup.refresh(now=now, max_days=3)
    second = rollup.refresh(now=now, max_days=3)

    # Today is rolled up whatever the cap: the dashboard shows it.
    assert (first.days, first.pending) == ([DAY, DAY + timedelta(days=1), DAY + timedelta(days=2), today], 6)
    assert (second.days, second.pending) == ([DAY + timedelta(days=n) for n in (3, 4, 5)], 3)
    assert rollup.refresh(now=now).days == [DAY + timedelta(days=n) for n in (6, 7, 8)]
    assert rollup.refresh(now=now).days == []
    assert [row.views for row in db.session.execute(select(SiteDay).order_by(SiteDay.day)).scalars()] == \
        list(range(1, 11))


@pytest.mark.parametrize(("seconds_later", "rolled_again"), [(30, False), (59, False), (60, True), (600, True)])
def test_today_is_rolled_up_again_only_after_ANALYTICS_TODAY_SECONDS(ctx, articles, seconds_later, rolled_again):
    add_views(articles["zebra"], DAY, "v1")
    noon = at(DAY, 12)
    assert rollup.refresh(now=noon).days == [DAY]
    add_views(articles["zebra"], DAY, "v2")

    again = rollup.refresh(now=noon + timedelta(seconds=seconds_later))

    assert again.days == ([DAY] if rolled_again else [])
    assert aggregates(DAY)["analytics_site_days"][0][1] == (2 if rolled_again else 1)


def test_a_final_day_is_not_rolled_up_again_but_yesterday_is_until_it_settles(ctx, articles):
    for day in (BEFORE, DAY):
        add_views(articles["zebra"], day, "v1")
    rollup.refresh(now=at(DAY, 12))  # BEFORE is yesterday: not final yet
    assert rollup_state(BEFORE)[0] is False

    assert rollup.refresh(now=at(DAY, 12, 5)).days == [BEFORE, DAY]
    assert rollup.refresh(now=at(NEXT, 0, 10)).days == [BEFORE, DAY, NEXT]  # BEFORE has settled
    assert rollup_state(BEFORE)[0] is True
    assert rollup.refresh(now=at(NEXT, 0, 20)).days == [DAY, NEXT]


def test_refresh_with_nothing_due_costs_two_queries(ctx, articles):
    add_views(articles["zebra"], DAY, "v1")
    rollup.refresh(now=LATER)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert rollup.refresh(now=LATER + timedelta(seconds=30)).days == []
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)

    assert len(statements) == 2


def test_refresh_with_no_events_does_nothing(ctx):
    assert rollup.refresh(now=LATER) == rollup.Refresh(days=[], pending=0)


@BOTH_BACKENDS
def test_a_day_rolled_up_by_another_process_meanwhile_is_left_to_it(ctx, articles, monkeypatch):
    a = articles["zebra"]
    add_views(a, DAY, "v1", 2)
    other = create_engine(db.engine.url)
    insert_articles = rollup._insert_article_days

    def race(day):
        # The other process inserted the day's rows and committed while this one was at work.
        if other.dialect.name == "postgresql":
            with other.begin() as conn:
                conn.execute(insert(ArticleDay).values(day=day, article_id=a, views=2, visitors=1))
        else:  # SQLite lets one writer in at a time: the conflicting row can only come through this session
            db.session.execute(insert(ArticleDay).values(day=day, article_id=a, views=2, visitors=1))
        insert_articles(day)

    monkeypatch.setattr(rollup, "_insert_article_days", race)
    try:
        assert rollup.rollup_day(DAY, now=LATER) is False
    finally:
        other.dispose()
    monkeypatch.undo()

    assert aggregates(DAY)["analytics_site_days"] == []  # this process's work was rolled back, nothing broke
    assert rollup_state(DAY) is None
    assert rollup.rollup_day(DAY, now=LATER) is True
    assert aggregates(DAY)["analytics_article_days"] == [(DAY, a, 2, 1)]


def test_clicks_and_queries_skip_empty_searches(ctx, articles):
    add_search("", at(DAY, 9), results=4, clicks=[articles["zebra"]])

    rollup.rollup_day(DAY, now=LATER)

    rows = aggregates(DAY)
    assert rows["analytics_site_days"] == [(DAY, 0, 0, 0, 1, 0, 1, 0)]
    assert rows["analytics_query_days"] == [] and rows["analytics_click_days"] == []


def test_aggregates_of_a_deleted_article_go_with_it(ctx, day_of_events):
    rollup.rollup_day(DAY, now=LATER)
    article = kb_services.get_article("zebra")

    db.session.delete(article)
    db.session.commit()

    for model in (ArticleDay, ClickDay, TreeDay, TreeNodeDay):
        assert day_of_events["a"] not in db.session.execute(select(model.article_id)).scalars().all()
    assert db.session.execute(select(QueryDay.query)).scalars().all()  # queries are not the article's
