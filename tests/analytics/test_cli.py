"""`flask analytics rollup`, `flask analytics purge` and the analytics part of `flask kb tick`."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.analytics.models import SiteDay
from app.analytics.periods import today_utc
from app.extensions import db
from app.kb.models import PageView
from tests.analytics.conftest import DAY, add_views


def test_rollup_of_one_day(runner, app, articles):
    add_views(articles["zebra"], DAY, "v1", 3)

    result = runner.invoke(args=["analytics", "rollup", "--day", DAY.isoformat()])

    assert result.exit_code == 0 and result.output == f"rolled up: {DAY}\n"
    with app.app_context():
        assert db.session.get(SiteDay, DAY).views == 3


def test_rollup_of_every_due_day(runner, app, articles):
    first = today_utc() - timedelta(days=2)
    add_views(articles["zebra"], first, "v1")

    result = runner.invoke(args=["analytics", "rollup"])

    assert result.exit_code == 0
    assert result.output.splitlines() == [f"rolled up: {first + timedelta(days=n)}" for n in range(3)] + \
        ["days rolled up: 3"]
    assert runner.invoke(args=["analytics", "rollup"]).output == "days rolled up: 0\n"


@pytest.mark.parametrize(("day", "message"), [
    ("2026-13-01", "must be a date written YYYY-MM-DD"),
    ("yesterday", "must be a date written YYYY-MM-DD"),
    ("2999-01-01", "that day has not started yet"),
])
def test_rollup_refuses_a_bad_day(runner, day, message):
    result = runner.invoke(args=["analytics", "rollup", "--day", day])

    assert result.exit_code == 2 and message in result.output


def test_purge_prints_what_it_deleted_per_table(runner, app, articles):
    cutoff = today_utc() - timedelta(days=30)
    add_views(articles["zebra"], cutoff - timedelta(days=1), "v1")
    add_views(articles["zebra"], cutoff, "v1")

    result = runner.invoke(args=["analytics", "purge", "--days", "30"])

    assert result.exit_code == 0
    assert result.output.splitlines() == ["page_views: 1", "search_clicks: 0", "search_queries: 0", "tree_runs: 0",
                                          f"raw rows deleted: 1 (before {cutoff}; daily aggregates kept)"]
    with app.app_context():
        assert db.session.scalars(select(PageView.day)).all() == [cutoff]
        assert db.session.get(SiteDay, cutoff - timedelta(days=1)).views == 1


@pytest.mark.parametrize("days", ["0", "-5", "many"])
def test_purge_refuses_a_bad_number_of_days(runner, days):
    assert runner.invoke(args=["analytics", "purge", "--days", days]).exit_code == 2


def test_tick_also_rolls_up_and_purges(runner, app, articles):
    old = today_utc() - timedelta(days=91)
    add_views(articles["zebra"], old, "v1", 2)

    result = runner.invoke(args=["kb", "tick"])

    assert result.exit_code == 0
    assert result.output.splitlines() == ["due changes applied: 0", "analytics days rolled up: 92",
                                          f"analytics raw rows purged: 1 (before {old + timedelta(days=1)})"]
    with app.app_context():
        assert db.session.get(SiteDay, old).views == 2
