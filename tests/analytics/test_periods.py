"""Date ranges the dashboard accepts, the period each is compared with, and how they are named."""
from datetime import date

import pytest

from app.analytics.periods import DateRange, RangeError, parse_range

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(("value", "start", "end", "expected"), [
    ("", "", "", (date(2026, 10, 25), TODAY, "30d")),  # nothing: the last 30 days
    ("7d", "", "", (date(2026, 11, 17), TODAY, "7d")),
    ("30d", "", "", (date(2026, 10, 25), TODAY, "30d")),
    ("90d", "", "", (date(2026, 8, 26), TODAY, "90d")),
    ("2026-10", "", "", (date(2026, 10, 1), date(2026, 10, 31), "month")),
    ("2026-11", "", "", (date(2026, 11, 1), TODAY, "month")),  # the future is cut off
    ("month", "", "", (date(2026, 11, 1), TODAY, "month")),
    ("2026-Q3", "", "", (date(2026, 7, 1), date(2026, 9, 30), "quarter")),
    ("2026-q4", "", "", (date(2026, 10, 1), TODAY, "quarter")),
    ("quarter", "", "", (date(2026, 10, 1), TODAY, "quarter")),
    ("", "2026-11-01", "2026-11-10", (date(2026, 11, 1), date(2026, 11, 10), "custom")),
    ("30d", " 2026-11-01 ", "2026-12-31", (date(2026, 11, 1), TODAY, "custom")),  # dates win; cut at today
    ("", "2024-11-23", "2026-11-23", (date(2024, 11, 23), TODAY, "custom")),  # 731 days: the most allowed
])
def test_parse_range(value, start, end, expected):
    period = parse_range(value, start, end, today=TODAY)

    assert (period.start, period.end, period.kind) == expected


@pytest.mark.parametrize(("value", "start", "end", "message"), [
    ("", "2026-11-01", "", "Give both a start and an end date for a custom range."),
    ("", "", "2026-11-01", "Give both a start and an end date for a custom range."),
    ("", "2026-11-10", "2026-11-01", "The start date is after the end date."),
    ("", "2026-11-31", "2026-12-01", "“2026-11-31” is not a start date: write it as YYYY-MM-DD"),
    ("", "2026-11-01", "soon", "“soon” is not a"),
    ("", "2026-11-24", "2026-11-30", "The range starts in the future"),
    ("", "2024-11-22", "2026-11-23", "Choose at most 731 days (two years)."),
    ("2026-12", "", "", "That period has not started yet."),
    ("2027-Q1", "", "", "That period has not started yet."),
    ("2026-13", "", "", "“2026-13” is not a range: choose last 7, 30 or 90 days"),
    ("1999-01", "", "", "“1999-01” is not a range"),
    ("2026-Q5", "", "", "“2026-Q5” is not a range"),
    ("14d", "", "", "“14d” is not a range"),
])
def test_bad_ranges_say_how_to_write_one(value, start, end, message):
    with pytest.raises(RangeError) as error:
        parse_range(value, start, end, today=TODAY)

    assert message in str(error.value)


@pytest.mark.parametrize(("value", "today", "previous"), [
    ("month", TODAY, (date(2026, 10, 1), date(2026, 10, 23))),  # in progress: the same days of last month
    ("2026-10", TODAY, (date(2026, 9, 1), date(2026, 9, 30))),  # complete: the whole previous month
    ("2026-05", TODAY, (date(2026, 4, 1), date(2026, 4, 30))),  # 31 days against 30
    ("2026-03", TODAY, (date(2026, 2, 1), date(2026, 2, 28))),  # against February
    ("2024-03", TODAY, (date(2024, 2, 1), date(2024, 2, 29))),  # a leap year's February
    ("month", date(2026, 3, 30), (date(2026, 2, 1), date(2026, 2, 28))),  # 30 days in, February has 28
    ("2026-01", TODAY, (date(2025, 12, 1), date(2025, 12, 31))),
    ("2026-Q3", TODAY, (date(2026, 4, 1), date(2026, 6, 30))),
    ("quarter", TODAY, (date(2026, 7, 1), date(2026, 8, 23))),  # 54 days into Q4
    ("2026-Q1", TODAY, (date(2025, 10, 1), date(2025, 12, 31))),
    ("7d", TODAY, (date(2026, 11, 10), date(2026, 11, 16))),
    ("30d", TODAY, (date(2026, 9, 25), date(2026, 10, 24))),
    ("90d", TODAY, (date(2026, 5, 28), date(2026, 8, 25))),
])
def test_previous_period(value, today, previous):
    period = parse_range(value, today=today).previous()

    assert (period.start, period.end, period.kind) == (*previous, "previous")


def test_a_custom_range_is_compared_with_as_many_days_before():
    period = parse_range("", "2026-11-01", "2026-11-10", today=TODAY).previous()

    assert (period.start, period.end, period.days) == (date(2026, 10, 22), date(2026, 10, 31), 10)


@pytest.mark.parametrize(("period", "label"), [
    (parse_range("30d", today=TODAY), "Last 30 days"),
    (parse_range("2026-10", today=TODAY), "October 2026"),
    (parse_range("month", today=TODAY), "November 2026 (to 23 November 2026)"),
    (parse_range("2026-Q3", today=TODAY), "Q3 2026"),
    (parse_range("quarter", today=TODAY), "Q4 2026 (to 23 November 2026)"),
    (DateRange(date(2026, 11, 3), date(2026, 11, 3)), "3 November 2026"),
    (DateRange(date(2026, 11, 3), date(2026, 11, 9)), "3–9 November 2026"),
    (DateRange(date(2026, 10, 28), date(2026, 11, 3)), "28 October – 3 November 2026"),
    (DateRange(date(2025, 12, 1), date(2026, 1, 5)), "1 December 2025 – 5 January 2026"),
])
def test_labels(period, label):
    assert period.label == label


@pytest.mark.parametrize(("value", "start", "end", "args"), [
    ("7d", "", "", {"range": "7d"}),
    ("month", "", "", {"range": "2026-11"}),
    ("2026-q3", "", "", {"range": "2026-Q3"}),
    ("", "2026-11-01", "2026-11-10", {"start": "2026-11-01", "end": "2026-11-10"}),
])
def test_a_range_links_back_to_itself(value, start, end, args):
    period = parse_range(value, start, end, today=TODAY)

    assert period.query_args() == args
    assert parse_range(**{"value": args.get("range", ""), "start": args.get("start", ""),
                          "end": args.get("end", "")}, today=TODAY) == period


def test_a_range_knows_its_days_and_moments():
    period = DateRange(date(2026, 10, 30), date(2026, 11, 1))

    assert period.day_list() == [date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1)]
    assert (period.start_at.isoformat(), period.end_at.isoformat()) == ("2026-10-30T00:00:00", "2026-11-02T00:00:00")
    assert period.span == "30 October – 1 November 2026"
