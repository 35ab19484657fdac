"""The app rolls up finished days and purges old raw rows itself, before requests, at most once an interval."""
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.analytics import maintenance
from app.analytics.models import RollupDay, SiteDay
from app.analytics.periods import today_utc
from app.extensions import db
from app.kb.models import PageView
from tests.analytics.conftest import DAY, add_views, at


def rolled_days():
    return db.session.scalars(select(RollupDay.day).order_by(RollupDay.day)).all()


@pytest.fixture
def old_and_recent_views(app, articles):
    """Views 100 days ago (past the 90-day retention) and 3 days ago; returns those two days."""
    old, recent = today_utc() - timedelta(days=100), today_utc() - timedelta(days=3)
    add_views(articles["zebra"], old, "v1", 4)
    add_views(articles["zebra"], recent, "v2")
    return old, recent


def test_maintenance_rolls_up_at_most_a_week_of_finished_days(ctx, articles):
    for n in range(10):
        add_views(articles["zebra"], DAY + timedelta(days=n), "v1")

    rolled, purged = maintenance.run_maintenance(now=at(DAY + timedelta(days=9), 12))

    # DAY+8 (yesterday) is not final yet and today is left to the dashboard.
    assert rolled.days == [DAY + timedelta(days=n) for n in range(7)] and rolled.pending == 1
    assert purged.total == 0


def test_maintenance_is_off_while_testing(app, client, old_and_recent_views):
    assert client.get("/").status_code == 200

    with app.app_context():
        assert rolled_days() == [] and db.session.scalar(select(func.count(PageView.id))) == 2


@pytest.mark.app_config(TESTING=False)
def test_a_request_runs_the_maintenance_once_an_interval(app, client, old_and_recent_views, articles):
    old, recent = old_and_recent_views

    assert client.get("/").status_code == 200

    with app.app_context():
        assert rolled_days() == [old + timedelta(days=n) for n in range(7)]
        assert db.session.get(SiteDay, old).views == 4
        assert db.session.scalars(select(PageView.day)).all() == [recent]
        add_views(articles["zebra"], old - timedelta(days=1), "v3")
    client.get("/")
    with app.app_context():
        assert len(rolled_days()) == 7  # the next run is an hour away


@pytest.mark.app_config(TESTING=False, ANALYTICS_MAINTENANCE_SECONDS=0)
def test_an_interval_of_zero_turns_the_maintenance_off(app, client, old_and_recent_views):
    client.get("/")

    with app.app_context():
        assert rolled_days() == []


@pytest.mark.app_config(TESTING=False)
def test_a_failing_maintenance_does_not_fail_the_page(app, client, monkeypatch, caplog):
    def broken(now=None):
        raise RuntimeError("database went away")

    monkeypatch.setattr(maintenance, "run_maintenance", broken)
    with caplog.at_level(logging.WARNING):
        response = client.get("/")

    assert response.status_code == 200
    assert "maintenance left for the next run" in caplog.text
