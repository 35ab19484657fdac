"""Service levels: due times per priority from config, breaches before and after each target, the queue filter."""
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from app.inquiries import services, sla
from app.inquiries.queue import duration_text
from tests.helpers import BOTH_BACKENDS
from tests.inquiries.conftest import backdate, inquiry_of, open_inquiry, post_step, references

OPENED = datetime(2025, 3, 3, 9, 0)
HOURS = {"urgent": (4, 24), "high": (24, 48), "normal": (48, 120), "low": (48, 120)}


@pytest.mark.parametrize("priority, first, resolution", [(p, *h) for p, h in HOURS.items()])
def test_due_times_follow_the_configured_hours(app, priority, first, resolution):
    assert app.config["INQUIRY_SLA_HOURS"][priority] == [first, resolution]
    assert sla.due_times(app.config, OPENED, priority) == (OPENED + timedelta(hours=first),
                                                            OPENED + timedelta(hours=resolution))


@pytest.mark.app_config(INQUIRY_SLA_HOURS={"urgent": [1, 8], "normal": [10, 20]})
def test_configured_hours_reach_new_inquiries(app):
    opened = open_inquiry(app, priority="urgent")
    with app.app_context():
        inquiry = inquiry_of(opened)
        assert inquiry.first_response_due - inquiry.created_at == timedelta(hours=1)
        assert inquiry.resolution_due - inquiry.created_at == timedelta(hours=8)


def at(hours):
    return None if hours is None else OPENED + timedelta(hours=hours)


# (replied after h, resolved after h, looked at after h) -> (first response missed, resolution missed);
# normal priority: first response within 48 h, resolution within 120 h.
@pytest.mark.parametrize("replied, resolved, now, expected", [
    (None, None, 1, (False, False)),     # fresh
    (None, None, 47.9, (False, False)),  # just inside
    (None, None, 48.1, (True, False)),   # no reply in time
    (2, None, 100, (False, False)),      # replied in time, still within resolution
    (50, None, 60, (True, False)),       # replied, but late: stays missed
    (2, None, 121, (False, True)),       # not resolved in time
    (2, 100, 500, (False, False)),       # resolved in time: never breached afterwards
    (2, 130, 500, (False, True)),        # resolved late: stays missed
])
def test_breach_before_and_after_each_target(replied, resolved, now, expected):
    first_due, resolution_due = OPENED + timedelta(hours=48), OPENED + timedelta(hours=120)
    inquiry = SimpleNamespace(first_response_due=first_due, resolution_due=resolution_due,
                              first_response_at=at(replied), resolved_at=at(resolved))
    state = sla.state(inquiry, at(now))
    assert (state.first_response_breached, state.resolution_breached) == expected
    assert state.breached is any(expected)


@BOTH_BACKENDS
def test_the_breached_filter_matches_the_page_flags(app, lead_client):
    fresh = open_inquiry(app, subject="Fresh")
    unanswered = open_inquiry(app, subject="No reply for three days")
    backdate(app, unanswered, 72)
    answered = open_inquiry(app, subject="Answered in time")
    post_step(lead_client, answered, "reply", body="On it.")
    backdate(app, answered, 72)  # the reply moves back with it: it came within the hour
    late_resolution = open_inquiry(app, subject="Answered, never solved", priority="urgent")
    post_step(lead_client, late_resolution, "reply", body="Looking.")
    backdate(app, late_resolution, 30)  # urgent: resolution within 24 h

    page = lead_client.get("/staff/inquiries?breached=yes").get_data(as_text=True)

    assert references(page) == [late_resolution.reference, unanswered.reference]
    assert "SLA breached" in page
    whole = lead_client.get("/staff/inquiries").get_data(as_text=True)
    assert whole.count('<span class="inq-flag">SLA breached</span>') == 2
    assert "SLA breached" not in lead_client.get(fresh.url).get_data(as_text=True)
    assert "SLA breached" not in lead_client.get(answered.url).get_data(as_text=True)
    first_page = lead_client.get(unanswered.url).get_data(as_text=True)
    assert "SLA breached" in first_page and "Missed" in first_page


@BOTH_BACKENDS
def test_a_priority_change_moves_the_due_times(app, lead_client):
    opened = open_inquiry(app, priority="normal")
    backdate(app, opened, 10)  # fine for normal (48 h), late for urgent (4 h)
    assert lead_client.get("/staff/inquiries?breached=yes").get_data(as_text=True).count(opened.reference) == 0

    answer = post_step(lead_client, opened, "priority", priority="urgent")

    assert answer.status_code == 303
    assert "the SLA due times follow it" in lead_client.get(opened.url).get_data(as_text=True)
    with app.app_context():
        inquiry = inquiry_of(opened)
        assert inquiry.first_response_due == inquiry.created_at + timedelta(hours=4)
        assert inquiry.resolution_due == inquiry.created_at + timedelta(hours=24)
        [event] = [e for e in inquiry.events if e.kind == "priority"]
        assert (event.old_value, event.new_value) == ("Normal", "Urgent")
    assert references(lead_client.get("/staff/inquiries?breached=yes").get_data(as_text=True)) == [opened.reference]


def test_resolving_stops_the_resolution_clock(app, lead_client):
    opened = open_inquiry(app, priority="urgent")
    post_step(lead_client, opened, "reply", body="Fixed it.")
    post_step(lead_client, opened, "status", status="resolved")
    backdate(app, opened, 1)
    with app.app_context():
        inquiry = inquiry_of(opened)
        later = inquiry.created_at + timedelta(days=30)
        assert not sla.state(inquiry, later).breached
        services.change_status(inquiry, "reopened")
        assert sla.state(inquiry, later).resolution_breached  # reopening restarts it against the old due time


@pytest.mark.parametrize("delta, text", [
    (timedelta(seconds=20), "under a minute"),
    (timedelta(minutes=1), "1 minute"),
    (timedelta(hours=2, minutes=5), "2 hours 5 minutes"),
    (timedelta(days=1), "1 day"),
    (timedelta(days=3, hours=4, minutes=59), "3 days 4 hours"),
])
def test_durations_read_like_people_write_them(delta, text):
    assert duration_text(delta) == text
