"""How the dashboard writes numbers, changes and targets."""
from datetime import date, datetime

import pytest

from app.core.plugins import Figure
from app.dashboard.formatting import as_cell, as_count, as_percent, change_of, target_status


@pytest.mark.parametrize("value, shown", [(0, "0"), (7, "7"), (1234, "1,234"), (1234567, "1,234,567"),
                                          (-3, "−3"), (None, "—")])
def test_counts_have_thousands_separators(value, shown):
    assert as_count(value) == shown


@pytest.mark.parametrize("share, shown", [(0.87, "87%"), (0.875, "87.5%"), (0.8749, "87.5%"), (1, "100%"),
                                          (0, "0%"), (1 / 3, "33.3%"), (None, "—")])
def test_shares_are_percents_with_at_most_one_decimal(share, shown):
    assert as_percent(share) == shown


@pytest.mark.parametrize("figure, text, tone, words", [
    (Figure("v", "Views", 1382, 1234), "+12% (1,234 → 1,382)", "good", "up 12% from 1,234 to 1,382"),
    (Figure("v", "Views", 1000, 1040), "−3.8% (1,040 → 1,000)", "bad", "down 3.8% from 1,040 to 1,000"),
    (Figure("i", "Inquiries", 12, 10, higher_is_better=False), "+20% (10 → 12)", "bad", "up 20% from 10 to 12"),
    (Figure("v", "Views", 12, 0), "+12 (0 → 12)", "good", "up 12 from 0 to 12"),  # no percent of nothing
    (Figure("v", "Views", 5, 5), "No change (5 → 5)", "neutral", "no change from 5"),
    (Figure("h", "Helpful", 0.871, 0.84, unit="percent"), "+3.1 pts (84% → 87.1%)", "good",
     "up 3.1 points from 84% to 87.1%"),
    (Figure("z", "Zero results", 0.2, 0.25, unit="percent", higher_is_better=False), "−5 pts (25% → 20%)", "good",
     "down 5 points from 25% to 20%"),
])
def test_a_change_is_written_with_both_values_and_judged_by_which_way_is_better(figure, text, tone, words):
    change = change_of(figure)

    assert (change.text, change.tone, change.words) == (text, tone, words)


@pytest.mark.parametrize("value, previous", [(None, 0.5), (0.5, None), (None, None)])
def test_nothing_to_compare_gives_no_change(value, previous):
    assert change_of(Figure("h", "Helpful", value, previous, unit="percent")) is None


@pytest.mark.parametrize("figure, status", [
    (Figure("h", "Helpful", 0.95, unit="percent", target=0.9), ("Target 90%", True)),
    (Figure("h", "Helpful", 0.9, unit="percent", target=0.9), ("Target 90%", True)),  # on the target is met
    (Figure("h", "Helpful", 0.85, unit="percent", target=0.9), ("Target 90%", False)),
    (Figure("h", "Helpful", None, unit="percent", target=0.9), ("Target 90%", None)),  # nothing to judge
    (Figure("z", "Zero results", 0.1, unit="percent", target=0.15, higher_is_better=False), ("Target 15%", True)),
    (Figure("v", "Views", 100), None),
])
def test_a_target_is_met_when_the_value_reaches_it(figure, status):
    assert target_status(figure) == status


@pytest.mark.parametrize("cell, shown", [
    (1234, "1,234"), (12.5, "12.5"), (None, "—"), ("", ""), ("refund", "refund"), (True, "Yes"),
    (date(2026, 11, 3), "3 Nov 2026"), (datetime(2026, 11, 3, 14, 5), "3 Nov 2026, 14:05"),
])
def test_table_cells_are_written_for_people(cell, shown):
    assert as_cell(cell) == shown
